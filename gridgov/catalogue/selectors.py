"""Reads of the catalogue: what can be reported, where it goes by default, how long it may take."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from gridgov.core.cached import cached
from gridgov.core.errors import NotFound
from gridgov.core.pinyin import initials, may_be_initials
from gridgov.orgs.models import HandlingUnit, path_prefixes

from .models import REPORTABLE_KINDS, Category, RoutingRule, SlaPolicy

#: The name under which categories and SLA policies are cached (``core.cached``).
CATALOGUE = "catalogue"

MAX_QUERY_TERMS = 5


def categories_reportable(*, q: str = "") -> QuerySet[Category]:
    """Active event and component subcategories of active majors, with the major selected, in
    catalogue order.

    ``q`` is split on whitespace; every term must match the name, code, keywords or the
    major's name (case-insensitive), or, for a term of Latin letters, the pinyin initials of
    the name or the major's ("lj" finds 垃圾满溢). One query, two with such a term.
    """
    qs = Category.objects.filter(
        parent__isnull=False, is_active=True, parent__is_active=True, kind__in=REPORTABLE_KINDS
    )
    terms = q.split()[:MAX_QUERY_TERMS]
    spelled = None
    if any(may_be_initials(term) for term in terms):
        spelled = {
            pk: f"{initials(name)} {initials(major)}"
            for pk, name, major in qs.values_list("pk", "name", "parent__name")
        }
    for term in terms:
        match = (
            Q(name__icontains=term)
            | Q(code__icontains=term)
            | Q(keywords__icontains=term)
            | Q(parent__name__icontains=term)
        )
        if spelled is not None and may_be_initials(term):
            match |= Q(pk__in=[pk for pk, letters in spelled.items() if term.lower() in letters])
        qs = qs.filter(match)
    return qs.select_related("parent").order_by("parent__sort_order", "parent__code", "sort_order", "code")


def categories_usable(kind: str) -> QuerySet[Category]:
    """Active subcategories of active majors of one kind (an enterprise's demand types, the
    kinds of directive), with the major selected, in catalogue order."""
    return (
        Category.objects.filter(parent__isnull=False, is_active=True, parent__is_active=True, kind=kind)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )


def category_active(code: str) -> Category | None:
    """An active category (major or subcategory) by code, with its major selected, or ``None``;
    kept in the cache (``core.cached``): reports look their category up on every write."""
    code = (code or "").strip().upper()
    return cached(
        CATALOGUE,
        f"category:{code}",
        lambda: Category.objects.filter(code=code, is_active=True).select_related("parent").first(),
    )


def categories_by_id() -> dict[int, Category]:
    """Every category by primary key, with its major (a few dozen rows), from the cache."""
    return cached(
        CATALOGUE, "all", lambda: {c.pk: c for c in Category.objects.select_related("parent").order_by()}
    )


def category_get(*, code: str) -> Category:
    """One category (any: major or subcategory, active or not) by code, with its major selected."""
    category = Category.objects.select_related("parent").filter(code=code.strip().upper()).first()
    if category is None:
        raise NotFound()
    return category


def _category_ids(category: Category) -> list[int]:
    return [category.pk] if category.parent_id is None else [category.pk, category.parent_id]


def routing_suggest(*, category: Category, path: str) -> HandlingUnit | None:
    """The default handling unit for a case of ``category`` located at ``path``.

    Among the rules of the category and of its major whose area contains ``path``, the most
    specific area wins (the longest area path); at the same area the subcategory's rule wins
    over the major's. Rules naming an inactive unit are skipped. One query.
    """
    rule = routing_rule(category=category, path=path)
    return rule.handling_unit if rule is not None else None


def routing_auto_unit(*, category: Category, path: str) -> HandlingUnit | None:
    """The unit a case of ``category`` at ``path`` goes to without an operator: the winning rule's
    (as ``routing_suggest``) when that rule is marked to dispatch automatically. Kept in the cache
    (``core.cached``), as every report asks."""
    rule = cached(
        CATALOGUE, f"route:{category.pk}:{path}", lambda: routing_rule(category=category, path=path)
    )
    return rule.handling_unit if rule is not None and rule.auto_dispatch else None


def routing_rule(*, category: Category, path: str) -> RoutingRule | None:
    """The winning routing rule (see ``routing_suggest``), its unit selected. One query."""
    return (
        RoutingRule.objects.filter(
            category_id__in=_category_ids(category),
            area_path__in=path_prefixes(path),
            handling_unit__is_active=True,
        )
        .select_related("handling_unit")
        .annotate(
            own=Case(
                When(category_id=category.pk, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        # Prefixes of one path sort like their lengths, so "-area_path" is most specific first.
        .order_by("-area_path", "own")
        .first()
    )


def _sla_policies(category: Category):
    ids = _category_ids(category)
    rank = [When(category_id=pk, then=Value(n)) for n, pk in enumerate(ids)]
    return SlaPolicy.objects.filter(Q(category_id__in=ids) | Q(category__isnull=True)).annotate(
        rank=Case(*rank, default=Value(len(ids)), output_field=IntegerField())
    )


def sla_policy(*, category: Category, urgency: str, stage: str) -> SlaPolicy | None:
    """The limit that applies to ``category`` at ``urgency`` and ``stage``: the category's own
    policy, else its major's, else the default (no category); ``None`` when there is none.
    At most one query: the answer is kept in the cache (``core.cached``)."""
    return cached(
        CATALOGUE,
        f"sla:{category.pk}:{urgency}:{stage}",
        lambda: _sla_policies(category).filter(urgency=urgency, stage=stage).order_by("rank").first(),
    )


def sla_policies(*, category: Category, urgency: str) -> dict[str, SlaPolicy]:
    """The applicable policy of every stage for ``category`` at ``urgency`` (stage → policy),
    resolved as in ``sla_policy``. One query."""
    result: dict[str, SlaPolicy] = {}
    for policy in _sla_policies(category).filter(urgency=urgency).order_by("-rank"):
        result[policy.stage] = policy  # more specific rows come last and win
    return result
