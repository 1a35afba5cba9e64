"""Fetch + authorise, one function per object type (ARCHITECTURE §4.2).

Missing and out-of-scope objects raise the same ``NotFound`` (→ 404)."""

from gridgov.core.errors import NotFound
from gridgov.core.scoping import covers

from .models import CommandCentre, HandlingUnit, OrgUnit, PartyOrganisation
from .selectors import user_scope


def _in_scope(user, obj):
    if obj is None or not covers(user_scope(user), obj.path):
        raise NotFound()
    return obj


def access_org_unit(user, *, pk=None, path=None) -> OrgUnit:
    lookup = {"pk": pk} if pk is not None else {"path": path}
    return _in_scope(user, OrgUnit.objects.filter(**lookup).select_related("parent").first())


def access_handling_unit(user, *, pk) -> HandlingUnit:
    return _in_scope(user, HandlingUnit.objects.filter(pk=pk).select_related("org_unit").first())


def access_command_centre(user, *, pk) -> CommandCentre:
    return _in_scope(user, CommandCentre.objects.filter(pk=pk).select_related("org_unit").first())


def access_party_organisation(user, *, pk) -> PartyOrganisation:
    return _in_scope(
        user, PartyOrganisation.objects.filter(pk=pk).select_related("org_unit", "parent").first()
    )
