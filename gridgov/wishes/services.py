"""Writes of micro-wishes (ARCHITECTURE §4.1, §4.3): each a service ``<entity>_<verb>(*, actor,
…)``, atomic, authorised here; a state change is a guarded conditional update (0 rows → 409).

Claims lock the wish's row (``select_for_update``; SQLite's IMMEDIATE transactions serialise
writers anyway) and sum its live pledges inside the transaction, so concurrent claims never
pledge more than the wish needs: the later one sees what remains.
"""

from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.photos import photo_prepare
from gridgov.core import audit
from gridgov.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed, checked
from gridgov.core.masking import mask_name, mask_phone, redact_text
from gridgov.core.validators import normalize_mobile
from gridgov.orgs.models import GRID_LEVELS, Level, OrgUnit
from gridgov.party.services import points_award

from . import access
from .models import (
    LIVE_PLEDGES,
    ClaimMode,
    Pledge,
    PledgeStatus,
    Wish,
    WishSource,
    WishStatus,
)

#: The beneficiary's fields one may reveal in full, one at a time (audited).
REVEALABLE = ("beneficiary_name", "beneficiary_phone", "beneficiary_address")
#: The most units one wish may need, and the most wishes one call may claim.
MAX_UNITS = 9999
MAX_CLAIM_MANY = 20
POINTS_RULE = "wish_fulfilled"


def public_text(text: str, *, name: str = "", phone: str = "", address: str = "") -> str:
    """Free text shown on the public wall: ID numbers and mobile numbers masked (``redact_text``),
    and the beneficiary's own name, phone and address, should someone have typed them in."""
    text = (text or "").strip()
    for value, masked in ((address, "***"), (phone, mask_phone(phone)), (name, mask_name(name))):
        value = (value or "").strip()
        if len(value) >= 2:
            text = text.replace(value, masked)
    return redact_text(text)


def _public(wish: Wish, text: str) -> str:
    return public_text(
        text, name=wish.beneficiary_name, phone=wish.beneficiary_phone, address=wish.beneficiary_address
    )


def _community_of(grid: OrgUnit | None) -> OrgUnit:
    community = None
    if grid is not None and grid.level in GRID_LEVELS:
        community = OrgUnit.objects.filter(path=grid.path[:12], level=Level.COMMUNITY).first()
    if community is None:
        raise ValidationFailed(fields={"grid": [_("Choose the grid the beneficiary lives in.")]})
    return community


@transaction.atomic
def wish_create(
    *,
    actor,
    grid: OrgUnit | None,
    title: str,
    description: str = "",
    category: str,
    group: str,
    beneficiary_name: str,
    beneficiary_phone: str = "",
    beneficiary_address: str,
    units_needed: int = 1,
    at: datetime | None = None,
) -> Wish:
    """A resident posts a wish, or a grid worker collects one on a visit in their grid. It waits
    for the community's review."""
    community = _community_of(grid)
    if access.collects_in(actor, grid.path):
        source = WishSource.COLLECTED
    elif access.is_resident(actor):
        source = WishSource.POSTED
    else:
        raise PermissionDenied()
    wish = Wish(
        title=(title or "").strip(),
        category=category or "",
        group=group or "",
        beneficiary_name=(beneficiary_name or "").strip(),
        beneficiary_phone=normalize_mobile(beneficiary_phone) if (beneficiary_phone or "").strip() else "",
        beneficiary_address=(beneficiary_address or "").strip(),
        community=community,
        grid=grid,
        units_needed=units_needed,
        source=source,
        posted_by=actor,
        created_at=at or timezone.now(),
    )
    wish.title = _public(wish, wish.title)
    wish.description = _public(wish, description)
    wish.path = grid.path
    checked(wish, exclude=("community", "grid", "path", "posted_by", "reviewed_by", "confirmed_by"))
    if not 1 <= wish.units_needed <= MAX_UNITS:
        raise ValidationFailed(
            fields={"units_needed": [_("Between 1 and %(max)d units.") % {"max": MAX_UNITS}]}
        )
    wish.save()
    return wish


def _transition(wish: Wish, action: str, sources, **changes) -> Wish:
    changed = Wish.objects.filter(pk=wish.pk, status__in=list(sources)).update(**changes)
    if not changed:
        wish.refresh_from_db(fields=["status"])
        raise InvalidTransition(action=action, current=wish.status, current_label=wish.get_status_display())
    wish.refresh_from_db()
    return wish


@transaction.atomic
def wish_review(*, actor, wish: Wish, approve: bool, reason: str = "", at: datetime | None = None) -> Wish:
    """The community's party secretary publishes the wish or rejects it with a reason."""
    access.require(access.may_review(actor, wish))
    now = at or timezone.now()
    reason = (reason or "").strip()
    if approve:
        return _transition(
            wish, "approve", [WishStatus.PENDING], status=WishStatus.PUBLISHED, published_at=now,
            reviewed_by=actor, reviewed_at=now,
        )  # fmt: skip
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the wish is not approved.")]})
    return _transition(
        wish, "reject", [WishStatus.PENDING], status=WishStatus.REJECTED, reject_reason=reason[:200],
        reviewed_by=actor, reviewed_at=now,
    )  # fmt: skip


