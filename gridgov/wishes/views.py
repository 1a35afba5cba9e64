"""Micro-wish pages (微心愿), on a phone first.

- ``/wishes/``: the public wish wall, for everyone, signed in or not. Nothing on it identifies
  a beneficiary. A signed-in claimer (party member, deputy covering the wish, secretary of a
  unit paired with the wish's community) also finds a claim form under each open wish (units
  for a many-to-one wish; the unit for a paired unit's secretary) and checkboxes to claim
  several wishes whole at once (one-to-many).
- ``/wishes/mine/``: a claimer's live pledges (fulfil with a photo, withdraw); a resident's
  own wishes (confirm the fulfilment, thank).
- ``/wishes/review/``: the community party secretary's pending wishes (beneficiary masked:
  approve, reject with a reason); the grid worker's fulfilled wishes to confirm and
  confirmed ones to thank for.
- ``/wishes/new/``: a resident posts a wish, a grid worker collects one in their grid.

Views parse, fetch through ``access``, call one service, render; on a service's refusal the
page is rendered again with the reason and the error's status.
"""

from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from gridgov.orgs.models import OrgUnit, Role
from gridgov.orgs.selectors import membership_rows

from . import access, api, selectors, services
from .models import PledgeStatus, VulnerableGroup, Wish, WishCategory, WishStatus

PAGE_SIZE = 20
#: The most rows each section of the review page shows (oldest first: they wait longest).
REVIEW_ROWS = 50


