"""Reads of micro-wishes: the staff list within what the user sees (``access``), the public
wish wall, a wish's pledges, and the figures wishes contribute to dashboards and the big
screen."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from gridgov.core.scoping import within

from . import access
from .models import LIVE_PLEDGES, PUBLIC_STATUSES, Pledge, Wish


def wishes_list(user, *, status: str = "", grid_path: str = "", category: str = ""):
    """The wishes ``user`` manages or posted, newest first, with their places (one query per
    page)."""
    qs = Wish.objects.filter(access.wishes_managed_q(user)).select_related("community", "grid")
    if status:
        qs = qs.filter(status=status)
    if grid_path:
        qs = qs.filter(within(grid_path))
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-created_at", "-pk")


def public_wishes(*, category: str = "", community_path: str = ""):
    """The wish wall: published wishes and what became of them, open ones first, newest first;
    only their public fields are ever read from these rows."""
    qs = Wish.objects.filter(status__in=PUBLIC_STATUSES).select_related("community")
    if category:
        qs = qs.filter(category=category)
    if community_path:
        qs = qs.filter(within(community_path))
    return qs.order_by("-published_at", "-pk")


def pledges_of(wish: Wish):
    """A wish's pledges, withdrawn ones left out, with who claimed them."""
    return (
        Pledge.objects.filter(wish=wish, status__in=LIVE_PLEDGES)
        .select_related("member", "organisation", "deputy__user")
        .order_by("created_at", "pk")
    )


def my_pledges(user):
    """The pledges ``user`` made (withdrawn ones too), with their wishes."""
    return (
        Pledge.objects.filter(claimer_id=access.viewer(user).user_id or 0)
        .select_related("wish", "wish__community", "member", "organisation", "deputy__user")
        .order_by("-created_at", "-pk")
    )


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def figures(path: str, start: date, end: date) -> dict[str, int]:
    """Wishes within ``path`` ("" for everywhere) from ``start`` to ``end`` (both days
    included): posted, published, claimed (with at least one live pledge made in the period),
    fulfilled and confirmed. Two queries."""
    scope = within(path) if path else Q()
    low, high = _moment(start), _moment(end + timedelta(days=1))

    def during(field: str) -> Q:
        return Q(**{f"{field}__gte": low, f"{field}__lt": high})

    found = Wish.objects.filter(scope).aggregate(
        posted=Count("pk", filter=during("created_at")),
        published=Count("pk", filter=during("published_at")),
        fulfilled=Count("pk", filter=during("fulfilled_at")),
        confirmed=Count("pk", filter=during("confirmed_at")),
    )
    found["claimed"] = (
        Pledge.objects.filter(scope, during("created_at"), status__in=LIVE_PLEDGES)
        .values("wish_id")
        .distinct()
        .count()
    )
    return {k: found[k] for k in ("posted", "published", "claimed", "fulfilled", "confirmed")}


def claimed_count(path: str) -> int:
    """Wishes within ``path`` claimed so far (at least one live pledge). One query."""
    scope = within(path) if path else Q()
    return Wish.objects.filter(scope, units_pledged__gt=0).count()
