"""Who reads which figures (ARCHITECTURE §4.2): whoever sees a territory's cases (command
centres, leaders, grid workers) reads its figures and those of the units within it; a scope
outside the user's is the same 404 as a missing one; a handling unit's people read their own
unit's figures. Derived from ``cases.access.viewer``."""

from gridgov.cases import access as case_access
from gridgov.core.errors import NotFound, PermissionDenied
from gridgov.core.scoping import covers
from gridgov.orgs.models import HandlingUnit, OrgUnit


def scopes(user) -> tuple[str, ...]:
    """The paths whose figures ``user`` reads ("" for everything)."""
    v = case_access.viewer(user)
    if v.superuser:
        return ("",)
    return v.view_paths


def require_reader(user) -> tuple[str, ...]:
    """The user's scopes; a 403 for a user who reads no figures."""
    found = scopes(user)
    if not found:
        raise PermissionDenied()
    return found


def access_scope(user, path: str | None) -> str:
    """The scope asked for (``path``), or the user's own when none is given; 404 when it is
    not the user's or no such territorial unit exists."""
    mine = require_reader(user)
    if not path:
        return mine[0]
    if not covers(mine, path) or not OrgUnit.objects.filter(path=path).exists():
        raise NotFound()
    return path


def access_unit(user, unit_id: int) -> HandlingUnit:
    """The handling unit ``unit_id`` when ``user`` reads its figures: a unit within the user's
    scope, or one of the user's own units; a 404 otherwise (a 403 for a user who reads no
    figures at all)."""
    v = case_access.viewer(user)
    if not (v.superuser or v.view_paths or v.unit_ids):
        raise PermissionDenied()
    unit = HandlingUnit.objects.filter(pk=unit_id).first()
    if unit is None or not (v.superuser or unit.pk in v.unit_ids or covers(v.view_paths, unit.path)):
        raise NotFound()
    return unit