def wish_reveal(*, actor, wish: Wish, field: str, reason: str) -> str:
    """One field of the beneficiary in full, audited with ``reason`` (why it is needed)."""
    if field not in REVEALABLE:
        raise ValidationFailed(
            fields={"field": [_("Choose one of: %(names)s.") % {"names": ", ".join(REVEALABLE)}]}
        )
    access.require(access.may_reveal(actor, wish))
    return audit.reveal(actor=actor, obj=wish, field=field, reason=reason)


# --- Claims (认领) ----------------------------------------------------------------------------------


def _locked(pk: int) -> Wish:
    return Wish.objects.select_for_update().select_related("community").get(pk=pk)


def _live_units(wish: Wish) -> int:
    return Pledge.objects.filter(wish=wish, status__in=LIVE_PLEDGES).aggregate(n=Sum("units"))["n"] or 0


def _not_open(wish: Wish) -> Conflict:
    if wish.status == WishStatus.PENDING:
        return Conflict(_("This wish has not been published yet."), code="not_published")
    if wish.status == WishStatus.REJECTED:
        return Conflict(_("This wish was not approved."), code="not_published")
    return Conflict(_("This wish has already been fulfilled."), code="fulfilled")


def _pledge(
    *, actor, wish: Wish, claimer: access.Claimer, units: int | None, mode: str | None, now
) -> Pledge:
    """Pledge on the locked ``wish``: what remains is summed here, under the lock."""
    if wish.status != WishStatus.PUBLISHED:
        raise _not_open(wish)
    pledged = _live_units(wish)
    remaining = wish.units_needed - pledged
    if remaining <= 0:
        raise Conflict(_("This wish is already fully claimed."), code="fully_pledged")
    if units is None:
        units = remaining
    if units < 1:
        raise ValidationFailed(fields={"units": [_("Claim at least one unit.")]})
    if units > remaining:
        message = _("Only %(n)d of the %(total)d units remain to be claimed.") % {
            "n": remaining,
            "total": wish.units_needed,
        }
        raise Conflict(message, fields={"units": [message]}, code="over_pledged")
    if Pledge.objects.filter(wish=wish, claimer=actor, status__in=LIVE_PLEDGES).exists():
        raise Conflict(_("You have already claimed this wish."), code="duplicate")
    if mode is None:
        mode = ClaimMode.ONE_TO_ONE if units == wish.units_needed else ClaimMode.MANY_TO_ONE
    pledge = Pledge(
        wish=wish,
        kind=claimer.kind,
        mode=mode,
        claimer=actor,
        member=claimer.member,
        organisation=claimer.organisation,
        deputy=claimer.deputy,
        units=units,
        created_at=now,
    )
    pledge.path = wish.path
    pledge.save()
    Wish.objects.filter(pk=wish.pk).update(units_pledged=pledged + units, updated_at=now)
    wish.units_pledged = pledged + units
    return pledge


@transaction.atomic
def pledge_create(
    *, actor, wish: Wish, units: int | None = None, organisation_id: int | None = None, at=None
) -> Pledge:
    """Claim ``units`` of ``wish`` (all that remains by default): one-to-one when that is the
    whole wish, else one share of a many-to-one claim. As a party member, a deputy covering the
    wish, or for ``organisation_id``, a unit paired with the wish's community."""
    claimer = access.claimer_for(actor, wish, organisation_id=organisation_id)
    return _pledge(
        actor=actor, wish=_locked(wish.pk), claimer=claimer, units=units, mode=None, now=at or timezone.now()
    )


@transaction.atomic
def pledges_create_many(
    *, actor, wishes: list[Wish], organisation_id: int | None = None, at=None
) -> list[Pledge]:
    """One claimer takes several wishes whole in one call (one-to-many): all of them or, when
    one cannot be claimed, none (the error names that wish)."""
    if not wishes:
        raise ValidationFailed(fields={"wish_ids": [_("Choose the wishes to claim.")]})
    if len(wishes) > MAX_CLAIM_MANY:
        raise ValidationFailed(
            fields={"wish_ids": [_("At most %(n)d wishes in one claim.") % {"n": MAX_CLAIM_MANY}]}
        )
    if len({w.pk for w in wishes}) != len(wishes):
        raise ValidationFailed(fields={"wish_ids": [_("A wish is listed twice.")]})
    member, deputy = access.own_member(actor), access.own_deputy(actor)
    claimers = {
        w.pk: access.claimer_for(actor, w, organisation_id=organisation_id, member=member, deputy=deputy)
        for w in wishes
    }
    now = at or timezone.now()
    pledges = []
    for wish in sorted(wishes, key=lambda w: w.pk):  # locks in one order: no deadlock between claims
        locked = _locked(wish.pk)
        try:
            pledges.append(
                _pledge(actor=actor, wish=locked, claimer=claimers[wish.pk], units=None,
                        mode=ClaimMode.ONE_TO_MANY, now=now)
            )  # fmt: skip
        except Conflict as refused:
            message = _("“%(title)s”: %(reason)s") % {"title": locked.title, "reason": refused.message}
            raise Conflict(message, fields={"wish_ids": [message]}, code=refused.code) from None
    return pledges


