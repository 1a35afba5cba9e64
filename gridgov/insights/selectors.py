"""Reads of the figures: sums of rollup rows over a period, never the case table.

A period is read as the calendar months it covers whole (``MonthRollup``) and the days at its
edges (``Rollup``), in one statement (``_summed``). Every function is one query (plus one for
the names shown), whatever the number of cases behind it."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import IntegerField, Q, Sum
from django.utils.translation import gettext as _

from gridgov.cases.models import Channel
from gridgov.catalogue.models import Category
from gridgov.core.errors import ValidationFailed
from gridgov.core.periods import Period
from gridgov.core.scoping import within
from gridgov.orgs.models import LEVEL_PATH_LENGTH, PATH_LENGTH_LEVEL, HandlingUnit, Level, OrgUnit

from . import kpis
from .models import COUNTERS, Dimension, MonthRollup, Rollup
from .services import MIX_SCOPE_LENGTHS, month_end, month_of

_SUMS = {name: Sum(name, output_field=IntegerField()) for name in COUNTERS}

#: What a breakdown may be by: a dimension, and for areas the level of the rows.
BREAKDOWNS = {
    "unit": (Dimension.UNIT, None),
    "street": (Dimension.AREA, Level.STREET),
    "community": (Dimension.AREA, Level.COMMUNITY),
    "grid": (Dimension.AREA, Level.GRID2),
    "category": (Dimension.CATEGORY, None),
    "channel": (Dimension.CHANNEL, None),
}
#: What a ranking may rank.
RANKINGS = ("unit", "street", "community")


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


def _scope_rows(scope: str):
    """The area rows that make up ``scope``'s totals ("" : the provinces)."""
    return Q(key=scope) if scope else Q(key__in=_province_paths())


def _parts(period: Period) -> list[tuple[type, str, date, date]]:
    """``period`` as (model, date field, first, last): the months it covers whole, and the days
    before and after them."""
    first = period.start if period.start.day == 1 else month_end(period.start) + timedelta(days=1)
    after = period.end + timedelta(days=1)
    last = period.end if after.day == 1 else month_of(period.end) - timedelta(days=1)
    if first > last:
        return [(Rollup, "day", period.start, period.end)]
    parts = [(MonthRollup, "month", first, month_of(last))]
    if period.start < first:
        parts.append((Rollup, "day", period.start, first - timedelta(days=1)))
    if last < period.end:
        parts.append((Rollup, "day", last + timedelta(days=1), period.end))
    return parts


def _summed(where: Q, period: Period, by: str) -> dict[str, dict[str, int]]:
    """The counters of the rows matching ``where`` during ``period``, summed by the field
    ``by``: one statement (a UNION ALL of the months and the edge days)."""
    queries = [
        model.objects.filter(where, **{f"{field}__range": (first, last)})
        .values(by)
        .annotate(**_SUMS)
        .order_by()
        for model, field, first, last in _parts(period)
    ]
    found: dict[str, dict[str, int]] = {}
    for row in queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]:
        into = found.setdefault(row.pop(by), _zero())
        for name in COUNTERS:
            into[name] += row[name] or 0
    return found


def totals(scope: str, period: Period) -> dict[str, int]:
    """The counters of every case reported in ``scope`` during ``period``. One query (an index
    range on (dimension, key, day) and (dimension, key, month))."""
    found = _summed(_scope_rows(scope) & Q(dimension=Dimension.AREA), period, "dimension")
    return found.get(Dimension.AREA, _zero())


def breakdown(by: str, scope: str, period: Period) -> dict[str, dict[str, int]]:
    """The counters within ``scope`` during ``period`` by ``by`` (a key of ``BREAKDOWNS``),
    keyed by the area's path, the unit's id, the category's code or the channel. One query."""
    if by not in BREAKDOWNS:
        raise ValidationFailed(
            fields={"by": [_("Choose one of: %(names)s.") % {"names": ", ".join(BREAKDOWNS)}]}
        )
    dimension, level = BREAKDOWNS[by]
    where = Q(dimension=dimension)
    if dimension == Dimension.AREA:
        length = LEVEL_PATH_LENGTH[level]
        if scope and len(scope) >= length:
            raise ValidationFailed(fields={"by": [_("Choose a level below the scope's.")]})
        where &= Q(depth=length) & (within(scope, "scope") if scope else Q())
    elif dimension == Dimension.UNIT:
        where &= Q(depth=0) & (within(scope, "scope") if scope else Q())
    else:
        if scope and len(scope) not in MIX_SCOPE_LENGTHS:
            raise ValidationFailed(
                fields={"by": [_("Categories and channels are counted for streets and above.")]}
            )
        where &= Q(depth=0) & (Q(scope=scope) if scope else Q(scope__in=_province_paths()))
    return _summed(where, period, "key")


def _province_paths():
    return OrgUnit.objects.filter(level=Level.PROVINCE).values("path")


def names(by: str, keys) -> dict[str, str]:
    """What to call the keys of a breakdown. One query (none for channels)."""
    keys = list(keys)
    dimension, _level = BREAKDOWNS[by]
    if dimension == Dimension.AREA:
        return dict(OrgUnit.objects.filter(path__in=keys).values_list("path", "name"))
    if dimension == Dimension.UNIT:
        ids = [int(k) for k in keys]
        return {
            str(pk): name for pk, name in HandlingUnit.objects.filter(pk__in=ids).values_list("pk", "name")
        }
    if dimension == Dimension.CATEGORY:
        return dict(Category.objects.filter(code__in=keys).values_list("code", "name"))
    labels = dict(Channel.choices)
    return {k: str(labels.get(k, k)) for k in keys}


