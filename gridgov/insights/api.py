"""The figures over HTTP, the same numbers the dashboards show: KPIs of a scope and period, a
breakdown by unit, area, category or channel, rankings with the previous period, the red list,
one handling unit's KPIs, a scope's KPIs step by step (day, week, month), the live picture and
the big screen's answer. A scope or unit outside the reader's is a 404; a period too long or
backwards is a 400."""

from datetime import date, datetime, timedelta

from django.utils import timezone
from ninja import Query, Router, Schema

from gridgov.cases import selectors as cases
from gridgov.core import periods
from gridgov.core.registry import screen_figures
from gridgov.orgs.models import PATH_LENGTH_LEVEL, Level

from . import access, kpis, report, selectors, services

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
    return periods.period_parse(
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


class UnitKpisOut(Schema):
    unit: int
    name: str
    scope: str
    period: PeriodOut
    previous: PeriodOut
    counts: dict[str, int]
    figures: list[FigureOut]
    previous_figures: list[FigureOut]


@router.get(
    "/units/{unit_id}",
    response=UnitKpisOut,
    summary="One handling unit's KPIs for a period, with the period before",
)
def unit_get(request, unit_id: int, q: Query[PeriodIn]):
    unit = access.access_unit(request.user, unit_id)
    period = _period(q)
    counts = selectors.unit_totals(unit.pk, period)
    return UnitKpisOut(
        unit=unit.pk,
        name=unit.name,
        scope=unit.path,
        period=_period_out(period),
        previous=_period_out(period.previous()),
        counts=counts,
        figures=_figures(kpis.figures(counts)),
        previous_figures=_figures(kpis.figures(selectors.unit_totals(unit.pk, period.previous()))),
    )


class PointOut(Schema):
    start: date
    end: date
    counts: dict[str, int]
    figures: list[FigureOut]


class SeriesOut(Schema):
    scope: str
    step: str
    period: PeriodOut
    points: list[PointOut]


@router.get(
    "/series",
    response=SeriesOut,
    summary="The KPIs of a scope step by step (day, week or month) through a period",
)
def series_get(request, q: Query[PeriodIn], step: str = "day"):
    scope = access.access_scope(request.user, q.scope)
    period = _period(q)
    return SeriesOut(
        scope=scope,
        step=step,
        period=_period_out(period),
        points=[
            PointOut(start=p.start, end=p.end, counts=counts, figures=_figures(kpis.figures(counts)))
            for p, counts in selectors.series(scope, period, step)
        ],
    )


class LiveCaseOut(Schema):
    number: str
    title: str
    category: str
    status: str
    status_display: str
    place: str
    due_at: datetime | None


class UnitLoadOut(Schema):
    unit: int
    name: str
    open: int
    overdue: int


class LiveOut(Schema):
    """What is going on now within the scope (the command centre's dashboard and the map)."""

    scope: str
    at: datetime
    intake_today: int
    open_by_status: dict[str, int]
    overdue: list[LiveCaseOut]
    due_soon: list[LiveCaseOut]
    unit_load: list[UnitLoadOut]
    grid_density: dict[str, int]
    points: list[tuple[str, float, float, str]]


def _live_case(case) -> LiveCaseOut:
    place = case.grid or case.street
    return LiveCaseOut(
        number=case.number,
        title=case.title,
        category=case.category.name,
        status=case.status,
        status_display=str(case.get_status_display()),
        place=place.name if place else case.centre.name,
        due_at=case.due_at,
    )


def live_out(scope: str) -> LiveOut:
    now = timezone.now()
    found = cases.live(scope, now=now)
    return LiveOut(
        scope=scope,
        at=now,
        intake_today=selectors.intake_today(scope, timezone.localdate(now)),
        open_by_status=found.open_by_status,
        overdue=[_live_case(c) for c in found.overdue],
        due_soon=[_live_case(c) for c in found.due_soon],
        unit_load=[UnitLoadOut(unit=u, name=n, open=o, overdue=late) for u, n, o, late in found.unit_load],
        grid_density=found.grid_density,
        points=found.points,
    )


@router.get(
    "/live", response=LiveOut, summary="What is going on now: intake, open, overdue, unit load, the map"
)
def live_get(request, scope: str = ""):
    return live_out(access.access_scope(request.user, scope))


class TrendOut(Schema):
    day: date
    cases: int
    rated: int


class NamedCountOut(Schema):
    name: str
    value: float


class ScreenOut(Schema):
    """Everything the big screen (大屏) shows, in one answer."""

    scope: str
    scope_name: str
    at: datetime
    period: PeriodOut
    figures: list[FigureOut]
    trend: list[TrendOut]
    categories: list[NamedCountOut]
    channels: list[NamedCountOut]
    units: list[NamedCountOut]
    areas: list[NamedCountOut]
    intake_today: int
    open: int
    overdue_now: int
    contributions: list[NamedCountOut]


def screen_out(scope: str) -> ScreenOut:
    today = timezone.localdate()
    month = periods.period_parse(start=None, end=None, period="month", on=None, today=today)
    last30 = selectors.Period(today - timedelta(days=29), today)
    counts = selectors.totals(scope, month)
    mixes = scope == "" or len(scope) in services.MIX_SCOPE_LENGTHS
    by_category = selectors.breakdown("category", scope, month) if mixes else {}
    by_channel = selectors.breakdown("channel", scope, month) if mixes else {}
    category_names, channel_names = (
        selectors.names("category", by_category),
        selectors.names("channel", by_channel),
    )
    below = report.AREAS_BELOW.get(
        PATH_LENGTH_LEVEL.get(len(scope), Level.PROVINCE) if scope else Level.PROVINCE
    )
    live = cases.live(scope, points=0, limit=0)
    return ScreenOut(
        scope=scope,
        scope_name=selectors.scope_name(scope),
        at=timezone.now(),
        period=_period_out(month),
        figures=_figures(kpis.figures(counts)),
        trend=[TrendOut(day=d, cases=n, rated=r) for d, n, r in selectors.trend(scope, last30)],
        categories=[
            NamedCountOut(name=category_names.get(k, k), value=c["cases"])
            for k, c in sorted(by_category.items(), key=lambda item: -item[1]["cases"])[:8]
            if c["cases"]
        ],
        channels=[
            NamedCountOut(name=channel_names.get(k, k), value=c["cases"])
            for k, c in by_channel.items()
            if c["cases"]
        ],
        units=[
            NamedCountOut(name=r.name, value=round(r.score, 1))
            for r in selectors.ranking("unit", scope, month)[:10]
            if r.score is not None
        ],
        areas=[
            NamedCountOut(name=r.name, value=round(r.score, 1))
            for r in (selectors.ranking(below, scope, month) if below else [])[:10]
            if r.score is not None
        ],
        intake_today=selectors.intake_today(scope, today),
        open=sum(live.open_by_status.values()),
        overdue_now=live.overdue_count,
        contributions=[NamedCountOut(name=str(f.label), value=f.value) for f in screen_figures(scope)],
    )


@router.get("/screen", response=ScreenOut, summary="Everything the big screen (大屏) shows")
def screen_get(request, scope: str = ""):
    return screen_out(access.access_scope(request.user, scope))
