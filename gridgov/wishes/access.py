"""Fetch + authorise micro-wishes (ARCHITECTURE §4.2, §6).

- **Post** a wish: a resident (signed in, no memberships) for someone they know; a grid
  worker (collect) in a grid they cover.
- **See** a wish with its beneficiary masked: grid workers, party secretaries and leaders
  whose territory covers it; the resident who posted it. Every signed-in user sees a wish
  once it is public (published and after), without its beneficiary.
- **Review** (approve, reject): party secretaries covering the wish's community.
- **Reveal** a beneficiary field in full, audited: the grid worker of the wish's grid and the
  party secretaries covering its community.
- **Claim**: party members (their own pledge), the secretary of a party organisation paired
  with the wish's community (for that organisation) and deputies whose area covers the wish.
- **Confirm and thank**: the grid worker of the wish's grid or the resident who posted it.

Missing and invisible are the same 404; visible but not allowed is a 403. Everything is
derived from ``orgs.selectors.membership_rows`` (one query per request), plus the user's own
party member and deputy records when claiming.
"""

from dataclasses import dataclass

from django.db.models import Q

from gridgov.core.errors import NotFound, PermissionDenied
from gridgov.core.scoping import collapse, covers, within_any
from gridgov.orgs.models import Membership, PartyOrganisation, Role
from gridgov.orgs.selectors import membership_rows
from gridgov.party.models import Deputy, MemberStatus, Pairing, PartyMember

from .models import PUBLIC_STATUSES, Pledge, Wish

VIEW_ROLES = frozenset({Role.GRID_WORKER, Role.PARTY_SECRETARY, Role.LEADER})

_CACHE = "_gridgov_wish_viewer"


@dataclass(frozen=True)
class Viewer:
    user_id: int | None
    superuser: bool
    has_memberships: bool
    view_paths: tuple[str, ...]
    grid_paths: tuple[str, ...]  # grid worker
    review_paths: tuple[str, ...]  # party secretary


_NOBODY = Viewer(None, False, False, (), (), ())


def viewer(user) -> Viewer:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NOBODY
    rows = membership_rows(user)
    cached = user.__dict__.get(_CACHE)
    if cached is not None and cached[0] is rows:
        return cached[1]

    def paths(roles) -> tuple[str, ...]:
        return tuple(collapse(p for role, p, _ in rows if role in roles))

    result = Viewer(
        user_id=user.pk,
        superuser=user.is_superuser,
        has_memberships=bool(rows),
        view_paths=paths(VIEW_ROLES),
        grid_paths=paths({Role.GRID_WORKER}),
        review_paths=paths({Role.PARTY_SECRETARY}),
    )
    user.__dict__[_CACHE] = (rows, result)
    return result


# --- Seeing ------------------------------------------------------------------------------------------


def wishes_managed_q(user) -> Q:
    """The wishes ``user`` sees with their beneficiary (masked): staff within their territory,
    a resident their own."""
    v = viewer(user)
    if v.superuser:
        return Q()
    q = within_any(v.view_paths)
    if v.user_id is not None:
        q |= Q(posted_by_id=v.user_id)
    return q


def sees_beneficiary(user, wish: Wish) -> bool:
    v = viewer(user)
    return (
        v.superuser
        or covers(v.view_paths, wish.path)
        or (v.user_id is not None and wish.posted_by_id == v.user_id)
    )


def access_wish(user, *, pk: int) -> Wish:
    """A wish ``user`` may see: one they manage or posted, or any public one; else 404."""
    q = wishes_managed_q(user) | Q(status__in=PUBLIC_STATUSES)
    found = Wish.objects.filter(q, pk=pk).select_related("community", "grid").first()
    if found is None:
        raise NotFound()
    return found


def require_staff(user) -> Viewer:
    """Refuse (403) a user who reads no wish list: neither a territory nor a wish of their own
    (a resident always has their own list)."""
    v = viewer(user)
    if v.user_id is None:
        raise PermissionDenied()
    if v.has_memberships and not (v.superuser or v.view_paths):
        raise PermissionDenied()
    return v


def access_scope(user, path: str) -> str:
    """The territory whose wish figures ``user`` reads: ``path``, or their own (the first) when
    none is given; 404 outside theirs, 403 for a user who reads none."""
    v = viewer(user)
    readable = ("",) if v.superuser else v.view_paths
    if not readable:
        raise PermissionDenied()
    if not path:
        return readable[0]
    if not covers(readable, path):
        raise NotFound()
    return path


# --- Acting ------------------------------------------------------------------------------------------


def is_resident(user) -> bool:
    v = viewer(user)
    return v.user_id is not None and not v.has_memberships and not v.superuser


def collects_in(user, grid_path: str) -> bool:
    v = viewer(user)
    return v.superuser or covers(v.grid_paths, grid_path)


def may_review(user, wish: Wish) -> bool:
    v = viewer(user)
    return v.superuser or covers(v.review_paths, wish.community.path)


def may_reveal(user, wish: Wish) -> bool:
    v = viewer(user)
    return v.superuser or covers(v.grid_paths, wish.path) or covers(v.review_paths, wish.community.path)


def may_confirm(user, wish: Wish) -> bool:
    """The grid worker of the wish's grid, or the resident who posted it."""
    v = viewer(user)
    if v.user_id is None:
        return False
    return v.superuser or covers(v.grid_paths, wish.path) or wish.posted_by_id == v.user_id


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


@dataclass(frozen=True)
class Claimer:
    """Who a pledge is made for: a party member's own, a paired unit's or a deputy's."""

    kind: str
    member: PartyMember | None = None
    organisation: PartyOrganisation | None = None
    deputy: Deputy | None = None


def own_member(user) -> PartyMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return PartyMember.objects.filter(user=user, status=MemberStatus.ACTIVE).first()


def own_deputy(user) -> Deputy | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Deputy.objects.filter(user=user).first()


def paired_organisation(user, organisation_id: int, community_id: int) -> PartyOrganisation | None:
    """The organisation ``organisation_id`` when ``user`` is its secretary and it is paired
    with the community ``community_id``."""
    if not Membership.objects.filter(
        user=user, role=Role.PARTY_SECRETARY, party_organisation_id=organisation_id
    ).exists():
        return None
    if not Pairing.objects.filter(organisation_id=organisation_id, community_id=community_id).exists():
        return None
    return PartyOrganisation.objects.filter(pk=organisation_id).first()


def claimer_for(user, wish: Wish, *, organisation_id: int | None = None, member=None, deputy=None) -> Claimer:
    """What ``user`` may claim ``wish`` as (403 when nothing): for ``organisation_id``, its
    paired unit; otherwise themself as a party member, else as a deputy covering the wish.
    ``member`` and ``deputy`` are the user's records when already read (claiming many)."""
    if organisation_id is not None:
        organisation = paired_organisation(user, organisation_id, wish.community_id)
        if organisation is None:
            raise PermissionDenied()
        return Claimer("unit", organisation=organisation)
    member = member if member is not None else own_member(user)
    if member is not None:
        return Claimer("member", member=member)
    deputy = deputy if deputy is not None else own_deputy(user)
    if deputy is not None and wish.path.startswith(deputy.path):
        return Claimer("deputy", deputy=deputy)
    raise PermissionDenied()


def access_pledge(user, *, pk: int) -> Pledge:
    """One of the user's own pledges (404 for anyone else's)."""
    user_id = viewer(user).user_id
    found = None
    if user_id is not None:
        found = Pledge.objects.filter(pk=pk, claimer_id=user_id).select_related("wish").first()
    if found is None:
        raise NotFound()
    return found
