"""Fetch + authorise enterprises (ARCHITECTURE §4.2, §6).

- **See** an enterprise: command-centre operators, leaders and grid workers whose membership
  covers its path; its liaison cadre (包保干部), wherever they sit; superusers. Missing and
  invisible are the same 404.
- **Register or change** one: command-centre operators and leaders whose membership covers its
  territorial unit (both the old and the new unit when it moves); superusers. A visible
  enterprise the user may not change is a 403.
- **Contact in full** (name and phone of the contact person): the liaison cadre and the
  command centres covering the enterprise; everyone else sees them masked.
- **Speak for** it (file its demands): its own accounts and its liaison cadre; only its
  accounts rate the answers (``speaks_for``).

Everything is derived from ``orgs.selectors.membership_rows`` (one query per request).
"""

from dataclasses import dataclass

from django.db.models import Q

from gridgov.core.errors import NotFound, PermissionDenied
from gridgov.core.scoping import collapse, covers, within_any
from gridgov.orgs.models import Role
from gridgov.orgs.selectors import membership_rows

from .models import Enterprise

#: Roles that see the enterprises within their scope.
VIEW_ROLES = frozenset({Role.CENTRE_OPERATOR, Role.LEADER, Role.GRID_WORKER})
#: Roles that register and change the enterprises within their scope.
MANAGE_ROLES = frozenset({Role.CENTRE_OPERATOR, Role.LEADER})
#: Roles that see a contact person in full within their scope (besides the liaison cadre).
CONTACT_ROLES = frozenset({Role.CENTRE_OPERATOR})


@dataclass(frozen=True)
class Viewer:
    """What one user's memberships mean for enterprises."""

    user_id: int | None
    superuser: bool
    view_paths: tuple[str, ...]
    manage_paths: tuple[str, ...]
    contact_paths: tuple[str, ...]


_NOBODY = Viewer(None, False, (), (), ())


_CACHE = "_gridgov_enterprise_viewer"


def viewer(user) -> Viewer:
    """Derived from the user's membership rows and kept on the user beside them: when
    ``orgs.selectors.forget_scope`` drops the rows (memberships changed), this is derived anew."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NOBODY
    rows = membership_rows(user)
    cached = user.__dict__.get(_CACHE)
    if cached is not None and cached[0] is rows:
        return cached[1]

    def paths(roles) -> tuple[str, ...]:
        return tuple(collapse(path for role, path, _ in rows if role in roles))

    result = Viewer(
        user_id=user.pk,
        superuser=user.is_superuser,
        view_paths=paths(VIEW_ROLES),
        manage_paths=paths(MANAGE_ROLES),
        contact_paths=paths(CONTACT_ROLES),
    )
    user.__dict__[_CACHE] = (rows, result)
    return result


def enterprises_visible_q(user) -> Q:
    """The filter for enterprises ``user`` may see (index ranges on ``path``, or their own)."""
    v = viewer(user)
    if v.superuser:
        return Q()
    q = within_any(v.view_paths)
    if v.user_id is not None:
        q |= Q(liaison_id=v.user_id) | Q(pk__in=enterprise_ids_spoken_for(user))
    return q


def can_see_enterprise(user, enterprise: Enterprise) -> bool:
    v = viewer(user)
    return (
        v.superuser
        or (v.user_id is not None and enterprise.liaison_id == v.user_id)
        or covers(v.view_paths, enterprise.path)
        or speaks_for(user, enterprise.pk, liaison=False)
    )


def can_manage(user, path: str) -> bool:
    """Whether ``user`` may register or change enterprises in the unit with ``path``."""
    v = viewer(user)
    return v.superuser or covers(v.manage_paths, path)


def require_registrar(user) -> None:
    """Refuse (403) a user who may register enterprises nowhere."""
    v = viewer(user)
    if not (v.superuser or v.manage_paths):
        raise PermissionDenied()


def require_manage(user, path: str) -> None:
    if not can_manage(user, path):
        raise PermissionDenied()


def sees_contact(user, enterprise: Enterprise) -> bool:
    """Whether ``user`` sees the contact person's name and phone unmasked."""
    v = viewer(user)
    return (v.user_id is not None and enterprise.liaison_id == v.user_id) or covers(
        v.contact_paths, enterprise.path
    )


def access_enterprise(user, *, pk: int) -> Enterprise:
    enterprise = Enterprise.objects.filter(pk=pk).select_related("org_unit", "liaison").first()
    if enterprise is None or not can_see_enterprise(user, enterprise):
        raise NotFound()
    return enterprise


def enterprise_ids_spoken_for(user):
    """The ids of the enterprises ``user`` files demands for (as one of its accounts or as its
    liaison cadre), as a subquery: a filter ``enterprise_id__in=`` stays one query."""
    uid = getattr(user, "pk", None)
    return Enterprise.objects.filter(Q(accounts=uid) | Q(liaison_id=uid)).values("pk")


def speaks_for(user, enterprise_id: int | None, *, liaison: bool = True) -> bool:
    """Whether ``user`` is one of the enterprise's accounts (or, with ``liaison``, its liaison
    cadre). One query."""
    if enterprise_id is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    q = Q(accounts=user.pk) | Q(liaison_id=user.pk) if liaison else Q(accounts=user.pk)
    return Enterprise.objects.filter(q, pk=enterprise_id).exists()
