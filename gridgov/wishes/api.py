"""Micro-wishes over HTTP (/api/wishes/): post or collect a wish, review it, the public wish
wall (no sign-in), claims one-to-one, one-to-many and many-to-one, withdrawal, fulfilment with
a photo, confirmation and thanks.

Views parse, fetch through ``access`` (404 when invisible), call one service, render. The
beneficiary is masked on staff answers and absent from every other answer.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from gridgov.core.errors import NotFound, ValidationFailed
from gridgov.core.masking import mask_address, mask_name, mask_phone
from gridgov.core.pagination import LazyRows
from gridgov.orgs.models import OrgUnit

from . import access, selectors, services
from .models import ClaimerKind, Pledge, Wish

router = Router(tags=["wishes"])


# --- Schemas -------------------------------------------------------------------------------------


class PlaceOut(Schema):
    path: str
    name: str


class BeneficiaryOut(Schema):
    """The beneficiary, masked (ARCHITECTURE §6)."""

    name: str
    phone: str
    address: str


class PublicWishOut(Schema):
    """A wish on the public wall: nothing that identifies the beneficiary."""

    id: int
    title: str
    description: str
    category: str
    category_label: str
    group: str
    group_label: str
    community: str
    units_needed: int
    units_pledged: int
    status: str
    status_label: str
    thanks: str
    published_at: datetime | None


class WishOut(Schema):
    id: int
    title: str
    description: str
    category: str
    category_label: str
    group: str
    group_label: str
    community: PlaceOut
    grid: PlaceOut
    units_needed: int
    units_pledged: int
    units_remaining: int
    status: str
    status_label: str
    source: str
    beneficiary: BeneficiaryOut | None
    reject_reason: str
    thanks: str
    flagged: bool
    created_at: datetime
    published_at: datetime | None


class PledgeOut(Schema):
    id: int
    wish: int
    kind: str
    mode: str
    units: int
    status: str
    claimer: str
    mine: bool
    created_at: datetime
    fulfilled_at: datetime | None


class WishDetailOut(WishOut):
    pledges: list[PledgeOut]


class WishIn(Schema):
    title: str = ""
    description: str = ""
    category: str = ""
    group: str = ""
    beneficiary_name: str = ""
    beneficiary_phone: str = ""
    beneficiary_address: str = ""
    grid: str = ""
    units_needed: int = 1


class RevealIn(Schema):
    field: str
    #: Why the full value is needed (required, at most 200 characters; kept in the audit log).
    reason: str = ""


class RevealOut(Schema):
    field: str
    value: str


class ReviewIn(Schema):
    approve: bool
    reason: str = ""


class ClaimIn(Schema):
    units: int | None = None
    organisation_id: int | None = None


class ClaimManyIn(Schema):
    wish_ids: list[int]
    organisation_id: int | None = None


class FulfilIn(Schema):
    note: str = ""


class ThankIn(Schema):
    text: str = ""


class FiguresOut(Schema):
    scope: str
    posted: int
    published: int
    claimed: int
    fulfilled: int
    confirmed: int


# --- Rendering -----------------------------------------------------------------------------------


def public_out(wish: Wish) -> dict:
    return {
        "id": wish.pk,
        "title": wish.title,
        "description": wish.description,
        "category": wish.category,
        "category_label": str(wish.get_category_display()),
        "group": wish.group,
        "group_label": str(wish.get_group_display()),
        "community": wish.community.name,
        "units_needed": wish.units_needed,
        "units_pledged": wish.units_pledged,
        "status": wish.status,
        "status_label": str(wish.get_status_display()),
        "thanks": wish.thanks,
        "published_at": wish.published_at,
    }


def wish_out(user, wish: Wish) -> dict:
    beneficiary = None
    if access.sees_beneficiary(user, wish):
        beneficiary = {
            "name": mask_name(wish.beneficiary_name),
            "phone": mask_phone(wish.beneficiary_phone),
            "address": mask_address(wish.beneficiary_address),
        }
    return {
        **public_out(wish),
        "community": {"path": wish.community.path, "name": wish.community.name},
        "grid": {"path": wish.grid.path, "name": wish.grid.name},
        "units_remaining": wish.units_remaining,
        "source": wish.source,
        "beneficiary": beneficiary,
        "reject_reason": wish.reject_reason,
        "flagged": wish.flagged_at is not None,
        "created_at": wish.created_at,
    }


def _claimer_label(pledge: Pledge) -> str:
    if pledge.kind == ClaimerKind.UNIT and pledge.organisation_id:
        return pledge.organisation.name
    if pledge.member_id:
        return _("Party member %(name)s") % {"name": mask_name(pledge.member.name)}
    if pledge.deputy_id:
        return _("Deputy %(name)s") % {"name": mask_name(pledge.deputy.user.full_name or "")}
    return ""


def pledge_out(user, pledge: Pledge) -> dict:
    return {
        "id": pledge.pk,
        "wish": pledge.wish_id,
        "kind": pledge.kind,
        "mode": pledge.mode,
        "units": pledge.units,
        "status": pledge.status,
        "claimer": _claimer_label(pledge),
        "mine": pledge.claimer_id is not None and pledge.claimer_id == access.viewer(user).user_id,
        "created_at": pledge.created_at,
        "fulfilled_at": pledge.fulfilled_at,
    }


def _detail(user, pk: int) -> dict:
    wish = access.access_wish(user, pk=pk)
    return {**wish_out(user, wish), "pledges": [pledge_out(user, p) for p in selectors.pledges_of(wish)]}


def _grid(path: str) -> OrgUnit | None:
    path = (path or "").strip()
    return OrgUnit.objects.filter(path=path).first() if path else None


def _pledge_with_wish(request, pledge_id: int) -> Pledge:
    pledge = access.access_pledge(request.user, pk=pledge_id)
    pledge.wish = access.access_wish(request.user, pk=pledge.wish_id)
    return pledge


# --- Wishes --------------------------------------------------------------------------------------


@router.get("/public", response=list[PublicWishOut], auth=None, summary="The public wish wall (no sign-in)")
@paginate(PageNumberPagination, page_size=20)
def wish_wall(request, category: str = "", community: str = ""):
    return LazyRows(selectors.public_wishes(category=category, community_path=community), public_out)


@router.post("", response={201: WishOut}, summary="Post a wish (resident) or collect one (grid worker)")
def wish_create(request, payload: WishIn):
    wish = services.wish_create(
        actor=request.user, grid=_grid(payload.grid), **payload.dict(exclude={"grid"})
    )
    return _detail(request.user, wish.pk)


@router.get("", response=list[WishOut], summary="Wishes I manage or posted (beneficiary masked)")
@paginate(PageNumberPagination, page_size=20)
def wish_list(request, status: str = "", grid: str = "", category: str = ""):
    access.require_staff(request.user)
    user = request.user
    rows = selectors.wishes_list(user, status=status, grid_path=grid, category=category)
    return LazyRows(rows, lambda wish: wish_out(user, wish))


@router.get("/figures", response=FiguresOut, summary="Wishes within a territory over a period")
def figures_get(request, scope: str = "", start: str = "", end: str = ""):
    path = access.access_scope(request.user, scope)
    today = timezone.localdate()
    try:
        first = datetime.fromisoformat(start).date() if start else today.replace(day=1)
        last = datetime.fromisoformat(end).date() if end else today
    except ValueError:
        raise ValidationFailed(fields={"start": [_("Enter dates as YYYY-MM-DD.")]}) from None
    return FiguresOut(scope=path, **selectors.figures(path, first, last))


@router.get("/pledges/mine", response=list[PledgeOut], summary="My pledges")
@paginate(PageNumberPagination, page_size=20)
def my_pledges(request):
    user = request.user
    return LazyRows(selectors.my_pledges(user), lambda pledge: pledge_out(user, pledge))


@router.post("/claims", response={201: list[PledgeOut]}, summary="Claim several wishes whole (一对多)")
def claim_many(request, payload: ClaimManyIn):
    wishes = []
    for pk in payload.wish_ids:
        try:
            wishes.append(access.access_wish(request.user, pk=pk))
        except NotFound:
            raise ValidationFailed(fields={"wish_ids": [_("Unknown wish: %(id)s.") % {"id": pk}]}) from None
    pledges = services.pledges_create_many(
        actor=request.user, wishes=wishes, organisation_id=payload.organisation_id
    )
    return [pledge_out(request.user, p) for p in pledges]


@router.post("/pledges/{pledge_id}/withdraw", response=PledgeOut, summary="Withdraw my pledge")
def pledge_withdraw(request, pledge_id: int):
    pledge = services.pledge_withdraw(actor=request.user, pledge=_pledge_with_wish(request, pledge_id))
    return pledge_out(request.user, pledge)


@router.post(
    "/pledges/{pledge_id}/fulfil", response=PledgeOut, summary="Mark my pledge fulfilled, with a photo"
)
def pledge_fulfil(request, pledge_id: int, payload: Form[FulfilIn], photo: File[UploadedFile] = None):
    pledge = services.pledge_fulfil(
        actor=request.user, pledge=_pledge_with_wish(request, pledge_id), photo=photo, note=payload.note
    )
    return pledge_out(request.user, pledge)


@router.get("/{wish_id}", response=WishDetailOut, summary="One wish (beneficiary masked) and its pledges")
def wish_get(request, wish_id: int):
    return _detail(request.user, wish_id)


@router.post("/{wish_id}/reveal", response=RevealOut, summary="One beneficiary field in full (audited)")
def wish_reveal(request, wish_id: int, payload: RevealIn):
    wish = access.access_wish(request.user, pk=wish_id)
    return RevealOut(
        field=payload.field,
        value=services.wish_reveal(actor=request.user, wish=wish, field=payload.field, reason=payload.reason),
    )


@router.post("/{wish_id}/review", response=WishDetailOut, summary="Approve (publish) or reject a wish")
def wish_review(request, wish_id: int, payload: ReviewIn):
    wish = access.access_wish(request.user, pk=wish_id)
    services.wish_review(actor=request.user, wish=wish, approve=payload.approve, reason=payload.reason)
    return _detail(request.user, wish_id)


@router.post("/{wish_id}/claim", response={201: PledgeOut}, summary="Claim a wish, or units of it")
def wish_claim(request, wish_id: int, payload: ClaimIn):
    wish = access.access_wish(request.user, pk=wish_id)
    pledge = services.pledge_create(
        actor=request.user, wish=wish, units=payload.units, organisation_id=payload.organisation_id
    )
    return pledge_out(request.user, pledge)


@router.post("/{wish_id}/confirm", response=WishDetailOut, summary="Confirm the wish was fulfilled")
def wish_confirm(request, wish_id: int):
    wish = access.access_wish(request.user, pk=wish_id)
    services.wish_confirm(actor=request.user, wish=wish)
    return _detail(request.user, wish_id)


@router.post("/{wish_id}/thank", response=WishDetailOut, summary="Thank the claimers (shown publicly)")
def wish_thank(request, wish_id: int, payload: ThankIn):
    wish = access.access_wish(request.user, pk=wish_id)
    services.wish_thank(actor=request.user, wish=wish, text=payload.text)
    return _detail(request.user, wish_id)
