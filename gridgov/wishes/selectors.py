"""Reads of micro-wishes: the staff list within what the user sees (``access``), the public
wish wall, a wish's pledges, and the figures wishes contribute to dashboards and the big
screen."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from gridgov.core.scoping import within, within_any

from . import access
from .models import LIVE_PLEDGES, PUBLIC_STATUSES, Pledge, PledgeStatus, Wish, WishStatus


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


# --- Pages: what each user's wish pages list -----------------------------------------------------


def paired_units_of(user) -> list:
    """The pairings of the party organisations ``user`` is the secretary of (such a unit claims
    the wishes of its paired communities), with their organisations. One query."""
    from gridgov.orgs.models import Role
    from gridgov.party.models import Pairing

    if access.viewer(user).user_id is None:
        return []
    return list(
        Pairing.objects.filter(
            organisation__memberships__user_id=user.pk, organisation__memberships__role=Role.PARTY_SECRETARY
        )
        .select_related("organisation")
        .order_by("organisation__name", "pk")
        .distinct()
    )


def may_claim_anything(user) -> bool:
    """Whether ``user`` claims wishes at all: an active party member, a deputy, or the
    secretary of a paired unit. One query (none for anonymous users)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    from gridgov.orgs.models import Membership, Role
    from gridgov.party.models import Deputy, MemberStatus, Pairing, PartyMember

    if access.viewer(user).user_id is None:
        return False
    secretary_of_paired = Membership.objects.filter(
        user_id=OuterRef("pk"),
        role=Role.PARTY_SECRETARY,
        party_organisation__in=Pairing.objects.values("organisation_id"),
    )
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(
            Exists(PartyMember.objects.filter(user_id=OuterRef("pk"), status=MemberStatus.ACTIVE))
            | Exists(Deputy.objects.filter(user_id=OuterRef("pk")))
            | Exists(secretary_of_paired)
        )
        .exists()
    )


def my_live_pledges_on(user, wish_ids) -> dict[int, Pledge]:
    """``user``'s live pledges on the wishes ``wish_ids``, by wish. One query."""
    user_id = access.viewer(user).user_id
    if user_id is None or not wish_ids:
        return {}
    rows = Pledge.objects.filter(claimer_id=user_id, wish_id__in=list(wish_ids), status__in=LIVE_PLEDGES)
    return {p.wish_id: p for p in rows}


def my_live_pledges(user):
    """The pledges ``user`` made that still count (not withdrawn), newest first, with their
    wishes and communities."""
    return my_pledges(user).filter(status__in=LIVE_PLEDGES)


def wishes_posted_by(user):
    """The wishes ``user`` posted themself, newest first, with their places."""
    user_id = access.viewer(user).user_id or 0
    return (
        Wish.objects.filter(posted_by_id=user_id)
        .select_related("community", "grid")
        .order_by("-created_at", "-pk")
    )


def _review_scope(user) -> Q:
    v = access.viewer(user)
    return Q() if v.superuser else within_any(v.review_paths, "community__path")


def _grid_scope(user) -> Q:
    v = access.viewer(user)
    return Q() if v.superuser else within_any(v.grid_paths)


def wishes_to_review(user):
    """Wishes awaiting the review of ``user`` (party secretaries covering their communities),
    oldest first."""
    return (
        Wish.objects.filter(_review_scope(user), status=WishStatus.PENDING)
        .select_related("community", "grid")
        .order_by("created_at", "pk")
    )


def wishes_to_confirm(user):
    """Fulfilled wishes in the grids of ``user`` (a grid worker) awaiting confirmation, oldest
    first, with their fulfilled pledges and who made them (one query more)."""
    fulfilled = Pledge.objects.filter(status=PledgeStatus.FULFILLED).select_related(
        "member", "organisation", "deputy__user"
    )
    return (
        Wish.objects.filter(_grid_scope(user), status=WishStatus.FULFILLED)
        .select_related("community", "grid")
        .prefetch_related(
            Prefetch("pledges", queryset=fulfilled.order_by("created_at", "pk"), to_attr="done")
        )
        .order_by("fulfilled_at", "pk")
    )


def wishes_to_thank(user):
    """Confirmed wishes in the grids of ``user`` (a grid worker) awaiting a thank-you note."""
    return (
        Wish.objects.filter(_grid_scope(user), status=WishStatus.CONFIRMED)
        .select_related("community", "grid")
        .order_by("confirmed_at", "pk")
    )


def grids_to_post_in(user) -> list[tuple[str, list]]:
    """The grids a wish may be posted in by ``user``, by community: a grid worker's own grids,
    every grid for a resident. Two queries."""
    from gridgov.orgs.models import GRID_LEVELS, Level, OrgUnit

    v = access.viewer(user)
    grids = OrgUnit.objects.filter(level__in=GRID_LEVELS)
    if v.grid_paths and not v.superuser:
        grids = grids.filter(within_any(v.grid_paths))
    grids = list(grids.order_by("path"))
    names = dict(
        OrgUnit.objects.filter(level=Level.COMMUNITY, path__in={g.path[:12] for g in grids}).values_list(
            "path", "name"
        )
    )
    found: dict[str, list] = {}
    for grid in grids:
        found.setdefault(names.get(grid.path[:12], ""), []).append(grid)
    return list(found.items())
