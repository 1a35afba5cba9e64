"""Writes of party work (ARCHITECTURE §4.1): each a service ``<entity>_<verb>(*, actor, …)``,
atomic, authorised here, refusing bad input with field messages (400), a duplicate with a 409.
"""

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from gridgov.cases import access as case_access
from gridgov.cases import services as case_services
from gridgov.cases.models import Case, Channel
from gridgov.catalogue.models import Category
from gridgov.core import audit
from gridgov.core.errors import Conflict, PermissionDenied, RateLimited, ValidationFailed, checked
from gridgov.core.ratelimit import rate_limit_hit
from gridgov.core.validators import normalize_id_number, normalize_mobile
from gridgov.orgs.models import GRID_LEVELS, Level, OrgUnit, PartyOrganisation

from . import access
from .models import (
    ActivityStatus,
    CentralHousehold,
    DualRegistration,
    LinkedHousehold,
    MemberStatus,
    Pairing,
    PartyMember,
    PointEntry,
    PointRule,
    PostActivity,
    PostHolder,
    ServicePost,
    SignUp,
    Visit,
    VolunteerActivity,
)

#: The rule of a secretary's correction of a member's points.
ADJUSTMENT_RULE = "adjustment"
#: The fields of a member one may reveal in full, one at a time (audited).
MEMBER_REVEALABLE = ("id_number", "phone", "birth_date")
#: … and of a linked household.
HOUSEHOLD_REVEALABLE = ("head", "address", "phone")
MEMBER_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "joined_on",
    "education",
    "phone",
    "id_number",
    "in_service",
    "status",
)


def _grid(unit: OrgUnit | None, field: str = "grid") -> OrgUnit | None:
    if unit is not None and unit.level not in GRID_LEVELS:
        raise ValidationFailed(fields={field: [_("Choose a grid.")]})
    return unit


def _saved(instance, duplicate: str):
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise Conflict(duplicate) from None
    return instance


def _member_saved(member: PartyMember, fields: dict) -> PartyMember:
    """Set the profile ``fields``, normalised and checked, and save (an ID number already
    registered is a 409)."""
    for name, value in fields.items():
        if name not in MEMBER_FIELDS:
            raise ValidationFailed(fields={name: [_("Unknown field.")]})
        setattr(member, name, value)
    member.phone = normalize_mobile(member.phone) if member.phone else ""
    member.id_number = normalize_id_number(member.id_number)
    checked(member, exclude=("user", "path"))
    return _saved(member, _("A party member with this ID number is already registered."))


@transaction.atomic
def member_create(
    *, actor, organisation: PartyOrganisation, grid: OrgUnit | None = None, user=None, **fields
) -> PartyMember:
    """Register a party member with ``organisation`` (a secretary covering it)."""
    access.require_manage(actor, organisation.path)
    member = PartyMember(organisation=organisation, grid=_grid(grid), user=user)
    return _member_saved(member, fields)


@transaction.atomic
def member_update(
    *, actor, member: PartyMember, grid: OrgUnit | None = None, organisation=None, **fields
) -> PartyMember:
    """Change a member's profile, organisation or residential grid (a secretary covering them,
    and the new organisation)."""
    if not access.manages_member(actor, member):
        raise PermissionDenied()
    if organisation is not None:
        access.require_manage(actor, organisation.path)
        member.organisation = organisation
    if grid is not None:
        member.grid = _grid(grid)
    return _member_saved(member, fields)


def member_reveal(*, actor, member: PartyMember, field: str, reason: str) -> str:
    """One personal field of ``member`` in full, audited with ``reason`` (why it is needed)."""
    if field not in MEMBER_REVEALABLE:
        raise ValidationFailed(
            fields={"field": [_("Choose one of: %(names)s.") % {"names": ", ".join(MEMBER_REVEALABLE)}]}
        )
    if not access.may_reveal_member(actor, member):
        raise PermissionDenied()
    value = audit.reveal(actor=actor, obj=member, field=field, reason=reason)
    return value.isoformat() if isinstance(value, date) else str(value)


