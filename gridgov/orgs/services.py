"""Writes to the territory, units, party organisations and memberships."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core.errors import ValidationFailed

from .divisions import Division, city_divisions, validate_city_codes
from .models import (
    GRID_LEVELS,
    ROLE_TARGET,
    CommandCentre,
    HandlingUnit,
    Level,
    Membership,
    OrgUnit,
    PartyKind,
    PartyOrganisation,
    Role,
    UnitKind,
)
from .selectors import forget_scope


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    changes: list[str] = field(default_factory=list)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())


@transaction.atomic
def divisions_import(*, city_codes: list[str]) -> ImportReport:
    """Load the division codes of the named cities into the OrgUnit tree.

    Idempotent (a second run changes nothing) and all-or-nothing (a bad code imports
    nothing). Existing units are matched by path; a changed name is updated.
    """
    validate_city_codes(city_codes)
    divisions: dict[str, Division] = {}
    for code in city_codes:
        for division in city_divisions(code):
            divisions[division.path] = division
    existing = {u.path: u for u in OrgUnit.objects.filter(path__in=list(divisions))}
    report = ImportReport()
    ids = {path: unit.pk for path, unit in existing.items()}
    # Parents come first because paths are shorter: create level by level.
    for length in (2, 4, 6, 9, 12):
        batch = []
        for division in (d for d in divisions.values() if len(d.path) == length):
            unit = existing.get(division.path)
            level = division.level
            if unit is None:
                batch.append(
                    OrgUnit(
                        path=division.path,
                        name=division.name,
                        level=level,
                        parent_id=ids.get(division.parent_path) if division.parent_path else None,
                    )
                )
                report.created[level] = report.created.get(level, 0) + 1
            elif unit.name != division.name or unit.level != level or not unit.is_active:
                report.changes.append(f"{division.path}: {unit.name} → {division.name}")
                unit.name, unit.level, unit.is_active = division.name, level, True
                unit.save(update_fields=["name", "level", "is_active", "updated_at"])
                report.updated[level] = report.updated.get(level, 0) + 1
            else:
                report.unchanged += 1
        for unit in OrgUnit.objects.bulk_create(batch):
            ids[unit.path] = unit.pk
        if batch and any(u.pk is None for u in batch):  # backends that do not return ids
            ids.update(OrgUnit.objects.filter(path__in=[u.path for u in batch]).values_list("path", "pk"))
    return report


@transaction.atomic
def handling_unit_ensure(*, org_unit: OrgUnit, name: str, kind: UnitKind, phone: str = "") -> HandlingUnit:
    unit, _created = HandlingUnit.objects.update_or_create(
        org_unit=org_unit, name=name, defaults={"kind": kind, "phone": phone, "is_active": True}
    )
    return unit


CENTRE_LEVELS = (Level.CITY, Level.COUNTY, Level.STREET)


@transaction.atomic
def command_centre_ensure(*, org_unit: OrgUnit, name: str | None = None) -> CommandCentre:
    if org_unit.level not in CENTRE_LEVELS:
        raise ValidationFailed(
            fields={"org_unit": [_("Command centres exist at street, county and city level only.")]}
        )
    centre, _created = CommandCentre.objects.update_or_create(
        org_unit=org_unit, defaults={"name": name or f"{org_unit.name}指挥中心"}
    )
    return centre


# Which party organisation may sit on which level of the territory.
PARTY_KIND_LEVELS = {
    PartyKind.COUNTY_COMMITTEE: (Level.COUNTY,),
    PartyKind.STREET_COMMITTEE: (Level.STREET,),
    PartyKind.VILLAGE_BRANCH: (Level.COMMUNITY,),
    PartyKind.GRID_BRANCH: GRID_LEVELS,
    PartyKind.PARTY_GROUP: (Level.COMMUNITY, *GRID_LEVELS),
}


@transaction.atomic
def party_organisation_ensure(
    *, org_unit: OrgUnit, name: str, kind: PartyKind, parent: PartyOrganisation | None
) -> PartyOrganisation:
    allowed = PARTY_KIND_LEVELS.get(kind)
    if allowed is not None and org_unit.level not in allowed:
        raise ValidationFailed(
            fields={"org_unit": [_("This kind of party organisation does not serve this level.")]}
        )
    if parent is not None and not org_unit.path.startswith(parent.path):
        raise ValidationFailed(
            fields={"parent": [_("The parent organisation must serve an enclosing area.")]}
        )
    org, _created = PartyOrganisation.objects.update_or_create(
        org_unit=org_unit, name=name, defaults={"kind": kind, "parent": parent}
    )
    return org


@transaction.atomic
def membership_grant(*, user, role: Role, target) -> Membership:
    """Give ``user`` the ``role`` on ``target`` (an OrgUnit, CommandCentre, HandlingUnit or
    PartyOrganisation, as the role requires). Granting twice returns the existing membership."""
    target_field = ROLE_TARGET[Role(role)]
    expected = Membership._meta.get_field(target_field).related_model
    if not isinstance(target, expected):
        raise ValidationFailed(fields={"target": [_("This role is not held on this kind of target.")]})
    existing = Membership.objects.filter(user=user, role=role, **{target_field: target}).first()
    if existing is not None:
        return existing
    membership = Membership(user=user, role=role, **{target_field: target})
    try:
        membership.clean()
    except DjangoValidationError as exc:
        raise ValidationFailed(
            fields={"target": [m for ms in exc.message_dict.values() for m in ms]}
        ) from exc
    membership.save()
    forget_scope(user)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership) -> None:
    membership.delete()
    forget_scope(membership.user)
