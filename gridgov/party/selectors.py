"""Reads of party work: lists within what the user sees (``access``), the community's view of
dual registration (who registered, who has not served this quarter) and the figures party
work contributes to the dashboards."""

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Sum

from gridgov.core.scoping import within

from . import access
from .models import (
    CentralHousehold,
    DualRegistration,
    LinkedHousehold,
    MemberStatus,
    PartyMember,
    PostActivity,
    ServicePost,
    Visit,
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