@transaction.atomic
def registration_create(
    *, actor, member: PartyMember, community: OrgUnit, at: datetime | None = None
) -> DualRegistration:
    """An in-service member registers with the community they live in (双报到): the member
    themself or a secretary covering the community. Once per community (409)."""
    if access.viewer(actor).member_id != member.pk and not access.can_manage(actor, community.path):
        raise PermissionDenied()
    if not member.in_service:
        raise ValidationFailed(fields={"member": [_("Only in-service members register with a community.")]})
    if member.status != MemberStatus.ACTIVE:
        raise ValidationFailed(fields={"member": [_("This member is not active.")]})
    if community.level != Level.COMMUNITY:
        raise ValidationFailed(fields={"community": [_("Choose a community or village.")]})
    registration = DualRegistration(member=member, community=community, registered_at=at or timezone.now())
    return _saved(registration, _("This member has already registered with this community."))


@transaction.atomic
def registration_assign(*, actor, registration: DualRegistration, grid: OrgUnit) -> DualRegistration:
    """The community assigns a registered member a grid of its own."""
    access.require_manage(actor, registration.community.path)
    if _grid(grid) is None or not grid.path.startswith(registration.community.path):
        raise ValidationFailed(fields={"grid": [_("Choose a grid of this community.")]})
    registration.grid = grid
    registration.save(update_fields=["grid", "path"])
    return registration


@transaction.atomic
def central_designate(*, actor, member: PartyMember, since: date | None = None) -> CentralHousehold:
    """Make a member living in a grid a central household of that grid (a secretary covering
    it); once (409)."""
    if member.grid_id is None:
        raise ValidationFailed(
            fields={"member": [_("Only a member who lives in a grid looks after households there.")]}
        )
    access.require_manage(actor, member.grid.path)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationFailed(fields={"member": [_("This member is not active.")]})
    central = CentralHousehold(member=member, grid=member.grid, since=since or timezone.localdate())
    return _saved(central, _("This member is already a central household."))


@transaction.atomic
def household_add(
    *, actor, central: CentralHousehold, head: str, address: str, phone: str = "", note: str = ""
) -> LinkedHousehold:
    """Link a household to ``central`` (at most ``GRIDGOV_CENTRAL_HOUSEHOLDS_MAX``, 15)."""
    access.require_works_for_central(actor, central)
    # Serialise additions to one central household, so the limit holds under concurrency.
    CentralHousehold.objects.select_for_update().filter(pk=central.pk).first()
    limit = settings.GRIDGOV_CENTRAL_HOUSEHOLDS_MAX
    if central.households.count() >= limit:
        raise ValidationFailed(
            fields={
                "central": [_("A central household looks after at most %(n)d households.") % {"n": limit}]
            }
        )
    household = LinkedHousehold(
        central=central,
        head=head.strip(),
        address=address.strip(),
        phone=normalize_mobile(phone) if phone else "",
        note=note.strip(),
    )
    checked(household, exclude=("central", "path"))
    household.save()
    return household


@transaction.atomic
def household_remove(*, actor, household: LinkedHousehold) -> None:
    access.require_works_for_central(actor, household.central)
    household.delete()


def household_reveal(*, actor, household: LinkedHousehold, field: str, reason: str) -> str:
    """One field of ``household`` in full, audited with ``reason``."""
    if field not in HOUSEHOLD_REVEALABLE:
        raise ValidationFailed(
            fields={"field": [_("Choose one of: %(names)s.") % {"names": ", ".join(HOUSEHOLD_REVEALABLE)}]}
        )
    access.require_works_for_central(actor, household.central)
    return audit.reveal(actor=actor, obj=household, field=field, reason=reason)