@transaction.atomic
def pledge_withdraw(*, actor, pledge: Pledge, at=None) -> Pledge:
    """The claimer takes back their pledge while the wish is still open and the pledge not
    fulfilled; what it pledged is open to claim again."""
    access.require(pledge.claimer_id == actor.pk)
    wish = _locked(pledge.wish_id)
    if wish.status != WishStatus.PUBLISHED:
        raise _not_open(wish)
    now = at or timezone.now()
    changed = Pledge.objects.filter(pk=pledge.pk, status=PledgeStatus.PLEDGED).update(
        status=PledgeStatus.WITHDRAWN, withdrawn_at=now
    )
    if not changed:
        raise Conflict(_("Only a pledge not yet fulfilled can be withdrawn."))
    Wish.objects.filter(pk=wish.pk).update(units_pledged=_live_units(wish), updated_at=now)
    pledge.refresh_from_db()
    return pledge


def pledge_fulfil(*, actor, pledge: Pledge, photo, note: str = "", at=None) -> Pledge:
    """The claimer marks their pledge fulfilled with a photo (re-encoded without metadata;
    too large: 413). When the wish is fully claimed and every pledge fulfilled, the wish is
    fulfilled."""
    access.require(pledge.claimer_id == actor.pk)
    if photo is None:
        raise ValidationFailed(fields={"photo": [_("Add a photo of the wish fulfilled.")]})
    prepared = photo_prepare(photo)  # before the transaction: decoding is slow
    stored: list[str] = []
    try:
        with transaction.atomic():
            wish = _locked(pledge.wish_id)
            locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
            if wish.status != WishStatus.PUBLISHED or locked.status != PledgeStatus.PLEDGED:
                raise Conflict(_("This pledge cannot be marked fulfilled now."))
            now = at or timezone.now()
            locked.photo.save(".jpg", ContentFile(prepared.large), save=False)
            stored.append(locked.photo.name)
            locked.status = PledgeStatus.FULFILLED
            locked.fulfilled_at = now
            locked.note = (note or "").strip()[:200]
            locked.save(update_fields=["photo", "status", "fulfilled_at", "note"])
            open_pledges = Pledge.objects.filter(wish=wish, status=PledgeStatus.PLEDGED).exists()
            if _live_units(wish) >= wish.units_needed and not open_pledges:
                Wish.objects.filter(pk=wish.pk, status=WishStatus.PUBLISHED).update(
                    status=WishStatus.FULFILLED, fulfilled_at=now, updated_at=now
                )
    except BaseException:
        for name in stored:
            pledge.photo.storage.delete(name)
        raise
    pledge.refresh_from_db()
    return pledge


@transaction.atomic
def wish_confirm(*, actor, wish: Wish, at=None) -> Wish:
    """The grid worker or the resident who posted the wish confirms it was fulfilled; each
    party member who claimed it earns the points of ``wish_fulfilled``, once per pledge."""
    access.require(access.may_confirm(actor, wish))
    now = at or timezone.now()
    wish = _transition(
        wish, "confirm", [WishStatus.FULFILLED], status=WishStatus.CONFIRMED, confirmed_by=actor,
        confirmed_at=now, updated_at=now,
    )  # fmt: skip
    pledges = Pledge.objects.filter(wish=wish, status=PledgeStatus.FULFILLED, member__isnull=False)
    for pledge in pledges.select_related("member"):
        points_award(
            member=pledge.member,
            rule_code=POINTS_RULE,
            units=1,
            source=f"wishes.pledge:{pledge.pk}",
            reason=_("Micro-wish fulfilled: %(title)s") % {"title": wish.title},
            actor=actor,
            at=now,
        )
    return wish


@transaction.atomic
def wish_thank(*, actor, wish: Wish, text: str, at=None) -> Wish:
    """A thank-you note on a confirmed wish, shown on the public wall (identifying details
    taken out)."""
    access.require(access.may_confirm(actor, wish))
    thanks = _public(wish, text)
    if not thanks:
        raise ValidationFailed(fields={"text": [_("Write a few words of thanks.")]})
    if len(thanks) > 500:
        raise ValidationFailed(fields={"text": [_("At most 500 characters.")]})
    now = at or timezone.now()
    return _transition(
        wish, "thank", [WishStatus.CONFIRMED], status=WishStatus.THANKED, thanks=thanks, thanked_at=now,
        updated_at=now,
    )  # fmt: skip
