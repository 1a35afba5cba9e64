"""Writes to the catalogue: categories, routing rules and SLA policies."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core.errors import ValidationFailed
from gridgov.orgs.models import HandlingUnit, OrgUnit

from .models import PREFIX_KIND, Category, CategoryKind, RoutingRule, SlaPolicy, Stage, Urgency


@transaction.atomic
def category_create(
    *,
    code: str,
    name: str,
    parent: Category | None = None,
    kind: CategoryKind | str | None = None,
    keywords: str = "",
    questions: list | None = None,
    default_urgency: Urgency | str = Urgency.NORMAL,
    sort_order: int = 0,
    is_active: bool = True,
) -> Category:
    """Add a major category (no ``parent``) or a subcategory. ``kind`` defaults to the
    parent's, or for a major to what the code's first letter says (E event, C component,
    D demand, W directive)."""
    code = code.strip().upper()
    if kind is None:
        kind = parent.kind if parent is not None else PREFIX_KIND.get(code[:1], "")
    category = Category(
        code=code,
        name=name.strip(),
        parent=parent,
        kind=kind,
        keywords=keywords.strip(),
        questions=[] if questions is None else questions,
        default_urgency=default_urgency,
        sort_order=sort_order,
        is_active=is_active,
    )
    try:
        category.full_clean()
    except DjangoValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    category.save()
    return category


@transaction.atomic
def routing_rule_set(
    *,
    category: Category,
    area: OrgUnit,
    handling_unit: HandlingUnit,
    note: str = "",
    auto_dispatch: bool = False,
) -> RoutingRule:
    """Make ``handling_unit`` the default unit for ``category`` within ``area`` (replacing the
    rule for that category and area if there is one); with ``auto_dispatch`` the centre lets
    matching located cases go to it without an operator."""
    errors: dict[str, list[str]] = {}
    if not handling_unit.is_active:
        errors["handling_unit"] = [_("This handling unit is not active.")]
    elif not area.path.startswith(handling_unit.path):
        errors["handling_unit"] = [_("The handling unit must serve the whole area (its territory or above).")]
    if errors:
        raise ValidationFailed(fields=errors)
    rule, _created = RoutingRule.objects.update_or_create(
        category=category,
        area=area,
        defaults={"handling_unit": handling_unit, "note": note, "auto_dispatch": auto_dispatch},
    )
    return rule


@transaction.atomic
def sla_policy_set(
    *,
    category: Category | None,
    urgency: Urgency | str,
    stage: Stage | str,
    limit_minutes: int,
    warn_ratio: float = 0.8,
    around_the_clock: bool = False,
) -> SlaPolicy:
    """Set the limit (working minutes, or plain minutes ``around_the_clock``) and warning share
    for ``category`` (``None``: the default of every category) at ``urgency`` and ``stage``;
    creates or updates the policy."""
    errors: dict[str, list[str]] = {}
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Unknown urgency.")]
    if stage not in Stage.values:
        errors["stage"] = [_("Unknown stage.")]
    if isinstance(limit_minutes, bool) or not isinstance(limit_minutes, int) or limit_minutes <= 0:
        errors["limit_minutes"] = [_("The limit must be a whole number of working minutes above zero.")]
    if isinstance(warn_ratio, bool) or not isinstance(warn_ratio, int | float) or not 0 < warn_ratio < 1:
        errors["warn_ratio"] = [_("The warning share must be between 0 and 1, e.g. 0.8.")]
    if errors:
        raise ValidationFailed(fields=errors)
    policy, _created = SlaPolicy.objects.update_or_create(
        category=category,
        urgency=urgency,
        stage=stage,
        defaults={
            "limit_minutes": limit_minutes,
            "warn_ratio": float(warn_ratio),
            "around_the_clock": bool(around_the_clock),
        },
    )
    return policy