@transaction.atomic
def visit_record(
    *,
    actor,
    central: CentralHousehold,
    household: LinkedHousehold,
    visited_on: date,
    asked: str,
    follow_up: str = "",
) -> Visit:
    """A visit of ``central`` to one of its households."""
    access.require_works_for_central(actor, central)
    if household.central_id != central.pk:
        raise ValidationFailed(
            fields={"household": [_("Choose one of this central household's households.")]}
        )
    if visited_on > timezone.localdate():
        raise ValidationFailed(fields={"visited_on": [_("A visit cannot be in the future.")]})
    visit = Visit(
        central=central,
        household=household,
        visited_on=visited_on,
        asked=asked.strip(),
        follow_up=follow_up.strip(),
        created_by=actor,
    )
    checked(visit, exclude=("central", "household", "case", "created_by", "path"))
    visit.save()
    points_award(
        member=central.member,
        rule_code="visit",
        source=audit.subject_of(visit),
        reason=_("Visit to a linked household on %(day)s") % {"day": visited_on},
        actor=actor,
    )
    return visit


@transaction.atomic
def visit_to_case(*, actor, visit: Visit, category: Category, at: datetime | None = None) -> Case:
    """The visit's follow-up as a case in the visited household's grid, in one step: a grid
    worker's patrol report, or else a report that the grid worker verifies. Once (409)."""
    access.require_works_for_central(actor, visit.central)
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if locked.case_id is not None:
        raise Conflict(_("This follow-up is already a case."))
    if not locked.follow_up:
        raise ValidationFailed(fields={"follow_up": [_("Write the follow-up first.")]})
    channel = Channel.PATROL if case_access.viewer(actor).grid_paths else Channel.APP
    case, _created = case_services.case_report(
        actor=actor,
        category=category,
        description=locked.follow_up,
        channel=channel,
        area=visit.central.grid,
        at=at,
    )
    Visit.objects.filter(pk=visit.pk).update(case=case)
    visit.case = case
    return case


@transaction.atomic
def post_create(*, actor, organisation: PartyOrganisation, kind: str, name: str, duties: str) -> ServicePost:
    """A branch defines a service post with its duties (设岗定责)."""
    access.require_manage(actor, organisation.path)
    post = ServicePost(organisation=organisation, kind=kind, name=name.strip(), duties=duties.strip())
    checked(post, exclude=("organisation", "path"))
    return _saved(post, _("This organisation already has a post with this name."))


def _served_places(member: PartyMember) -> list[str]:
    places = [member.path[:12]] if len(member.path) >= 12 else []
    return places + list(member.registrations.values_list("community__path", flat=True))


@transaction.atomic
def post_take(*, actor, post: ServicePost, member: PartyMember, since: date | None = None) -> PostHolder:
    """``member`` takes ``post``: the member themself, where they are organised, live or
    registered, or a secretary covering the post. Once while held (409)."""
    own = access.viewer(actor).member_id == member.pk
    if not own and not access.can_manage(actor, post.path):
        raise PermissionDenied()
    if not post.is_active:
        raise ValidationFailed(fields={"post": [_("This post is closed.")]})
    if member.status != MemberStatus.ACTIVE:
        raise ValidationFailed(fields={"member": [_("This member is not active.")]})
    if post.organisation_id != member.organisation_id and not any(
        post.path.startswith(p) or p.startswith(post.path) for p in _served_places(member)
    ):
        raise ValidationFailed(
            fields={"post": [_("A member takes posts where they are organised, live or registered.")]}
        )
    holder = PostHolder(post=post, member=member, since=since or timezone.localdate())
    return _saved(holder, _("This member already holds this post."))


@transaction.atomic
def post_leave(*, actor, holder: PostHolder, on: date | None = None) -> PostHolder:
    if access.viewer(actor).member_id != holder.member_id and not access.can_manage(actor, holder.post.path):
        raise PermissionDenied()
    changed = PostHolder.objects.filter(pk=holder.pk, until__isnull=True).update(
        until=on or timezone.localdate()
    )
    if not changed:
        raise Conflict(_("This post was already left."))
    holder.refresh_from_db()
    return holder


