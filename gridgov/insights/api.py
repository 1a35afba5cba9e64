"""The figures over HTTP, the same numbers the dashboards show: KPIs of a scope and period, a
breakdown by unit, area, category or channel, rankings with the previous period, and the red
list. A scope outside the reader's is a 404; a period too long or backwards is a 400."""

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema

from . import access, kpis, selectors

router = Router(tags=["insights"])


class PeriodIn(Schema):
    """A range (``start``–``end``, inclusive) or a ``period`` (day, week, month) around ``on``."""

    scope: str = ""
    period: str = "month"
    on: date | None = None
    start: date | None = None
    end: date | None = None


class FigureOut(Schema):
    code: str
    label: str
    formula: str
    value: float | None
    numerator: float
    denominator: float
    unit: str
    explanation: str


class PeriodOut(Schema):
    start: date
    end: date
    days: int


class KpisOut(Schema):
    scope: str
    scope_name: str
    period: PeriodOut
    counts: dict[str, int]
    figures: list[FigureOut]


class RowOut(Schema):
    key: str
    name: str
    counts: dict[str, int]
    figures: list[FigureOut]


class BreakdownOut(Schema):
    scope: str
    by: str
    period: PeriodOut
    rows: list[RowOut]


class RankedOut(Schema):
    key: str
    name: str
    rank: int | None
    score: float | None
    previous_rank: int | None
    previous_score: float | None
    change: float | None
    figures: list[FigureOut]


class RankingOut(Schema):
    scope: str
    by: str
    period: PeriodOut
    previous: PeriodOut
    rows: list[RankedOut]


class RedOut(Schema):
    unit: str
    name: str
    overdue: int
    tasks: int


class RedListOut(Schema):
    scope: str
    period: PeriodOut
    rows: list[RedOut]


def _period(q: PeriodIn) -> selectors.Period:
    return selectors.period_parse(
        start=q.start, end=q.end, period=q.period, on=q.on, today=timezone.localdate()
    )


def _period_out(p: selectors.Period) -> PeriodOut:
    return PeriodOut(start=p.start, end=p.end, days=p.days)


def _figures(found: dict[str, kpis.Figure]) -> list[FigureOut]:
    return [FigureOut(**vars(f)) for f in found.values()]


@router.get("/kpis", response=KpisOut, summary="The KPIs of a scope and period, with their formulas")
def kpis_get(request, q: Query[PeriodIn]):
    scope = access.access_scope(request.user, q.scope)
    period = _period(q)
    counts = selectors.totals(scope, period)
    return KpisOut(
        scope=scope,
        scope_name=selectors.scope_name(scope),
        period=_period_out(period),
        counts=counts,
        figures=_figures(kpis.figures(counts)),
    )


@router.get(
    "/breakdown",
    response=BreakdownOut,
    summary="The KPIs by unit, street, community, grid, category or channel",
)
def breakdown_get(request, q: Query[PeriodIn], by: str = "unit"):
    scope = access.access_scope(request.user, q.scope)
    period = _period(q)
    rows = selectors.breakdown(by, scope, period)
    called = selectors.names(by, rows)
    return BreakdownOut(
        scope=scope,
        by=by,
        period=_period_out(period),
        rows=[
            RowOut(key=key, name=called.get(key, key), counts=counts, figures=_figures(kpis.figures(counts)))
            for key, counts in sorted(rows.items(), key=lambda item: called.get(item[0], item[0]))
        ],
    )


@router.get(
    "/rankings", response=RankingOut, summary="Units, streets or communities ranked by composite score"
)
def rankings_get(request, q: Query[PeriodIn], by: str = "unit"):
    scope = access.access_scope(request.user, q.scope)
    period = _period(q)
    return RankingOut(
        scope=scope,
        by=by,
        period=_period_out(period),
        previous=_period_out(period.previous()),
        rows=[
            RankedOut(
                key=r.key,
                name=r.name,
                rank=r.rank,
                score=r.score,
                previous_rank=r.previous_rank,
                previous_score=r.previous_score,
                change=r.change,
                figures=_figures(r.figures),
            )
            for r in selectors.ranking(by, scope, period)
        ],
    )


@router.get("/red-list", response=RedListOut, summary="The units with the most tasks gone overdue")
def red_list_get(request, q: Query[PeriodIn]):
    scope = access.access_scope(request.user, q.scope)
    period = _period(q)
    return RedListOut(
        scope=scope,
        period=_period_out(period),
        rows=[
            RedOut(unit=key, name=name, overdue=overdue, tasks=tasks)
            for key, name, overdue, tasks in selectors.red_list(scope, period)
        ],
    )