@dataclass(frozen=True)
class Ranked:
    key: str
    name: str
    rank: int | None  # None: no score in the period
    score: float | None
    previous_rank: int | None
    previous_score: float | None
    figures: dict[str, kpis.Figure]

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score


def _ranks(rows: dict[str, dict[str, int]]) -> dict[str, tuple[int | None, float | None, dict]]:
    scored = {key: kpis.figures(counts) for key, counts in rows.items()}
    order = sorted(
        (key for key in scored if scored[key]["composite"].value is not None),
        key=lambda key: (-scored[key]["composite"].value, key),
    )
    ranks = {key: i + 1 for i, key in enumerate(order)}
    return {key: (ranks.get(key), figs["composite"].value, figs) for key, figs in scored.items()}


def ranking(by: str, scope: str, period: Period) -> list[Ranked]:
    """``by`` (units, streets or communities) within ``scope`` ranked by composite score for
    ``period``, with the previous period's rank and score. Three queries."""
    if by not in RANKINGS:
        raise ValidationFailed(
            fields={"by": [_("Choose one of: %(names)s.") % {"names": ", ".join(RANKINGS)}]}
        )
    now, before = _ranks(breakdown(by, scope, period)), _ranks(breakdown(by, scope, period.previous()))
    called = names(by, now)
    rows = [
        Ranked(
            key=key,
            name=called.get(key, key),
            rank=rank,
            score=score,
            previous_rank=before.get(key, (None, None, None))[0],
            previous_score=before.get(key, (None, None, None))[1],
            figures=figs,
        )
        for key, (rank, score, figs) in now.items()
    ]
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.name))


def red_list(scope: str, period: Period, limit: int = 10) -> list[tuple[str, str, int, int]]:
    """The units within ``scope`` with the most tasks gone overdue in ``period``: (id, name,
    overdue, tasks), worst first. Two queries."""
    rows = breakdown("unit", scope, period)
    worst = sorted(
        ((key, c["overdue"], c["tasks"]) for key, c in rows.items() if c["overdue"]),
        key=lambda r: (-r[1], r[0]),
    )[:limit]
    called = names("unit", [key for key, _n, _t in worst])
    return [(key, called.get(key, key), overdue, tasks) for key, overdue, tasks in worst]


def scope_name(scope: str) -> str:
    """The territorial unit's name ("全部" for everything). One query."""
    if not scope:
        return _("everywhere")
    return OrgUnit.objects.filter(path=scope).values_list("name", flat=True).first() or scope


def scope_trail(scope: str, readable) -> list[tuple[str, str]]:
    """The way down to ``scope`` from the reader's own scope above it (``readable``: the
    reader's paths, "" for everything), as (path, name), ``scope`` last. One query."""
    top = next((path for path in readable if scope.startswith(path)), scope)
    paths = [scope[:n] for n in sorted(PATH_LENGTH_LEVEL) if len(top) <= n <= len(scope)]
    called = dict(OrgUnit.objects.filter(path__in=paths).values_list("path", "name"))
    trail = [("", _("everywhere"))] if top == "" else []
    return trail + [(path, called[path]) for path in paths if path in called]


def areas_within(scope: str) -> list[tuple[str, str]]:
    """The active territorial units one level below ``scope`` (the provinces below ""), as
    (path, name). One query."""
    below = (
        OrgUnit.objects.filter(parent__path=scope) if scope else OrgUnit.objects.filter(level=Level.PROVINCE)
    )
    return list(below.filter(is_active=True).order_by("path").values_list("path", "name"))


def unit_totals(unit_id: int, period: Period) -> dict[str, int]:
    """The counters of one handling unit during ``period``: its tasks, and the cases it worked
    on. One query."""
    return _summed(Q(dimension=Dimension.UNIT, key=str(unit_id)), period, "key").get(str(unit_id), _zero())


#: The steps of a series.
STEPS = ("day", "week", "month")


def series(scope: str, period: Period, step: str) -> list[tuple[Period, dict[str, int]]]:
    """``period`` cut into days, weeks (from Monday) or calendar months, each cut to the period,
    with the counters of the cases reported within ``scope`` in it; every step present, empty
    or not. One query (a scope's rows of the period's days, at most ``GRIDGOV_KPI_MAX_DAYS``)."""
    if step not in STEPS:
        raise ValidationFailed(fields={"step": [_("Choose day, week or month.")]})
    by_day = {
        row.pop("day"): row
        for row in Rollup.objects.filter(
            _scope_rows(scope), dimension=Dimension.AREA, day__range=(period.start, period.end)
        )
        .values("day")
        .annotate(**_SUMS)
        .order_by()
    }
    found = []
    start = period.start
    while start <= period.end:
        if step == "day":
            end = start
        elif step == "week":
            end = start + timedelta(days=6 - start.weekday())
        else:
            end = month_end(start)
        end = min(end, period.end)
        counts = _zero()
        for i in range((end - start).days + 1):
            row = by_day.get(start + timedelta(days=i))
            for name in COUNTERS if row else ():
                counts[name] += row[name] or 0
        found.append((Period(start, end), counts))
        start = end + timedelta(days=1)
    return found


def trend(scope: str, period: Period) -> list[tuple[date, int, int]]:
    """Day by day in ``period``: (day, cases reported, of them rated), every day present. One
    query."""
    return [(p.start, c["cases"], c["rated"]) for p, c in series(scope, period, "day")]


def intake_today(scope: str, today: date) -> int:
    """Cases reported today within ``scope``, from the rollups (as far as the last refresh, a
    minute behind at most): an index range, where counting the case table would read every
    case of a large territory. One query."""
    return totals(scope, Period(today, today))["cases"]