@transaction.atomic
def activity_log(*, actor, holder: PostHolder, on: date, hours, summary: str) -> PostActivity:
    """An activity on a post, by its holder or a secretary covering it."""
    if access.viewer(actor).member_id != holder.member_id and not access.can_manage(actor, holder.post.path):
        raise PermissionDenied()
    if holder.until is not None and on > holder.until or on < holder.since:
        raise ValidationFailed(fields={"on": [_("The member did not hold this post on that day.")]})
    if on > timezone.localdate():
        raise ValidationFailed(fields={"on": [_("An activity cannot be in the future.")]})
    activity = PostActivity(holder=holder, on=on, hours=hours, summary=summary.strip())
    checked(activity, exclude=("holder", "path"))
    if activity.hours <= 0 or activity.hours > 24:
        raise ValidationFailed(fields={"hours": [_("Between 0 and 24 hours.")]})
    activity.save()
    points_award(
        member=holder.member,
        rule_code="post_activity",
        source=audit.subject_of(activity),
        reason=_("Activity on the post %(post)s") % {"post": holder.post.name},
        actor=actor,
    )
    return activity


# --- Points (积分) ------------------------------------------------------------------------------------


def points_award(
    *, member: PartyMember, rule_code: str, units=1, source: str, reason: str, actor=None, at=None
):
    """Award ``member`` the points of rule ``rule_code`` for ``units`` (hours, wishes…), once
    per ``source``: a second award for the same source is ignored (``None``). An inactive rule
    or zero points write nothing."""
    rule = PointRule.objects.filter(code=rule_code, is_active=True).first()
    if rule is None:
        return None
    points = int(round(rule.points * Decimal(str(units))))
    if points == 0:
        return None
    entry = PointEntry(
        member=member,
        rule=rule,
        points=points,
        reason=reason[:200],
        source=source,
        at=at or timezone.now(),
        created_by=actor,
        path=member.path,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return None
    return entry


@transaction.atomic
def points_adjust(*, actor, member: PartyMember, points: int, reason: str) -> PointEntry:
    """A correction by a secretary covering the member: a new line of the ledger, with the
    reason; the ledger is never edited."""
    if not access.manages_member(actor, member):
        raise PermissionDenied()
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Say why the points are corrected.")]})
    if points == 0:
        raise ValidationFailed(fields={"points": [_("A correction adds or takes away points.")]})
    rule, _created = PointRule.objects.get_or_create(
        code=ADJUSTMENT_RULE, defaults={"name": "人工调整", "points": 1}
    )
    return PointEntry.objects.create(
        member=member,
        rule=rule,
        points=points,
        reason=reason.strip()[:200],
        source=f"adjustment:{timezone.now().timestamp()}:{actor.pk}",
        at=timezone.now(),
        created_by=actor,
        path=member.path,
    )


# --- Volunteer activities ---------------------------------------------------------------------


def checkin_code(activity: VolunteerActivity, at: datetime | None = None) -> tuple[str, datetime]:
    """The six-digit code the organiser shows at ``at``, and when it turns: a keyed hash of
    the activity's secret and the time window (``GRIDGOV_CHECKIN_CODE_SECONDS``)."""
    seconds = settings.GRIDGOV_CHECKIN_CODE_SECONDS
    moment = (at or timezone.now()).timestamp()
    window = int(moment // seconds)
    return _code(activity, window), datetime.fromtimestamp(
        (window + 1) * seconds, tz=timezone.get_current_timezone()
    )


def _code(activity: VolunteerActivity, window: int) -> str:
    digest = salted_hmac(
        "gridgov.party.checkin", f"{activity.pk}:{window}", secret=activity.secret
    ).hexdigest()
    return f"{int(digest[:12], 16) % 1_000_000:06d}"


def _code_matches(activity: VolunteerActivity, code: str, at: datetime) -> bool:
    """The current window's code, or the one before (a code read out just as it turned)."""
    window = int(at.timestamp() // settings.GRIDGOV_CHECKIN_CODE_SECONDS)
    given = (code or "").strip()
    return any(constant_time_compare(given, _code(activity, w)) for w in (window, window - 1))


@transaction.atomic
def activity_publish(
    *,
    actor,
    organisation: PartyOrganisation,
    place: OrgUnit,
    title: str,
    location: str,
    starts_at: datetime,
    ends_at: datetime,
    slots: int,
    description: str = "",
) -> VolunteerActivity:
    """A branch or a community's party organisation (its secretary) publishes an activity
    within its territory."""
    access.require_manage(actor, organisation.path)
    problems = {}
    if not place.path.startswith(organisation.path):
        problems["place"] = [_("Choose a place within the organisation's territory.")]
    if starts_at <= timezone.now():
        problems["starts_at"] = [_("An activity starts in the future.")]
    if ends_at <= starts_at:
        problems["ends_at"] = [_("An activity ends after it starts.")]
    elif ends_at - starts_at > timedelta(hours=12):
        problems["ends_at"] = [_("An activity lasts at most 12 hours.")]
    if not 1 <= slots <= 1000:
        problems["slots"] = [_("Between 1 and 1000 places.")]
    if problems:
        raise ValidationFailed(fields=problems)
    activity = VolunteerActivity(
        organisation=organisation,
        place=place,
        title=title.strip(),
        description=description.strip(),
        location=location.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        slots=slots,
        secret=secrets.token_hex(16),
        created_by=actor,
    )
    checked(activity, exclude=("organisation", "place", "created_by", "path", "secret"))
    activity.save()
    return activity


@transaction.atomic
def activity_cancel(*, actor, activity: VolunteerActivity) -> VolunteerActivity:
    access.require_manage(actor, activity.organisation.path)
    changed = VolunteerActivity.objects.filter(
        pk=activity.pk, status=ActivityStatus.PUBLISHED, starts_at__gt=timezone.now()
    ).update(status=ActivityStatus.CANCELLED)
    if not changed:
        raise Conflict(_("Only an activity that has not started can be cancelled."))
    activity.refresh_from_db()
    return activity


def _own_member(actor) -> PartyMember:
    member_id = access.viewer(actor).member_id
    if member_id is None:
        raise PermissionDenied(_("Only party members sign up for activities."))
    return PartyMember.objects.select_related("organisation").get(pk=member_id)


@transaction.atomic
def signup_create(*, actor, activity: VolunteerActivity, at: datetime | None = None) -> SignUp:
    """The member signs up while places are left and the activity has not ended (409 when
    full or signed up already)."""
    member = _own_member(actor)
    now = at or timezone.now()
    locked = VolunteerActivity.objects.select_for_update().get(pk=activity.pk)
    if locked.status != ActivityStatus.PUBLISHED or locked.ends_at <= now:
        raise Conflict(_("This activity is closed."))
    existing = SignUp.objects.filter(activity=locked, member=member).first()
    if existing is not None and existing.cancelled_at is None:
        raise Conflict(_("You have already signed up."))
    taken = SignUp.objects.filter(activity=locked, cancelled_at__isnull=True).count()
    if taken >= locked.slots:
        raise Conflict(_("This activity is full."), code="full")
    if existing is not None:  # signed up again after cancelling
        existing.cancelled_at, existing.signed_at = None, now
        existing.save(update_fields=["cancelled_at", "signed_at"])
        return existing
    return SignUp.objects.create(activity=locked, member=member, signed_at=now)


@transaction.atomic
def signup_cancel(*, actor, activity: VolunteerActivity, at: datetime | None = None) -> SignUp:
    member = _own_member(actor)
    changed = SignUp.objects.filter(
        activity=activity, member=member, cancelled_at__isnull=True, checked_in_at__isnull=True
    ).update(cancelled_at=at or timezone.now())
    if not changed:
        raise Conflict(_("There is no sign-up to cancel."))
    return SignUp.objects.get(activity=activity, member=member)


def _check_code(actor, activity: VolunteerActivity, code: str, now: datetime) -> None:
    if not _code_matches(activity, code, now):
        wait = rate_limit_hit(
            f"checkin:{activity.pk}:{actor.pk}", limit=settings.GRIDGOV_CHECKIN_MAX_FAILURES, window=60
        )
        if wait is not None:
            raise RateLimited(retry_after=wait)
        raise ValidationFailed(fields={"code": [_("This is not the code the organiser shows.")]})


@transaction.atomic
def signup_check_in(*, actor, activity: VolunteerActivity, code: str, at: datetime | None = None) -> SignUp:
    """On site: the member enters the organiser's code, from ``GRIDGOV_CHECKIN_EARLY_MINUTES``
    before the start until the end."""
    member = _own_member(actor)
    now = at or timezone.now()
    signup = (
        SignUp.objects.select_for_update()
        .filter(activity=activity, member=member, cancelled_at__isnull=True)
        .first()
    )
    if signup is None:
        raise ValidationFailed(fields={"activity": [_("Sign up for the activity first.")]})
    opens = activity.starts_at - timedelta(minutes=settings.GRIDGOV_CHECKIN_EARLY_MINUTES)
    if activity.status != ActivityStatus.PUBLISHED or not opens <= now <= activity.ends_at:
        raise ValidationFailed(
            fields={"activity": [_("Check-in is open from shortly before the start until the end.")]}
        )
    if signup.checked_in_at is not None:
        raise Conflict(_("You have already checked in."))
    _check_code(actor, activity, code, now)
    signup.checked_in_at = now
    signup.save(update_fields=["checked_in_at"])
    return signup


@transaction.atomic
def signup_check_out(*, actor, activity: VolunteerActivity, code: str, at: datetime | None = None) -> SignUp:
    """The member checks out with the organiser's code (until two hours after the end); the
    hours between check-in and check-out, within the activity's time, count and earn points."""
    member = _own_member(actor)
    now = at or timezone.now()
    signup = (
        SignUp.objects.select_for_update()
        .filter(activity=activity, member=member, cancelled_at__isnull=True)
        .first()
    )
    if signup is None or signup.checked_in_at is None:
        raise ValidationFailed(fields={"activity": [_("Check in first.")]})
    if signup.checked_out_at is not None:
        raise Conflict(_("You have already checked out."))
    if now > activity.ends_at + timedelta(hours=2):
        raise ValidationFailed(fields={"activity": [_("Check-out closed two hours after the end.")]})
    _check_code(actor, activity, code, now)
    counted = min(now, activity.ends_at) - max(signup.checked_in_at, activity.starts_at)
    hours = max(Decimal(int(counted.total_seconds() // 360)) / 10, Decimal(0))
    signup.checked_out_at, signup.hours = now, hours
    signup.save(update_fields=["checked_out_at", "hours"])
    points_award(
        member=member,
        rule_code="volunteer_hour",
        units=hours,
        source=audit.subject_of(signup),
        reason=_("%(hours)s hours at %(title)s") % {"hours": hours, "title": activity.title},
        actor=actor,
        at=now,
    )
    return signup


@transaction.atomic
def pairing_create(
    *, actor, organisation: PartyOrganisation, community: OrgUnit, since: date | None = None
) -> Pairing:
    """Pair a unit (its party organisation) with a community or village (结对): a secretary
    covering the community. Once (409)."""
    access.require_manage(actor, community.path)
    if community.level != Level.COMMUNITY:
        raise ValidationFailed(fields={"community": [_("Choose a community or village.")]})
    pairing = Pairing(organisation=organisation, community=community, since=since or timezone.localdate())
    return _saved(pairing, _("This unit is already paired with this community."))
