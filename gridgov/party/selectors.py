"""Reads of party work: lists within what the user sees (``access``), the community's view of
dual registration (who registered, who has not served this quarter), volunteer activities,
the points ledger and rankings, and the figures party work contributes to the dashboards."""

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from gridgov.core.scoping import within

from . import access
from .models import (
    CentralHousehold,
    DualRegistration,
    LinkedHousehold,
    MemberStatus,
    Pairing,
    PartyMember,
    PointEntry,
    PostActivity,
    ServicePost,
    SignUp,
    Visit,
    VolunteerActivity,
)


def quarter_of(day: date) -> tuple[date, date]:
    """The calendar quarter of ``day``: its first and last days."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = date(first.year + (first.month == 10), (first.month + 3 - 1) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def members_list(
    user,
    *,
    organisation_id: int | None = None,
    grid_path: str = "",
    in_service: bool | None = None,
    text: str = "",
):
    """The members ``user`` sees, with their organisation and grid (one query per page)."""
    qs = PartyMember.objects.filter(access.members_visible_q(user)).select_related("organisation", "grid")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if grid_path:
        qs = qs.filter(within(grid_path))
    if in_service is not None:
        qs = qs.filter(in_service=in_service)
    if text:
        qs = qs.filter(name__contains=text.strip())
    return qs.order_by("path", "name", "pk")


def registrations_of(community_path: str, *, on: date):
    """The members registered with the community (双报到), each with ``served``: whether they
    logged an activity on a post of the community in ``on``'s quarter. One query per page."""
    first, last = quarter_of(on)
    served = PostActivity.objects.filter(
        within(community_path), holder__member_id=OuterRef("member_id"), on__range=(first, last)
    )
    return (
        DualRegistration.objects.filter(within(community_path))
        .select_related("member", "member__organisation", "member__grid", "community", "grid")
        .annotate(served=Exists(served))
        .order_by("-registered_at", "pk")
    )


def centrals_list(user, *, grid_path: str = ""):
    """The central households ``user`` sees, with their member, grid and number of households."""
    qs = CentralHousehold.objects.filter(access.centrals_visible_q(user)).select_related(
        "member", "member__organisation", "member__grid", "grid"
    )
    if grid_path:
        qs = qs.filter(within(grid_path))
    return qs.annotate(household_count=Count("households", distinct=True)).order_by("path", "pk")


def households_of(central: CentralHousehold):
    return central.households.order_by("pk")


def visits_of(central: CentralHousehold):
    return central.visits.select_related("household", "case").order_by("-visited_on", "-pk")


def posts_list(user):
    """The service posts ``user`` sees, with their organisation and how many hold each."""
    return (
        ServicePost.objects.filter(access.posts_visible_q(user))
        .select_related("organisation")
        .annotate(holder_count=Count("holders", filter=Q(holders__until__isnull=True), distinct=True))
        .order_by("path", "name")
    )


def figures(path: str, *, on: date) -> dict[str, int | float]:
    """Party work within ``path`` ("" for everywhere): active members (of them in grids and
    in service), dual registrations, central households, the households they look after,
    visits and post activity hours in ``on``'s quarter. Five queries."""
    scope = within(path) if path else Q()
    first, last = quarter_of(on)
    members = PartyMember.objects.filter(scope, status=MemberStatus.ACTIVE).aggregate(
        members=Count("pk"),
        in_grids=Count("pk", filter=Q(grid__isnull=False)),
        in_service=Count("pk", filter=Q(in_service=True)),
    )
    return {
        **members,
        "registrations": DualRegistration.objects.filter(scope).count(),
        "central_households": CentralHousehold.objects.filter(scope).count(),
        "linked_households": LinkedHousehold.objects.filter(scope).count(),
        "visits": Visit.objects.filter(scope, visited_on__range=(first, last)).count(),
        "post_hours": float(
            PostActivity.objects.filter(scope, on__range=(first, last)).aggregate(h=Sum("hours"))["h"] or 0
        ),
    }


def activities_list(user, *, upcoming: bool = False, now=None):
    """The volunteer activities ``user`` sees (latest first), with the places taken and the
    user's own sign-up state. One query per page."""
    member_id = access.viewer(user).member_id
    mine = SignUp.objects.filter(activity_id=OuterRef("pk"), member_id=member_id or 0)
    qs = (
        VolunteerActivity.objects.filter(access.activities_visible_q(user))
        .select_related("organisation", "place")
        .annotate(
            taken=Count("signups", filter=Q(signups__cancelled_at__isnull=True), distinct=True),
            my_signed=Subquery(mine.filter(cancelled_at__isnull=True).values("signed_at")[:1]),
            my_checked_in=Subquery(mine.values("checked_in_at")[:1]),
            my_hours=Subquery(mine.values("hours")[:1]),
        )
    )
    if upcoming:
        qs = qs.filter(ends_at__gte=now or timezone.now())
    return qs.order_by("-starts_at", "-pk")


def signups_of(activity: VolunteerActivity):
    """Who signed up, checked in and out, and their hours (the organiser's list)."""
    return (
        activity.signups.filter(cancelled_at__isnull=True)
        .select_related("member")
        .order_by("signed_at", "pk")
    )


def points_of(member: PartyMember):
    """The member's ledger, newest first, with its rules."""
    return member.points.select_related("rule", "created_by").order_by("-at", "-pk")


def points_total(member: PartyMember) -> int:
    return member.points.aggregate(total=Sum("points"))["total"] or 0


def member_ranking(path: str, *, start, end, limit: int = 50) -> list[tuple[int, str, int]]:
    """Members living (or organised) within ``path`` ranked by the points they earned in
    [start, end]: (member id, name, points). One query."""
    rows = (
        PointEntry.objects.filter(within(path) if path else Q(), at__date__range=(start, end))
        .values("member_id", "member__name")
        .annotate(total=Sum("points"))
        .order_by("-total", "member__name")[:limit]
    )
    return [(r["member_id"], r["member__name"], r["total"]) for r in rows]


def unit_ranking(path: str, *, start, end) -> list[tuple[int, str, int, int]]:
    """Paired units (结对) with communities within ``path``, ranked by the points their members
    earned in [start, end] within the communities they are paired with: (organisation id,
    name, points, members who earned). Two queries."""
    pairings = list(
        Pairing.objects.filter(within(path) if path else Q()).values_list(
            "organisation_id", "organisation__name", "community__path"
        )
    )
    if not pairings:
        return []
    totals: dict[int, list] = {}
    q = Q()
    for organisation_id, _name, community_path in pairings:
        q |= Q(member__organisation_id=organisation_id) & within(community_path)
    rows = (
        PointEntry.objects.filter(q, at__date__range=(start, end))
        .values("member__organisation_id")
        .annotate(total=Sum("points"), members=Count("member_id", distinct=True))
    )
    earned = {r["member__organisation_id"]: (r["total"], r["members"]) for r in rows}
    for organisation_id, name, _path in pairings:
        if organisation_id not in totals:
            total, members = earned.get(organisation_id, (0, 0))
            totals[organisation_id] = [organisation_id, name, total, members]
    return sorted((tuple(v) for v in totals.values()), key=lambda r: (-r[2], r[1]))
