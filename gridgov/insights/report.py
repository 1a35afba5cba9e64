"""The monthly report of a scope (a command centre's territory): the KPIs against the month
before, the units and the areas below ranked, the top categories, the channels and the cases
that went overdue. Gathered once (``monthly_report``) and written as a printable page (the
view) or an XLSX workbook (``workbook``, openpyxl, with charts)."""

import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gridgov.cases import selectors as cases
from gridgov.core import periods
from gridgov.core.errors import ValidationFailed
from gridgov.orgs.models import PATH_LENGTH_LEVEL, Level

from . import kpis, selectors
from .services import day_bounds

#: The areas ranked under a scope, by the scope's level.
AREAS_BELOW = {
    Level.PROVINCE: "street",
    Level.CITY: "street",
    Level.COUNTY: "street",
    Level.STREET: "community",
}


@dataclass
class MonthlyReport:
    scope: str
    scope_name: str
    period: selectors.Period
    figures: dict[str, kpis.Figure]
    previous: dict[str, kpis.Figure]
    units: list[selectors.Ranked]
    areas_by: str  # "street" or "community" ("" when the scope has none ranked below it)
    areas: list[selectors.Ranked]
    categories: list[tuple[str, int, float]]  # (name, cases, share of the month's cases)
    channels: list[tuple[str, int]]
    overdue: list  # cases whose task went overdue
    made_at: object


def month_period(month: str | None, today: date) -> selectors.Period:
    """The calendar month ``YYYY-MM`` (default: the month before ``today``'s)."""
    if month:
        try:
            first = date.fromisoformat(f"{month}-01")
        except ValueError:
            raise ValidationFailed(fields={"month": [_("Give a month as YYYY-MM.")]}) from None
    else:
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return periods.period_parse(start=None, end=None, period="month", on=first, today=today)


def areas_below(scope: str) -> str:
    """What is ranked below a scope: its streets, or a street's communities ("" below that)."""
    level = PATH_LENGTH_LEVEL.get(len(scope), Level.PROVINCE) if scope else Level.PROVINCE
    return AREAS_BELOW.get(level, "")


def monthly_report(scope: str, period: selectors.Period) -> MonthlyReport:
    counts = selectors.totals(scope, period)
    areas_by = areas_below(scope)
    by_category = selectors.breakdown("category", scope, period) if areas_by else {}
    by_channel = selectors.breakdown("channel", scope, period) if areas_by else {}
    category_names = selectors.names("category", by_category)
    channel_names = selectors.names("channel", by_channel)
    total = counts["cases"] or 1
    top = sorted(by_category.items(), key=lambda item: -item[1]["cases"])[:10]
    start, _end = day_bounds(period.start)
    _start, end = day_bounds(period.end)
    return MonthlyReport(
        scope=scope,
        scope_name=selectors.scope_name(scope),
        period=period,
        figures=kpis.figures(counts),
        previous=kpis.figures(selectors.totals(scope, period.previous())),
        units=selectors.ranking("unit", scope, period),
        areas_by=areas_by,
        areas=selectors.ranking(areas_by, scope, period) if areas_by else [],
        categories=[(category_names.get(k, k), c["cases"], c["cases"] / total) for k, c in top if c["cases"]],
        channels=sorted(
            ((channel_names.get(k, k), c["cases"]) for k, c in by_channel.items() if c["cases"]),
            key=lambda r: -r[1],
        ),
        overdue=cases.kpi_overdue_cases(scope, start, end),
        made_at=timezone.localtime(),
    )


def _value(f: kpis.Figure):
    """A figure as the workbook holds it: a rate as a fraction (formatted as %), else a number."""
    return f.value if f.value is not None else f.explanation


def workbook(report: MonthlyReport) -> bytes:
    """The report as an XLSX workbook: figures, units, areas, categories (with a chart),
    overdue cases."""
    book = Workbook()
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="E6F8EE")

    def sheet(title: str, header: list[str], rows: list[list], widths: list[int], first=False):
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append(header)
        for cell in ws[1]:
            cell.font, cell.fill = bold, head_fill
        for row in rows:
            ws.append(row)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        return ws

    p = report.period
    figures = [f for f in report.figures.values()]
    ws = sheet(
        _("Figures"),
        [_("Figure"), _("This month"), _("Month before"), _("Numerator"), _("Denominator"), _("Formula")],
        [
            [f.label, _value(f), _value(report.previous[f.code]), f.numerator, f.denominator, f.formula]
            for f in figures
        ],
        [18, 14, 14, 12, 12, 70],
        first=True,
    )
    for row, f in enumerate(figures, start=2):
        fmt = "0.0%" if f.unit == "%" else "0.0"
        for column in ("B", "C"):
            ws[f"{column}{row}"].number_format = fmt
        ws[f"F{row}"].alignment = Alignment(wrap_text=True)
    ws.insert_rows(1, 2)
    ws["A1"] = _("Monthly report: %(scope)s, %(start)s – %(end)s") % {
        "scope": report.scope_name,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
    }
    ws["A1"].font = Font(bold=True, size=14)

    def ranked_rows(rows: list[selectors.Ranked]) -> list[list]:
        return [
            [
                r.rank or "",
                r.name,
                round(r.score, 1) if r.score is not None else "",
                round(r.change, 1) if r.change is not None else "",
                *[_value(r.figures[code]) for code in ("response", "resolution", "satisfaction", "on_time")],
                r.figures["overdue"].value,
            ]
            for r in rows
        ]

    ranked_header = [
        _("Rank"),
        _("Unit or area"),
        _("Score"),
        _("Since the month before"),
        str(kpis.KPIS["response"].label),
        str(kpis.KPIS["resolution"].label),
        str(kpis.KPIS["satisfaction"].label),
        str(kpis.KPIS["on_time"].label),
        str(kpis.KPIS["overdue"].label),
    ]
    for title, rows, shown in (
        (_("Units ranked"), report.units, True),
        (_("Areas ranked"), report.areas, bool(report.areas_by)),
    ):
        if not shown:
            continue
        ws = sheet(title, ranked_header, ranked_rows(rows), [8, 30, 10, 12, 12, 12, 12, 12, 10])
        for row in range(2, len(rows) + 2):
            for column in "EFGH":
                ws[f"{column}{row}"].number_format = "0.0%"
    ws = sheet(
        _("Categories"),
        [_("Category"), _("Cases"), _("Share")],
        [[name, n, share] for name, n, share in report.categories],
        [24, 10, 10],
    )
    for row in range(2, len(report.categories) + 2):
        ws[f"C{row}"].number_format = "0.0%"
    if report.categories:
        chart = BarChart()
        chart.type, chart.title, chart.legend = "bar", _("Top categories"), None
        chart.add_data(
            Reference(ws, min_col=2, min_row=1, max_row=len(report.categories) + 1), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(report.categories) + 1))
        chart.height, chart.width = 9, 16
        ws.add_chart(chart, "E2")
    sheet(
        _("Overdue cases"),
        [_("Case"), _("Reported"), _("Category"), _("Place"), _("Status")],
        [
            [
                c.number,
                timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
                c.category.name,
                (c.grid or c.street or c.centre).name,
                str(c.get_status_display()),
            ]
            for c in report.overdue
        ],
        [18, 18, 20, 24, 12],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
