"""Writes to the enterprise registry. Every write is one transaction; bad input is a
``ValidationFailed`` with translated field messages (a duplicate code included, never an
``IntegrityError``); a user who may not change the enterprise gets ``PermissionDenied``."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.core.errors import ValidationFailed
from gridgov.orgs.models import OrgUnit

from . import access
from .models import Enterprise, Industry, Size


def _validate_and_save(enterprise: Enterprise, *, errors: dict[str, list[str]] | None = None) -> Enterprise:
    """Check every field (ours and the model's), then save; a concurrent registration of the
    same code is reported like any duplicate."""
    errors = dict(errors or {})
    enterprise.normalise()
    try:
        enterprise.full_clean(exclude=["path", *errors])
    except DjangoValidationError as exc:
        for name, messages in ValidationFailed.from_django(exc).fields.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationFailed(fields=errors)
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            enterprise.save()
    except IntegrityError as exc:
        if not Enterprise.objects.filter(uscc=enterprise.uscc).exclude(pk=enterprise.pk).exists():
            raise
        message = Enterprise._meta.get_field("uscc").error_messages["unique"]
        raise ValidationFailed(fields={"uscc": [str(message)]}) from exc
    return enterprise


def _unit_errors(org_unit: OrgUnit | None) -> dict[str, list[str]]:
    if org_unit is None:
        return {"org_unit": [_("Choose the territorial unit the enterprise is in.")]}
    return {}


@transaction.atomic
def enterprise_create(
    *,
    actor,
    name: str,
    uscc: str,
    industry: Industry | str,
    size: Size | str,
    org_unit: OrgUnit | None,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    liaison=None,
) -> Enterprise:
    """Register an enterprise in ``org_unit`` (a street/town or below). The actor must be a
    command-centre operator or leader whose scope covers that unit."""
    access.require_registrar(actor)
    if org_unit is not None:
        access.require_manage(actor, org_unit.path)
    enterprise = Enterprise(
        name=(name or "").strip(),
        uscc=uscc or "",
        industry=industry or "",
        size=size or "",
        org_unit=org_unit,
        address=(address or "").strip(),
        contact_name=(contact_name or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        liaison=liaison,
    )
    return _validate_and_save(enterprise, errors=_unit_errors(org_unit))


@transaction.atomic
def enterprise_update(
    *,
    actor,
    enterprise: Enterprise,
    name: str | None = None,
    uscc: str | None = None,
    industry: Industry | str | None = None,
    size: Size | str | None = None,
    org_unit: OrgUnit | None = None,
    address: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    is_active: bool | None = None,
) -> Enterprise:
    """Change what is given (``None`` leaves a field as it is; ``""`` clears an optional one).
    Moving the enterprise needs the right to change enterprises in both units."""
    access.require_manage(actor, enterprise.path)
    if org_unit is not None and org_unit.pk != enterprise.org_unit_id:
        access.require_manage(actor, org_unit.path)
        enterprise.org_unit = org_unit
    changes = {
        "name": name,
        "uscc": uscc,
        "industry": industry,
        "size": size,
        "address": address,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
    }
    for field, value in changes.items():
        if value is not None:
            setattr(enterprise, field, value.strip())
    if is_active is not None:
        enterprise.is_active = bool(is_active)
    return _validate_and_save(enterprise)


@transaction.atomic
def enterprise_liaison_set(*, actor, enterprise: Enterprise, liaison) -> Enterprise:
    """Make ``liaison`` (a cadre: an active user holding a role) the enterprise's liaison cadre
    (包保干部), or remove the liaison with ``None``."""
    access.require_manage(actor, enterprise.path)
    enterprise.liaison = liaison
    return _validate_and_save(enterprise)
