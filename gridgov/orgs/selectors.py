"""Reads of the territory, units and memberships, always within the reader's scope."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from gridgov.core.scoping import collapse, within, within_any

from .models import (
    GRID_LEVELS,
    CommandCentre,
    HandlingUnit,
    Membership,
    OrgUnit,
    PartyOrganisation,
    Role,
    path_prefixes,
)

_SCOPE_CACHE = "_gridgov_scope"
_ROLES_CACHE = "_gridgov_roles"


_ROWS_CACHE = "_gridgov_membership_rows"


def membership_rows(user) -> list[tuple[str, str, int | None]]:
    """``(role, path, handling_unit_id)`` of each of the user's memberships: one query per
    request, shared by everything that derives what the user may see or do."""
    if _ROWS_CACHE not in user.__dict__:
        user.__dict__[_ROWS_CACHE] = list(
            Membership.objects.filter(user=user).order_by().values_list("role", "path", "handling_unit_id")
        )
    return user.__dict__[_ROWS_CACHE]


def _load(user) -> None:
    rows = membership_rows(user)
    setattr(user, _ROLES_CACHE, frozenset(role for role, _, _ in rows))
    setattr(user, _SCOPE_CACHE, collapse(path for _, path, _ in rows))


def forget_scope(user) -> None:
    """Drop what is cached on ``user`` about their memberships (after they changed)."""
    for name in (_SCOPE_CACHE, _ROLES_CACHE, _ROWS_CACHE, "_gridgov_case_viewer"):
        user.__dict__.pop(name, None)


def user_scope(user) -> list[str]:
    """The user's data scope: the collapsed union of their memberships' paths.

    Superusers see everything (the empty prefix); anonymous users and residents without a
    membership see nothing. Cached on the user object for the request.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return [""]
    if not hasattr(user, _SCOPE_CACHE):
        _load(user)
    return getattr(user, _SCOPE_CACHE)


def user_roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if not hasattr(user, _ROLES_CACHE):
        _load(user)
    return getattr(user, _ROLES_CACHE)


def has_role(user, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))


def scope_q(user, field: str = "path") -> Q:
    """A filter for rows inside the user's scope (index ranges on ``field``)."""
    return within_any(user_scope(user), field)


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related(
        "org_unit", "command_centre__org_unit", "handling_unit__org_unit", "party_organisation__org_unit"
    )


def org_units_visible(user) -> QuerySet[OrgUnit]:
    """Units inside the user's scope."""
    return OrgUnit.objects.filter(scope_q(user))


def org_unit_children(user, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return org_units_visible(user).filter(parent=unit, is_active=True)


def org_units_roots(user) -> QuerySet[OrgUnit]:
    """The top units of the user's scope (one per scope path)."""
    paths = user_scope(user)
    if paths == [""]:
        return OrgUnit.objects.filter(parent__isnull=True)
    return OrgUnit.objects.filter(path__in=paths)


def org_units_above(path: str) -> QuerySet[OrgUnit]:
    """The chain from the province down to the parent of ``path``, by path prefixes (one query)."""
    return OrgUnit.objects.filter(path__in=path_prefixes(path, inclusive=False)).order_by("path")


def org_unit_ancestors(unit: OrgUnit) -> QuerySet[OrgUnit]:
    return org_units_above(unit.path)


def org_units_within(path: str) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(within(path))


@dataclass
class Attachments:
    command_centre: CommandCentre | None
    handling_units: list[HandlingUnit]
    party_organisations: list[PartyOrganisation]


def org_unit_attachments(unit: OrgUnit) -> Attachments:
    """What is attached to one unit: its command centre, handling units, party organisations."""
    return Attachments(
        command_centre=CommandCentre.objects.filter(org_unit=unit).first(),
        handling_units=list(HandlingUnit.objects.filter(org_unit=unit, is_active=True).order_by("name")),
        party_organisations=list(PartyOrganisation.objects.filter(org_unit=unit).order_by("kind", "name")),
    )


def party_figures(path: str) -> dict[str, int]:
    """The territory at ``path`` ("" for everywhere): party organisations, grids and grid
    workers (the party members themselves are the ``party`` app's). Three queries."""
    scope = within(path) if path else Q()
    organisations = PartyOrganisation.objects.filter(scope).count()
    grid_workers = Membership.objects.filter(scope, role=Role.GRID_WORKER).aggregate(
        n=Count("user_id", distinct=True)
    )["n"]
    grids = OrgUnit.objects.filter(scope, level__in=GRID_LEVELS, is_active=True).count()
    return {"party_organisations": organisations, "grids": grids, "grid_workers": grid_workers}