def _int_or_none(value, field: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(fields={field: [_("Enter a whole number of units.")]}) from None


def _back(request, default: str) -> str:
    """Where to go after an action: the page it was posted from (``next``), else ``default``."""
    target = request.POST.get("next", "")
    if target.startswith("/wishes/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- The wish wall and claims ------------------------------------------------------------------


def _claim_options(request, rows) -> dict:
    """What the signed-in user may claim on this page of the wall: for each open wish, whether
    they claim it as themself (a party member; a deputy covering it) and for which paired
    units. Nothing (and no query) for anonymous visitors."""
    user = request.user
    if access.viewer(user).user_id is None:
        return {"claimer": False}
    member, deputy = access.own_member(user), access.own_deputy(user)
    secretary = any(role == Role.PARTY_SECRETARY for role, _p, _u in membership_rows(user))
    pairings = selectors.paired_units_of(user) if secretary else []
    if member is None and deputy is None and not pairings:
        return {"claimer": False}
    mine = selectors.my_live_pledges_on(user, [w.pk for w in rows])
    self_label = _("Myself, as a party member") if member is not None else _("Myself, as a deputy")
    any_open = False
    for wish in rows:
        wish.my_pledge = mine.get(wish.pk)
        wish.claim = None
        if wish.status != WishStatus.PUBLISHED or wish.units_remaining <= 0 or wish.my_pledge:
            continue
        as_self = member is not None or (deputy is not None and wish.path.startswith(deputy.path))
        units = []
        for pairing in pairings:
            if pairing.community_id == wish.community_id and pairing.organisation not in units:
                units.append(pairing.organisation)
        if as_self or units:
            wish.claim = SimpleNamespace(as_self=as_self, units=units)
            any_open = True
    all_units = []
    for pairing in pairings:
        if pairing.organisation not in all_units:
            all_units.append(pairing.organisation)
    return {
        "claimer": True,
        "any_open": any_open,
        "self_label": self_label,
        "claims_as_self": member is not None or deputy is not None,
        "all_units": all_units,
    }


def _wall_context(request, *, category: str = "", page_number=None) -> dict:
    if category not in WishCategory.values:
        category = ""
    page = Paginator(selectors.public_wishes(category=category), PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    return {
        "page": page,
        "rows": rows,
        "categories": WishCategory.choices,
        "category": category,
        "query": urlencode({"category": category}) if category else "",
        "open_status": WishStatus.PUBLISHED,
        "here": request.get_full_path() if request.method == "GET" else reverse("wishes:wall"),
        **_claim_options(request, rows),
    }


def wall(request):
    context = _wall_context(
        request, category=request.GET.get("category", ""), page_number=request.GET.get("page")
    )
    return render(request, "wishes/wall.html", context)


def _wall_refused(request, error: DomainError, *, failed_wish: int | None = None):
    context = _wall_context(request, category=request.POST.get("category", ""))
    context.update(error=error.reason, failed_wish=failed_wish)
    return render(request, "wishes/wall.html", context, status=error.status)


@login_required
@require_POST
def claim(request, wish_id: int):
    """Claim one wish: what remains of it (one-to-one when that is all of it), or ``units`` of
    it (many-to-one); for ``organisation``, a paired unit."""
    wish = access.access_wish(request.user, pk=wish_id)
    try:
        pledge = services.pledge_create(
            actor=request.user,
            wish=wish,
            units=_int_or_none(request.POST.get("units"), "units"),
            organisation_id=_int_or_none(request.POST.get("organisation"), "organisation"),
        )
    except DomainError as error:
        return _wall_refused(request, error, failed_wish=wish.pk)
    messages.success(
        request,
        _("Claimed %(units)d of “%(title)s”. Thank you!") % {"units": pledge.units, "title": wish.title},
    )
    return redirect(_back(request, reverse("wishes:wall")))


@login_required
@require_POST
def claim_many(request):
    """Claim the chosen wishes whole, all of them or none (one-to-many)."""
    try:
        wishes = []
        for raw in request.POST.getlist("wish_ids"):
            try:
                wishes.append(access.access_wish(request.user, pk=int(raw)))
            except (ValueError, NotFound):
                raise ValidationFailed(
                    fields={"wish_ids": [_("Unknown wish: %(id)s.") % {"id": raw}]}
                ) from None
        pledges = services.pledges_create_many(
            actor=request.user,
            wishes=wishes,
            organisation_id=_int_or_none(request.POST.get("organisation"), "organisation"),
        )
    except DomainError as error:
        return _wall_refused(request, error)
    messages.success(request, _("Claimed %(n)d wishes. Thank you!") % {"n": len(pledges)})
    return redirect(_back(request, reverse("wishes:wall")))


# --- My pledges and my wishes ------------------------------------------------------------------


def _mine_context(request) -> dict:
    user = request.user
    pledges = list(selectors.my_live_pledges(user)[:PAGE_SIZE])
    resident = access.is_resident(user)
    if not (resident or pledges or selectors.may_claim_anything(user)):
        raise PermissionDenied()
    posted = list(selectors.wishes_posted_by(user)[:PAGE_SIZE]) if resident else []
    for wish in posted:
        wish.beneficiary = api.wish_out(user, wish)["beneficiary"]
    for pledge in pledges:
        pledge.open = pledge.status == PledgeStatus.PLEDGED and pledge.wish.status == WishStatus.PUBLISHED
    return {"pledges": pledges, "posted": posted, "resident": resident}


@login_required
def mine(request):
    """``/wishes/mine/``: the claimer's pledges, the resident's own wishes."""
    return render(request, "wishes/mine.html", _mine_context(request))


def _mine_refused(request, error: DomainError, *, failed_pledge=None, failed_wish=None):
    context = _mine_context(request)
    context.update(error=error.reason, failed_pledge=failed_pledge, failed_wish=failed_wish)
    return render(request, "wishes/mine.html", context, status=error.status)


@login_required
@require_POST
def pledge_fulfil(request, pledge_id: int):
    """Mark my pledge fulfilled, with a photo and a note."""
    pledge = access.access_pledge(request.user, pk=pledge_id)
    try:
        services.pledge_fulfil(
            actor=request.user,
            pledge=pledge,
            photo=request.FILES.get("photo"),
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        return _mine_refused(request, error, failed_pledge=pledge.pk)
    messages.success(request, _("Marked fulfilled: “%(title)s”.") % {"title": pledge.wish.title})
    return redirect("wishes:mine")


@login_required
@require_POST
def pledge_withdraw(request, pledge_id: int):
    """Take back my pledge while the wish is open."""
    pledge = access.access_pledge(request.user, pk=pledge_id)
    try:
        services.pledge_withdraw(actor=request.user, pledge=pledge)
    except DomainError as error:
        return _mine_refused(request, error, failed_pledge=pledge.pk)
    messages.success(request, _("Your claim of “%(title)s” is withdrawn.") % {"title": pledge.wish.title})
    return redirect("wishes:mine")


# --- Review, confirmation, thanks ----------------------------------------------------------------


def _review_context(request) -> dict:
    user = request.user
    v = access.viewer(user)
    reviews, confirms = bool(v.superuser or v.review_paths), bool(v.superuser or v.grid_paths)
    if not (reviews or confirms):
        raise PermissionDenied()
    pending = list(selectors.wishes_to_review(user)[:REVIEW_ROWS]) if reviews else []
    for wish in pending:
        wish.beneficiary = api.wish_out(user, wish)["beneficiary"]
    to_confirm = list(selectors.wishes_to_confirm(user)[:REVIEW_ROWS]) if confirms else []
    for wish in to_confirm:
        wish.claimers = [(api.pledge_out(user, p)["claimer"], p.note) for p in wish.done]
    return {
        "reviews": reviews,
        "confirms": confirms,
        "pending": pending,
        "to_confirm": to_confirm,
        "to_thank": list(selectors.wishes_to_thank(user)[:REVIEW_ROWS]) if confirms else [],
    }


@login_required
def review(request):
    """``/wishes/review/``: what waits for the secretary (review) and the grid worker
    (confirmation, thanks)."""
    return render(request, "wishes/review.html", _review_context(request))


def _acted(request, error: DomainError | None, *, wish_id: int, done: str):
    """After a review, confirmation or thanks: back to the page it came from, or that page again
    with the reason."""
    from_mine = request.POST.get("next") == reverse("wishes:mine")
    if error is None:
        messages.success(request, done)
        return redirect("wishes:mine" if from_mine else "wishes:review")
    if from_mine:
        return _mine_refused(request, error, failed_wish=wish_id)
    context = _review_context(request)
    context.update(error=error.reason, failed_wish=wish_id)
    return render(request, "wishes/review.html", context, status=error.status)


@login_required
@require_POST
def wish_review(request, wish_id: int):
    """Approve (publish) or reject (with a reason) a pending wish."""
    wish = access.access_wish(request.user, pk=wish_id)
    approve = request.POST.get("decision") == "approve"
    try:
        services.wish_review(
            actor=request.user, wish=wish, approve=approve, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        return _acted(request, error, wish_id=wish.pk, done="")
    done = _("“%(title)s” is published on the wish wall.") if approve else _("“%(title)s” is not approved.")
    return _acted(request, None, wish_id=wish.pk, done=done % {"title": wish.title})


@login_required
@require_POST
def wish_confirm(request, wish_id: int):
    wish = access.access_wish(request.user, pk=wish_id)
    try:
        services.wish_confirm(actor=request.user, wish=wish)
    except DomainError as error:
        return _acted(request, error, wish_id=wish.pk, done="")
    return _acted(
        request, None, wish_id=wish.pk, done=_("Fulfilment of “%(title)s” confirmed.") % {"title": wish.title}
    )


@login_required
@require_POST
def wish_thank(request, wish_id: int):
    wish = access.access_wish(request.user, pk=wish_id)
    try:
        services.wish_thank(actor=request.user, wish=wish, text=request.POST.get("text", ""))
    except DomainError as error:
        return _acted(request, error, wish_id=wish.pk, done="")
    return _acted(request, None, wish_id=wish.pk, done=_("Thanks sent; they show on the wish wall."))


# --- Posting a wish ------------------------------------------------------------------------------


def _label(name: str):
    return Wish._meta.get_field(name).verbose_name


class WishForm(forms.Form):
    """What a resident or a grid worker says about a wish (the service validates the rest)."""

    title = forms.CharField(label=_label("title"), max_length=60)
    description = forms.CharField(
        label=_label("description"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=_label("category"), choices=[("", "—"), *WishCategory.choices])
    group = forms.ChoiceField(label=_label("group"), choices=[("", "—"), *VulnerableGroup.choices])
    units_needed = forms.IntegerField(
        label=_label("units_needed"),
        min_value=1,
        max_value=services.MAX_UNITS,
        initial=1,
        help_text=gettext_lazy(
            "10 bags of rice: 10, and several people may each claim some; 1 when it cannot be shared."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    grid = forms.ChoiceField(label=_label("grid"))
    beneficiary_name = forms.CharField(label=_label("beneficiary_name"), max_length=50)
    beneficiary_phone = forms.CharField(
        label=_label("beneficiary_phone"),
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    beneficiary_address = forms.CharField(label=_label("beneficiary_address"), max_length=200)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(community, [(g.path, g.name) for g in rows]) for community, rows in grids]
        if sum(len(rows) for _c, rows in grids) != 1:
            choices = [("", "—"), *choices]
        self.fields["grid"].choices = choices

    def public_fields(self):
        return [self[n] for n in ("title", "description", "category", "group", "units_needed")]

    def private_fields(self):
        return [self[n] for n in ("grid", "beneficiary_name", "beneficiary_phone", "beneficiary_address")]


def _show_error(form: WishForm, error: DomainError) -> None:
    for name, field_messages in error.fields.items():
        for message in field_messages:
            form.add_error(name if name in form.fields else None, str(message))
    if not error.fields:
        form.add_error(None, str(error.message))


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    """``/wishes/new/``: a resident posts a wish; a grid worker collects one in their grid."""
    user = request.user
    v = access.viewer(user)
    collects = bool(v.superuser or v.grid_paths)
    if not (collects or access.is_resident(user)):
        raise PermissionDenied()
    grids = selectors.grids_to_post_in(user)
    form = WishForm(request.POST or None, grids=grids)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.wish_create(
                    actor=user,
                    grid=OrgUnit.objects.filter(path=data["grid"]).first(),
                    **{name: value for name, value in data.items() if name != "grid"},
                )
            except DomainError as error:
                _show_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Your wish is sent; the community's party secretary reviews it."))
                return redirect("wishes:review" if collects else "wishes:mine")
    return render(request, "wishes/new.html", {"form": form, "collects": collects}, status=status)
