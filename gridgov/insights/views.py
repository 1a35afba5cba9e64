"""The command centre's dashboard: the month's KPIs with their formulas, rankings and the red
list (from the rollups), and what is going on now (intake, open cases by status, overdue and
due-soon lists, unit load, the live map), refreshed without reloading the page."""

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases import selectors as cases
from gridgov.cases.models import CaseStatus
from gridgov.core import audit, periods
from gridgov.core.errors import ValidationFailed
from gridgov.core.middleware import inline_styles_allowed

from . import access, kpis, selectors
from . import report as report_module

#: The figures shown as cards, in order.
CARDS = (
    "composite",
    "response",
    "resolution",
    "satisfaction",
    "on_time",
    "rework",
    "return",
    "handling_hours",
    "overdue",
)


def _live_context(scope: str) -> dict:
    now = timezone.now()
    found = cases.live(scope, now=now)
    labels = dict(CaseStatus.choices)
    return {
        "live": found,
        "intake_today": selectors.intake_today(scope, timezone.localdate(now)),
        "now": now,
        "open_total": sum(found.open_by_status.values()),
        "open_rows": [(labels.get(s, s), n) for s, n in sorted(found.open_by_status.items())],
    }


def _day(query, name: str) -> date | None:
    text = query.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(fields={name: [_("Give a date as YYYY-MM-DD.")]}) from None


def _dashboard_period(query, today: date) -> selectors.Period:
    """A range (``start``–``end``) when one is given, else the calendar ``month`` (this one by
    default)."""
    start, end = _day(query, "start"), _day(query, "end")
    if start or end:
        return periods.period_parse(start=start, end=end, period="", on=None, today=today)
    return report_module.month_period(query.get("month") or today.strftime("%Y-%m"), today)


@login_required
def dashboard(request):
    """``/insights/?scope=<path>&month=YYYY-MM`` (or ``&start=…&end=…``): one scope the user
    reads, for a calendar month or a range of days."""
    scope = access.access_scope(request.user, request.GET.get("scope"))
    refresh = settings.GRIDGOV_BOARD_REFRESH_SECONDS
    if request.GET.get("partial") == "live":
        return render(request, "insights/_live.html", {"scope": scope, **_live_context(scope)})
    try:
        period = _dashboard_period(request.GET, timezone.localdate())
    except ValidationFailed as failed:
        return render(request, "insights/report_error.html", {"error": failed}, status=400)
    figures = kpis.figures(selectors.totals(scope, period))
    ranking = selectors.ranking("unit", scope, period)
    below = report_module.areas_below(scope)
    context = {
        "scope": scope,
        "scope_name": selectors.scope_name(scope),
        "trail": selectors.scope_trail(scope, access.scopes(request.user)),
        "subareas": selectors.areas_within(scope),
        "period": period,
        "month": period.start.strftime("%Y-%m"),
        "range": "" if period.is_month else f"&start={period.start}&end={period.end}",
        "cards": [figures[code] for code in CARDS],
        "ranking": ranking[:15],
        "areas": selectors.ranking(below, scope, period)[:15] if below else [],
        "red_list": selectors.red_list(scope, period),
        "refresh": refresh,
        **_live_context(scope),
    }
    return render(request, "insights/dashboard.html", context)


def _report(request):
    scope = access.access_scope(request.user, request.GET.get("scope"))
    period = report_module.month_period(request.GET.get("month"), timezone.localdate())
    return report_module.monthly_report(scope, period)


@login_required
def report(request):
    """``/insights/report/?scope=<path>&month=YYYY-MM``: the monthly report, printable."""
    try:
        found = _report(request)
    except ValidationFailed as failed:
        return render(request, "insights/report_error.html", {"error": failed}, status=400)
    return render(
        request,
        "insights/report.html",
        {"report": found, "rows": [(found.figures[code], found.previous[code]) for code in CARDS]},
    )


@login_required
def report_xlsx(request):
    """The same monthly report as an XLSX workbook; each download is in the audit log."""
    try:
        found = _report(request)
    except ValidationFailed as failed:
        return render(request, "insights/report_error.html", {"error": failed}, status=400)
    name = f"gridgov-{found.scope or 'all'}-{found.period.start:%Y-%m}.xlsx"
    response = HttpResponse(
        report_module.workbook(found),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    audit.record(
        audit.AuditAction.EXPORT,
        request=request,
        detail={
            "report": "monthly",
            "scope": found.scope,
            "month": f"{found.period.start:%Y-%m}",
            "file": name,
        },
    )
    return response


@login_required
@inline_styles_allowed
def screen(request):
    """``/insights/screen/?scope=<path>``: the big screen (大屏, 1920×1080, dark), filled and
    refreshed from ``/api/insights/screen`` and ``/api/insights/live`` by screen.js."""
    scope = access.access_scope(request.user, request.GET.get("scope"))
    return render(
        request,
        "insights/screen.html",
        {
            "scope": scope,
            "scope_name": selectors.scope_name(scope),
            "refresh": max(settings.GRIDGOV_BOARD_REFRESH_SECONDS, 10),
            "texts": {"cases": _("reported"), "rated": _("rated"), "score": _("score")},
        },
    )
