"""Reads of the enterprise registry, always within the reader's scope (see ``access``).

A list is one query per page: the territorial unit and the liaison cadre come along through
``select_related``.
"""

from django.db.models import Q, QuerySet

from gridgov.core.validators import normalize_uscc

from .access import enterprise_ids_spoken_for, enterprises_visible_q
from .models import Enterprise

LIST_RELATED = ("org_unit", "liaison")


def enterprises_visible(user, q: str = "") -> QuerySet[Enterprise]:
    """The enterprises ``user`` may see, by area then name; ``q`` searches the name (any part)
    and the unified social credit code (its beginning, in any case)."""
    qs = Enterprise.objects.filter(enterprises_visible_q(user))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__startswith=normalize_uscc(q)))
    return qs.select_related(*LIST_RELATED).order_by("path", "name", "pk")


def enterprise_by_uscc(uscc: str) -> Enterprise | None:
    """The enterprise registered under ``uscc`` (unscoped: for services checking duplicates)."""
    return Enterprise.objects.filter(uscc=normalize_uscc(uscc)).first()


def enterprises_spoken_for(user) -> QuerySet[Enterprise]:
    """The active enterprises ``user`` files demands for (as one of its accounts or as its
    liaison cadre), by name."""
    return (
        Enterprise.objects.filter(pk__in=enterprise_ids_spoken_for(user), is_active=True)
        .select_related("org_unit")
        .order_by("name")
    )
