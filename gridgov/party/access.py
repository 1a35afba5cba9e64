"""Fetch + authorise party work (ARCHITECTURE §4.2, §6).

- **Manage** (register members, assign grids, define posts, designate central households):
  party secretaries (书记) within their organisation's territory; superusers.
- **See** (masked): besides managers, leaders and grid workers within their territory; a
  member sees their own record, and a central household its own households and visits.
- **Reveal** a personal field in full (an ID number, a phone, a birth date, a household's
  head, address or phone), one field at a time with an audit row: the managers of the
  record's place; a member their own record; a central household its own households.

Missing and invisible are the same 404; visible but not allowed is a 403. Everything is
derived from ``orgs.selectors.membership_rows`` (one query per request) and the user's own
member record (one more, cached on the user).
"""

from dataclasses import dataclass

from django.db.models import Q

from gridgov.core.errors import NotFound, PermissionDenied
from gridgov.core.scoping import collapse, covers, within_any
from gridgov.orgs.models import Role
from gridgov.orgs.selectors import membership_rows

from .models import CentralHousehold, LinkedHousehold, PartyMember, ServicePost, Visit, VolunteerActivity

MANAGE_ROLES = frozenset({Role.PARTY_SECRETARY})
VIEW_ROLES = frozenset({Role.PARTY_SECRETARY, Role.LEADER, Role.GRID_WORKER})

_CACHE = "_gridgov_party_viewer"


@dataclass(frozen=True)
class Viewer:
    user_id: int | None
    superuser: bool
    view_paths: tuple[str, ...]
    manage_paths: tuple[str, ...]
    member_id: int | None  # the user's own member record
    central_id: int | None  # … and their central household, if they are one


_NOBODY = Viewer(None, False, (), (), None, None)


def viewer(user) -> Viewer:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NOBODY
    rows = membership_rows(user)
    cached = user.__dict__.get(_CACHE)
    if cached is not None and cached[0] is rows:
        return cached[1]
    own = PartyMember.objects.filter(user=user).values_list("pk", "central_household__pk").first()
    result = Viewer(
        user_id=user.pk,
        superuser=user.is_superuser,
        view_paths=tuple(collapse(p for role, p, _ in rows if role in VIEW_ROLES)),
        manage_paths=tuple(collapse(p for role, p, _ in rows if role in MANAGE_ROLES)),
        member_id=own[0] if own else None,
        central_id=own[1] if own else None,
    )
    user.__dict__[_CACHE] = (rows, result)
    return result


def _paths_q(paths, field: str = "path") -> Q:
    return within_any(paths, field)


def members_visible_q(user) -> Q:
    """The members ``user`` sees: living or organised within their territory, or themselves."""
    v = viewer(user)
    if v.superuser:
        return Q()
    q = _paths_q(v.view_paths) | _paths_q(v.view_paths, "organisation__path")
    if v.member_id is not None:
        q |= Q(pk=v.member_id)
    return q


def can_manage(user, path: str) -> bool:
    v = viewer(user)
    return v.superuser or covers(v.manage_paths, path)


def require_manage(user, path: str) -> None:
    if not can_manage(user, path):
        raise PermissionDenied()


def require_manager(user) -> None:
    """Refuse (403) a user who manages party work nowhere."""
    v = viewer(user)
    if not (v.superuser or v.manage_paths):
        raise PermissionDenied()


def require_viewer(user) -> Viewer:
    """Refuse (403) a user who sees no party work (neither a territory nor their own record)."""
    v = viewer(user)
    if not (v.superuser or v.view_paths or v.member_id):
        raise PermissionDenied()
    return v


def access_scope(user, path: str) -> str:
    """The territory whose party figures ``user`` reads: ``path``, or their own (the first)
    when none is given; 404 outside theirs, 403 for a user who reads none."""
    v = viewer(user)
    readable = ("",) if v.superuser else v.view_paths
    if not readable:
        raise PermissionDenied()
    if not path:
        return readable[0]
    if not covers(readable, path):
        raise NotFound()
    return path


def manages_member(user, member: PartyMember) -> bool:
    v = viewer(user)
    return (
        v.superuser or covers(v.manage_paths, member.path) or covers(v.manage_paths, member.organisation.path)
    )


def access_member(user, *, pk: int) -> PartyMember:
    member = (
        PartyMember.objects.filter(members_visible_q(user), pk=pk)
        .select_related("organisation", "grid")
        .first()
    )
    if member is None:
        raise NotFound()
    return member


def may_reveal_member(user, member: PartyMember) -> bool:
    return viewer(user).member_id == member.pk or manages_member(user, member)


def centrals_visible_q(user) -> Q:
    v = viewer(user)
    if v.superuser:
        return Q()
    q = _paths_q(v.view_paths)
    if v.central_id is not None:
        q |= Q(pk=v.central_id)
    return q


def access_central(user, *, pk: int) -> CentralHousehold:
    found = (
        CentralHousehold.objects.filter(centrals_visible_q(user), pk=pk)
        .select_related("member", "grid")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def works_for_central(user, central: CentralHousehold) -> bool:
    """Whether ``user`` keeps ``central``'s households and visits: the member themself, their
    grid's worker, or a manager of the place."""
    v = viewer(user)
    if v.superuser or v.central_id == central.pk or covers(v.manage_paths, central.path):
        return True
    rows = membership_rows(user)
    return any(role == Role.GRID_WORKER and central.path.startswith(p) for role, p, _ in rows)


def require_works_for_central(user, central: CentralHousehold) -> None:
    if not works_for_central(user, central):
        raise PermissionDenied()


def access_household(user, *, pk: int) -> LinkedHousehold:
    found = LinkedHousehold.objects.filter(pk=pk).select_related("central").first()
    if (
        found is None
        or not CentralHousehold.objects.filter(centrals_visible_q(user), pk=found.central_id).exists()
    ):
        raise NotFound()
    return found


def access_visit(user, *, pk: int) -> Visit:
    found = Visit.objects.filter(pk=pk).select_related("central", "household").first()
    if (
        found is None
        or not CentralHousehold.objects.filter(centrals_visible_q(user), pk=found.central_id).exists()
    ):
        raise NotFound()
    return found


def _reach_q(user) -> Q:
    """Rows (with ``path`` and ``organisation``) a member may join: within their territory as
    staff, and, as a member, of their own organisation or within the community they live in
    or registered with. Two queries for a member."""
    v = viewer(user)
    if v.superuser:
        return Q()
    q = _paths_q(v.view_paths)
    if v.member_id is not None:
        path, organisation_id = (
            PartyMember.objects.filter(pk=v.member_id).values_list("path", "organisation_id").get()
        )
        places = [path[:12]] if len(path) >= 12 else []
        places += [
            p
            for p in PartyMember.objects.filter(pk=v.member_id).values_list(
                "registrations__community__path", flat=True
            )
            if p
        ]
        q |= _paths_q(places) | Q(organisation_id=organisation_id)
    return q


def posts_visible_q(user) -> Q:
    """Posts within the user's territory, and those a member may take."""
    return _reach_q(user)


def activities_visible_q(user) -> Q:
    """Volunteer activities within the user's territory, and those a member may join."""
    return _reach_q(user)


def access_activity(user, *, pk: int) -> VolunteerActivity:
    found = (
        VolunteerActivity.objects.filter(activities_visible_q(user), pk=pk)
        .select_related("organisation", "place")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_post(user, *, pk: int) -> ServicePost:
    found = ServicePost.objects.filter(posts_visible_q(user), pk=pk).select_related("organisation").first()
    if found is None:
        raise NotFound()
    return found
