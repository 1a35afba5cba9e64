"""Party work over HTTP: members (masked; one field revealed at a time, audited), dual
registration, central households with their households and visits (a follow-up becomes a
case in one call), service posts, volunteer activities (sign up, check in and out with the
organiser's one-time code), the points ledger and rankings, and the figures party work
contributes.

Views parse, fetch through ``access`` (404 when invisible), call one service, render.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from gridgov.catalogue.models import Category
from gridgov.core import periods
from gridgov.core.errors import NotFound, ValidationFailed
from gridgov.core.masking import mask_address, mask_id_number, mask_name, mask_phone
from gridgov.orgs.models import OrgUnit, PartyOrganisation

from . import access, selectors, services
from .models import DualRegistration, PostHolder

router = Router(tags=["party"])


# --- Schemas -------------------------------------------------------------------------------------


class PlaceOut(Schema):
    path: str
    name: str


class OrganisationOut(Schema):
    id: int
    name: str


class MemberOut(Schema):
    """A member as every page shows them: personal fields masked (ARCHITECTURE §6)."""

    id: int
    name: str
    gender: str
    birth_year: int | None
    joined_on: date | None
    education: str
    phone: str
    id_number: str
    organisation: OrganisationOut
    grid: PlaceOut | None
    in_service: bool
    status: str

    @staticmethod
    def resolve_birth_year(obj) -> int | None:
        return obj.birth_date.year if obj.birth_date else None

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_id_number(obj) -> str:
        return mask_id_number(obj.id_number)


class MemberIn(Schema):
    name: str = ""
    gender: str = ""
    birth_date: date | None = None
    joined_on: date | None = None
    education: str = ""
    phone: str = ""
    id_number: str = ""
    organisation_id: int | None = None
    grid: str = ""
    in_service: bool = False


class MemberPatch(Schema):
    name: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    joined_on: date | None = None
    education: str | None = None
    phone: str | None = None
    id_number: str | None = None
    organisation_id: int | None = None
    grid: str | None = None
    in_service: bool | None = None
    status: str | None = None


class RevealIn(Schema):
    field: str
    #: Why the full value is needed (required, at most 200 characters; kept in the audit log).
    reason: str = ""


class RevealOut(Schema):
    field: str
    value: str


class RegistrationIn(Schema):
    member_id: int
    community: str


class RegistrationOut(Schema):
    id: int
    member: MemberOut
    community: PlaceOut
    grid: PlaceOut | None
    registered_at: str
    served: bool | None = None

    @staticmethod
    def resolve_registered_at(obj) -> str:
        return timezone.localtime(obj.registered_at).isoformat()

    @staticmethod
    def resolve_served(obj) -> bool | None:
        return getattr(obj, "served", None)


class GridIn(Schema):
    grid: str


class CentralIn(Schema):
    member_id: int
    since: date | None = None


class CentralOut(Schema):
    id: int
    member: MemberOut
    grid: PlaceOut
    since: date
    households: int

    @staticmethod
    def resolve_households(obj) -> int:
        return obj.household_count  # annotated by selectors.centrals_list, counted by central_get


class HouseholdIn(Schema):
    head: str = ""
    address: str = ""
    phone: str = ""
    note: str = ""


class HouseholdOut(Schema):
    """A linked household: who and where, masked."""

    id: int
    head: str
    address: str
    phone: str
    note: str

    @staticmethod
    def resolve_head(obj) -> str:
        return mask_name(obj.head)

    @staticmethod
    def resolve_address(obj) -> str:
        return mask_address(obj.address)

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.phone)


class VisitIn(Schema):
    central_id: int
    household_id: int
    visited_on: date
    asked: str = ""
    follow_up: str = ""


class VisitOut(Schema):
    id: int
    household: int
    visited_on: date
    asked: str
    follow_up: str
    case: str | None

    @staticmethod
    def resolve_household(obj) -> int:
        return obj.household_id

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.number if obj.case_id else None


class CentralDetailOut(CentralOut):
    household_list: list[HouseholdOut]
    visits: list[VisitOut]

    @staticmethod
    def resolve_visits(obj) -> list:
        return obj.visit_list


class CaseIn(Schema):
    category: str = ""


class CaseRefOut(Schema):
    number: str
    status: str


class PostIn(Schema):
    organisation_id: int
    kind: str = ""
    name: str = ""
    duties: str = ""


class PostOut(Schema):
    id: int
    organisation: OrganisationOut
    kind: str
    name: str
    duties: str
    is_active: bool
    holders: int

    @staticmethod
    def resolve_holders(obj) -> int:
        return getattr(obj, "holder_count", 0)


class TakeIn(Schema):
    member_id: int | None = None


class HolderOut(Schema):
    id: int
    post: int
    member: int
    since: date
    until: date | None

    @staticmethod
    def resolve_post(obj) -> int:
        return obj.post_id

    @staticmethod
    def resolve_member(obj) -> int:
        return obj.member_id


class PostActivityIn(Schema):
    on: date
    hours: Decimal
    summary: str = ""


class PostActivityOut(Schema):
    id: int
    on: date
    hours: float
    summary: str


class FiguresOut(Schema):
    scope: str
    start: date
    end: date
    members: int
    in_grids: int
    in_service: int
    registrations: int
    central_households: int
    linked_households: int
    grids: int
    grids_covered: int
    visits: int
    post_hours: float
    activities: int
    volunteer_hours: float
    points: int


class OrganisationFiguresOut(Schema):
    organisation: int
    name: str
    kind: str
    path: str
    members: int
    central_households: int
    post_hours: float
    volunteer_hours: float
    points: int


class OrganisationFiguresListOut(Schema):
    scope: str
    start: date
    end: date
    rows: list[OrganisationFiguresOut]


# --- Helpers -------------------------------------------------------------------------------------


def _place(path: str | None, field: str) -> OrgUnit:
    found = OrgUnit.objects.filter(path=(path or "").strip()).first() if (path or "").strip() else None
    if found is None:
        raise ValidationFailed(fields={field: [_("Unknown territorial unit.")]})
    return found


def _organisation(pk: int | None) -> PartyOrganisation:
    found = PartyOrganisation.objects.filter(pk=pk).first() if pk else None
    if found is None:
        raise ValidationFailed(fields={"organisation_id": [_("Choose a party organisation.")]})
    return found


def _member_for_write(request, pk: int):
    try:
        return access.access_member(request.user, pk=pk)
    except NotFound:
        raise ValidationFailed(fields={"member_id": [_("Unknown party member.")]}) from None


# --- Members -------------------------------------------------------------------------------------


@router.get("/members", response=list[MemberOut], summary="Party members I may see (masked)")
@paginate(PageNumberPagination, page_size=20)
def member_list(
    request, organisation_id: int | None = None, grid: str = "", in_service: bool | None = None, q: str = ""
):
    access.require_viewer(request.user)
    return selectors.members_list(
        request.user, organisation_id=organisation_id, grid_path=grid, in_service=in_service, text=q
    )


@router.post("/members", response={201: MemberOut}, summary="Register a party member")
def member_create(request, payload: MemberIn):
    access.require_manager(request.user)
    member = services.member_create(
        actor=request.user,
        organisation=_organisation(payload.organisation_id),
        grid=_place(payload.grid, "grid") if payload.grid else None,
        **payload.dict(exclude={"organisation_id", "grid"}),
    )
    return access.access_member(request.user, pk=member.pk)


@router.get("/members/{member_id}", response=MemberOut, summary="One party member (masked)")
def member_get(request, member_id: int):
    return access.access_member(request.user, pk=member_id)


@router.patch("/members/{member_id}", response=MemberOut, summary="Change a party member")
def member_update(request, member_id: int, payload: MemberPatch):
    member = access.access_member(request.user, pk=member_id)
    changes = {k: v for k, v in payload.dict(exclude={"organisation_id", "grid"}).items() if v is not None}
    services.member_update(
        actor=request.user,
        member=member,
        organisation=_organisation(payload.organisation_id) if payload.organisation_id else None,
        grid=_place(payload.grid, "grid") if payload.grid else None,
        **changes,
    )
    return access.access_member(request.user, pk=member_id)


@router.post(
    "/members/{member_id}/reveal", response=RevealOut, summary="One personal field in full (audited)"
)
def member_reveal(request, member_id: int, payload: RevealIn):
    member = access.access_member(request.user, pk=member_id)
    return RevealOut(
        field=payload.field,
        value=services.member_reveal(
            actor=request.user, member=member, field=payload.field, reason=payload.reason
        ),
    )


# --- Dual registration ---------------------------------------------------------------------------


@router.post(
    "/registrations",
    response={201: RegistrationOut},
    summary="Register an in-service member with a community (双报到)",
)
def registration_create(request, payload: RegistrationIn):
    access.require_viewer(request.user)
    member = _member_for_write(request, payload.member_id)
    found = services.registration_create(
        actor=request.user, member=member, community=_place(payload.community, "community")
    )
    return found


@router.get(
    "/registrations",
    response=list[RegistrationOut],
    summary="Who registered with a community, and who served this quarter",
)
@paginate(PageNumberPagination, page_size=50)
def registration_list(request, community: str, on: date | None = None):
    place = _place(community, "community")
    access.require_manage(request.user, place.path)
    return selectors.registrations_of(place.path, on=on or timezone.localdate())


@router.post(
    "/registrations/{registration_id}/grid",
    response=RegistrationOut,
    summary="Assign a registered member a grid",
)
def registration_assign(request, registration_id: int, payload: GridIn):
    registration = (
        DualRegistration.objects.filter(pk=registration_id).select_related("community", "member").first()
    )
    if registration is None or not access.can_manage(request.user, registration.community.path):
        raise NotFound()
    return services.registration_assign(
        actor=request.user, registration=registration, grid=_place(payload.grid, "grid")
    )


# --- Central households ---------------------------------------------------------------------------


@router.get("/central-households", response=list[CentralOut], summary="Central households I may see")
@paginate(PageNumberPagination, page_size=50)
def central_list(request, grid: str = ""):
    access.require_viewer(request.user)
    return selectors.centrals_list(request.user, grid_path=grid)


@router.post("/central-households", response={201: CentralOut}, summary="Make a member a central household")
def central_create(request, payload: CentralIn):
    access.require_manager(request.user)
    central = services.central_designate(
        actor=request.user, member=_member_for_write(request, payload.member_id), since=payload.since
    )
    return selectors.centrals_list(request.user).get(pk=central.pk)


@router.get(
    "/central-households/{central_id}",
    response=CentralDetailOut,
    summary="A central household, its households and visits",
)
def central_get(request, central_id: int):
    central = access.access_central(request.user, pk=central_id)
    central.household_list = list(selectors.households_of(central))
    central.household_count = len(central.household_list)
    central.visit_list = list(selectors.visits_of(central))
    return central


@router.post(
    "/central-households/{central_id}/households", response={201: HouseholdOut}, summary="Link a household"
)
def household_add(request, central_id: int, payload: HouseholdIn):
    central = access.access_central(request.user, pk=central_id)
    return services.household_add(actor=request.user, central=central, **payload.dict())


@router.delete("/households/{household_id}", response={204: None}, summary="Unlink a household")
def household_remove(request, household_id: int):
    services.household_remove(
        actor=request.user, household=access.access_household(request.user, pk=household_id)
    )
    return HttpResponse(status=204)


@router.post(
    "/households/{household_id}/reveal",
    response=RevealOut,
    summary="One field of a household in full (audited)",
)
def household_reveal(request, household_id: int, payload: RevealIn):
    household = access.access_household(request.user, pk=household_id)
    value = services.household_reveal(
        actor=request.user, household=household, field=payload.field, reason=payload.reason
    )
    return RevealOut(field=payload.field, value=value)


@router.post("/visits", response={201: VisitOut}, summary="Log a visit to a linked household")
def visit_create(request, payload: VisitIn):
    central = access.access_central(request.user, pk=payload.central_id)
    try:
        household = access.access_household(request.user, pk=payload.household_id)
    except NotFound:
        raise ValidationFailed(
            fields={"household": [_("Choose one of this central household's households.")]}
        ) from None
    visit = services.visit_record(
        actor=request.user,
        central=central,
        household=household,
        visited_on=payload.visited_on,
        asked=payload.asked,
        follow_up=payload.follow_up,
    )
    return visit


@router.post("/visits/{visit_id}/case", response={201: CaseRefOut}, summary="Make a visit's follow-up a case")
def visit_case(request, visit_id: int, payload: CaseIn):
    visit = access.access_visit(request.user, pk=visit_id)
    category = Category.objects.filter(code=payload.category).first() if payload.category else None
    if category is None:
        raise ValidationFailed(fields={"category": [_("Choose a category.")]})
    case = services.visit_to_case(actor=request.user, visit=visit, category=category)
    return CaseRefOut(number=case.number, status=case.status)


# --- Service posts ----------------------------------------------------------------------------------


@router.get("/posts", response=list[PostOut], summary="Service posts I may see or take")
@paginate(PageNumberPagination, page_size=50)
def post_list(request):
    access.require_viewer(request.user)
    return selectors.posts_list(request.user)


@router.post("/posts", response={201: PostOut}, summary="Define a service post (设岗定责)")
def post_create(request, payload: PostIn):
    access.require_manager(request.user)
    post = services.post_create(
        actor=request.user,
        organisation=_organisation(payload.organisation_id),
        kind=payload.kind,
        name=payload.name,
        duties=payload.duties,
    )
    return selectors.posts_list(request.user).get(pk=post.pk)


@router.post("/posts/{post_id}/take", response={201: HolderOut}, summary="Take a post (myself, or a member)")
def post_take(request, post_id: int, payload: TakeIn):
    post = access.access_post(request.user, pk=post_id)
    member_id = payload.member_id or access.viewer(request.user).member_id
    if member_id is None:
        raise ValidationFailed(fields={"member_id": [_("Unknown party member.")]})
    return services.post_take(actor=request.user, post=post, member=_member_for_write(request, member_id))


def _holder(request, holder_id: int) -> PostHolder:
    holder = PostHolder.objects.filter(pk=holder_id).select_related("post", "member").first()
    if holder is None:
        raise NotFound()
    access.access_post(request.user, pk=holder.post_id)
    return holder


@router.post("/post-holders/{holder_id}/leave", response=HolderOut, summary="Leave a post")
def post_leave(request, holder_id: int):
    return services.post_leave(actor=request.user, holder=_holder(request, holder_id))


@router.post(
    "/post-holders/{holder_id}/activities",
    response={201: PostActivityOut},
    summary="Log an activity on a post",
)
def post_activity_create(request, holder_id: int, payload: PostActivityIn):
    holder = _holder(request, holder_id)
    return services.activity_log(
        actor=request.user, holder=holder, on=payload.on, hours=payload.hours, summary=payload.summary
    )


# --- Figures -------------------------------------------------------------------------------------


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    """A range of days (``start``–``end``, the rules of ``core.periods``), or this quarter."""
    today = timezone.localdate()
    if start is None and end is None:
        return selectors.quarter_of(today)
    found = periods.period_parse(start=start, end=end, period="", on=None, today=today)
    return found.start, found.end


@router.get(
    "/figures",
    response=FiguresOut,
    summary="Party work within a territory for a period (default this quarter)",
)
def figures_get(request, scope: str = "", start: date | None = None, end: date | None = None):
    path = access.access_scope(request.user, scope)
    start, end = _period(start, end)
    return FiguresOut(scope=path, start=start, end=end, **selectors.figures(path, start=start, end=end))


@router.get(
    "/figures/organisations",
    response=OrganisationFiguresListOut,
    summary="Party work by party organisation within a territory for a period",
)
def figures_by_organisation_get(request, scope: str = "", start: date | None = None, end: date | None = None):
    path = access.access_scope(request.user, scope)
    start, end = _period(start, end)
    rows = selectors.figures_by_organisation(path, start=start, end=end)
    return OrganisationFiguresListOut(scope=path, start=start, end=end, rows=rows)


# --- Pairings (结对) ---------------------------------------------------------------------------------


class PairingIn(Schema):
    organisation_id: int | None = None
    community: str = ""
    since: date | None = None


class PairingOut(Schema):
    id: int
    organisation: OrganisationOut
    community: PlaceOut
    since: date


@router.get(
    "/pairings", response=list[PairingOut], summary="Units paired with communities within my territory"
)
@paginate(PageNumberPagination, page_size=50)
def pairing_list(request, scope: str = ""):
    path = access.access_scope(request.user, scope)
    return selectors.pairings_within(path)


@router.post("/pairings", response={201: PairingOut}, summary="Pair a unit with a community (结对)")
def pairing_create(request, payload: PairingIn):
    access.require_manager(request.user)
    return services.pairing_create(
        actor=request.user,
        organisation=_organisation(payload.organisation_id),
        community=_place(payload.community, "community"),
        since=payload.since,
    )


# --- Volunteer activities ------------------------------------------------------------------------


class ActivityIn(Schema):
    organisation_id: int | None = None
    place: str = ""
    title: str = ""
    description: str = ""
    location: str = ""
    starts_at: datetime
    ends_at: datetime
    slots: int = 0


class ActivityOut(Schema):
    id: int
    organisation: OrganisationOut
    place: PlaceOut
    title: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    slots: int
    taken: int
    status: str
    signed_up: bool
    checked_in: bool
    hours: float | None

    @staticmethod
    def resolve_taken(obj) -> int:
        return getattr(obj, "taken", 0)

    @staticmethod
    def resolve_signed_up(obj) -> bool:
        return getattr(obj, "my_signed", None) is not None

    @staticmethod
    def resolve_checked_in(obj) -> bool:
        return getattr(obj, "my_checked_in", None) is not None

    @staticmethod
    def resolve_hours(obj) -> float | None:
        hours = getattr(obj, "my_hours", None)
        return float(hours) if hours is not None else None


class CodeOut(Schema):
    code: str
    valid_until: datetime


class CodeIn(Schema):
    code: str = ""


class SignUpOut(Schema):
    id: int
    member: int
    name: str
    signed_at: datetime
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    hours: float | None

    @staticmethod
    def resolve_member(obj) -> int:
        return obj.member_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_hours(obj) -> float | None:
        return float(obj.hours) if obj.hours is not None else None


def _activity_out(request, pk: int):
    return selectors.activities_list(request.user).get(pk=pk)


@router.get("/activities", response=list[ActivityOut], summary="Volunteer activities I may see or join")
@paginate(PageNumberPagination, page_size=20)
def activity_list(request, upcoming: bool = False):
    access.require_viewer(request.user)
    return selectors.activities_list(request.user, upcoming=upcoming)


@router.post("/activities", response={201: ActivityOut}, summary="Publish a volunteer activity")
def activity_create(request, payload: ActivityIn):
    access.require_manager(request.user)
    activity = services.activity_publish(
        actor=request.user,
        organisation=_organisation(payload.organisation_id),
        place=_place(payload.place, "place"),
        title=payload.title,
        description=payload.description,
        location=payload.location,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        slots=payload.slots,
    )
    return _activity_out(request, activity.pk)


@router.get("/activities/{activity_id}", response=ActivityOut, summary="One volunteer activity")
def activity_get(request, activity_id: int):
    access.access_activity(request.user, pk=activity_id)
    return _activity_out(request, activity_id)


@router.post(
    "/activities/{activity_id}/cancel", response=ActivityOut, summary="Cancel an activity before it starts"
)
def activity_cancel(request, activity_id: int):
    services.activity_cancel(
        actor=request.user, activity=access.access_activity(request.user, pk=activity_id)
    )
    return _activity_out(request, activity_id)


@router.get(
    "/activities/{activity_id}/code",
    response=CodeOut,
    summary="The check-in code to show on site (organiser)",
)
def activity_code(request, activity_id: int):
    activity = access.access_activity(request.user, pk=activity_id)
    access.require_manage(request.user, activity.organisation.path)
    code, until = services.checkin_code(activity)
    return CodeOut(code=code, valid_until=until)


@router.get(
    "/activities/{activity_id}/signups",
    response=list[SignUpOut],
    summary="Who signed up, checked in and out (organiser)",
)
@paginate(PageNumberPagination, page_size=100)
def activity_signups(request, activity_id: int):
    activity = access.access_activity(request.user, pk=activity_id)
    access.require_manage(request.user, activity.organisation.path)
    return selectors.signups_of(activity)


@router.post("/activities/{activity_id}/signup", response={201: ActivityOut}, summary="Sign up (myself)")
def activity_signup(request, activity_id: int):
    services.signup_create(actor=request.user, activity=access.access_activity(request.user, pk=activity_id))
    return _activity_out(request, activity_id)


@router.post("/activities/{activity_id}/signup/cancel", response=ActivityOut, summary="Cancel my sign-up")
def activity_signup_cancel(request, activity_id: int):
    services.signup_cancel(actor=request.user, activity=access.access_activity(request.user, pk=activity_id))
    return _activity_out(request, activity_id)


@router.post(
    "/activities/{activity_id}/check-in",
    response=ActivityOut,
    summary="Check in on site with the organiser's code",
)
def activity_check_in(request, activity_id: int, payload: CodeIn):
    services.signup_check_in(
        actor=request.user, activity=access.access_activity(request.user, pk=activity_id), code=payload.code
    )
    return _activity_out(request, activity_id)


@router.post(
    "/activities/{activity_id}/check-out", response=ActivityOut, summary="Check out with the organiser's code"
)
def activity_check_out(request, activity_id: int, payload: CodeIn):
    services.signup_check_out(
        actor=request.user, activity=access.access_activity(request.user, pk=activity_id), code=payload.code
    )
    return _activity_out(request, activity_id)


# --- Points and rankings -------------------------------------------------------------------------


class PointOut(Schema):
    id: int
    at: datetime
    rule: str
    points: int
    reason: str
    by: str

    @staticmethod
    def resolve_rule(obj) -> str:
        return obj.rule.name

    @staticmethod
    def resolve_by(obj) -> str:
        return (obj.created_by.full_name or obj.created_by.username) if obj.created_by_id else ""


class LedgerOut(Schema):
    member: int
    name: str
    total: int
    entries: list[PointOut]


class AdjustIn(Schema):
    points: int = 0
    reason: str = ""


class RankedMemberOut(Schema):
    rank: int
    member: int
    name: str
    points: int


class RankedUnitOut(Schema):
    rank: int
    organisation: int
    name: str
    points: int
    members: int


class RankingOut(Schema):
    scope: str
    start: date
    end: date
    members: list[RankedMemberOut]
    units: list[RankedUnitOut]


@router.get(
    "/members/{member_id}/points", response=LedgerOut, summary="A member's points ledger (newest first)"
)
def member_points(request, member_id: int, limit: int = 100):
    member = access.access_member(request.user, pk=member_id)
    entries = list(selectors.points_of(member)[: max(1, min(limit, 500))])
    return LedgerOut(
        member=member.pk, name=member.name, total=selectors.points_total(member), entries=entries
    )


@router.post(
    "/members/{member_id}/points",
    response={201: PointOut},
    summary="Correct a member's points (a new ledger line)",
)
def member_points_adjust(request, member_id: int, payload: AdjustIn):
    member = access.access_member(request.user, pk=member_id)
    return services.points_adjust(
        actor=request.user, member=member, points=payload.points, reason=payload.reason
    )


@router.get("/rankings", response=RankingOut, summary="Members and paired units ranked by points in a period")
def rankings_get(request, scope: str = "", start: date | None = None, end: date | None = None):
    path = access.access_scope(request.user, scope)
    start, end = _period(start, end)
    members = selectors.member_ranking(path, start=start, end=end)
    units = selectors.unit_ranking(path, start=start, end=end)
    return RankingOut(
        scope=path,
        start=start,
        end=end,
        members=[
            RankedMemberOut(rank=i + 1, member=m, name=n, points=p) for i, (m, n, p) in enumerate(members)
        ],
        units=[
            RankedUnitOut(rank=i + 1, organisation=o, name=n, points=p, members=c)
            for i, (o, n, p, c) in enumerate(units)
        ],
    )
