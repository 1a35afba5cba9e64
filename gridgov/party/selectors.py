"""Reads of party work: lists within what the user sees (``access``), the community's view of
dual registration (who registered, who has not served this quarter), volunteer activities,
the points ledger and rankings, and the figures party work contributes to the dashboards."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from gridgov.core import periods
from gridgov.core.scoping import within
from gridgov.orgs.models import GRID_LEVELS, OrgUnit, PartyOrganisation

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
    PostActivity,
    ServicePost,
    SignUp,
    Visit,
    VolunteerActivity,
)


def quarter_of(day: date) -> tuple[date, date]:
    """The calendar quarter of ``day``: its first and last days."""
    quarter = periods.quarter_of(day)
    return quarter.start, quarter.end


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


def figures(path: str, *, start: date, end: date) -> dict[str, int | float]:
    """Party work within ``path`` ("" for everywhere): active members (of them in grids and in
    service), dual registrations, central households, the households they look after, the
    grids with a central household among all grids; and in [start, end]: visits, post activity
    hours, volunteer activities held and their hours, points earned. Nine queries."""
    scope = within(path) if path else Q()
    members = PartyMember.objects.filter(scope, status=MemberStatus.ACTIVE).aggregate(
        members=Count("pk"),
        in_grids=Count("pk", filter=Q(grid__isnull=False)),
        in_service=Count("pk", filter=Q(in_service=True)),
    )
    centrals = CentralHousehold.objects.filter(scope).aggregate(
        central_households=Count("pk"), grids_covered=Count("grid_id", distinct=True)
    )
    held = VolunteerActivity.objects.filter(
        scope, status=ActivityStatus.PUBLISHED, starts_at__date__range=(start, end)
    )
    return {
        **members,
        **centrals,
        "registrations": DualRegistration.objects.filter(scope).count(),
        "linked_households": LinkedHousehold.objects.filter(scope).count(),
        "grids": OrgUnit.objects.filter(scope, level__in=GRID_LEVELS, is_active=True).count(),
        "visits": Visit.objects.filter(scope, visited_on__range=(start, end)).count(),
        "post_hours": float(
            PostActivity.objects.filter(scope, on__range=(start, end)).aggregate(h=Sum("hours"))["h"] or 0
        ),
        "activities": held.count(),
        "volunteer_hours": float(
            SignUp.objects.filter(activity__in=held.values("pk")).aggregate(h=Sum("hours"))["h"] or 0
        ),
        "points": PointEntry.objects.filter(scope, at__date__range=(start, end)).aggregate(p=Sum("points"))[
            "p"
        ]
        or 0,
    }


def figures_by_organisation(path: str, *, start: date, end: date) -> list[dict]:
    """The same figures by party organisation within ``path``: its active members, central
    households, and in [start, end] its members' post and volunteer hours and points. Five
    queries, whatever the number of organisations."""
    scope = within(path) if path else Q()
    organisations = list(
        PartyOrganisation.objects.filter(scope).order_by("path", "name").values("pk", "name", "kind", "path")
    )

    def grouped(qs, field: str, **sums) -> dict[int, dict]:
        return {row.pop(field): row for row in qs.values(field).annotate(**sums).order_by()}

    members = grouped(
        PartyMember.objects.filter(
            organisation__in=[o["pk"] for o in organisations], status=MemberStatus.ACTIVE
        ),
        "organisation_id",
        members=Count("pk"),
        central_households=Count("central_household", distinct=True),
    )
    post_hours = grouped(
        PostActivity.objects.filter(
            on__range=(start, end), holder__member__organisation__in=[o["pk"] for o in organisations]
        ),
        "holder__member__organisation_id",
        post_hours=Sum("hours"),
    )
    volunteer = grouped(
        SignUp.objects.filter(
            activity__starts_at__date__range=(start, end),
            member__organisation__in=[o["pk"] for o in organisations],
        ),
        "member__organisation_id",
        volunteer_hours=Sum("hours"),
    )
    points = grouped(
        PointEntry.objects.filter(
            at__date__range=(start, end), member__organisation__in=[o["pk"] for o in organisations]
        ),
        "member__organisation_id",
        points=Sum("points"),
    )
    return [
        {
            "organisation": o["pk"],
            "name": o["name"],
            "kind": o["kind"],
            "path": o["path"],
            "members": members.get(o["pk"], {}).get("members", 0),
            "central_households": members.get(o["pk"], {}).get("central_households", 0),
            "post_hours": float(post_hours.get(o["pk"], {}).get("post_hours") or 0),
            "volunteer_hours": float(volunteer.get(o["pk"], {}).get("volunteer_hours") or 0),
            "points": points.get(o["pk"], {}).get("points") or 0,
        }
        for o in organisations
    ]


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


def pairings_within(path: str):
    """The pairings with communities within ``path``, with their organisation and community."""
    return (
        Pairing.objects.filter(within(path) if path else Q())
        .select_related("organisation", "community")
        .order_by("path", "pk")
    )
