"""The KPIs (接诉即办 style), each defined once here with the formula the pages show.

Every KPI is computed from summed rollup counters (``models.COUNTERS``); a rate whose
denominator is zero is ``None`` with an explanation, never a division by zero. Weights come
from the settings: ``GRIDGOV_KPI_BASIC_WEIGHT`` (基本满意 counts as this share of 满意, default
0.9) and ``GRIDGOV_KPI_WEIGHTS`` (the composite score's weights, default response 0.1,
resolution 0.5, satisfaction 0.4).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

Counts = Mapping[str, int]


@dataclass(frozen=True)
class Kpi:
    code: str
    label: object
    formula: object  # shown beside the figure
    empty: object  # why there is no figure (the denominator is zero)
    numerator: Callable[[Counts], float]
    denominator: Callable[[Counts], float]
    unit: str = "%"  # "%" (a rate shown ×100), "h" (hours) or "" (a count)


def _basic_weight() -> float:
    return float(settings.GRIDGOV_KPI_BASIC_WEIGHT)


KPIS: dict[str, Kpi] = {
    k.code: k
    for k in [
        Kpi(
            "response",
            _("response rate"),
            _("tasks answered (signed or returned) within the signing limit ÷ tasks due to be answered"),
            _("No task was due to be answered."),
            lambda c: c["responded_on_time"],
            lambda c: c["responded"] + c["missed"],
        ),
        Kpi(
            "resolution",
            _("resolution rate"),
            _("cases the reporter says are solved ÷ cases followed up"),
            _("No case was followed up."),
            lambda c: c["resolved"],
            lambda c: c["rated"],
        ),
        Kpi(
            "satisfaction",
            _("satisfaction rate"),
            _("(satisfied + %(w)s × basically satisfied) ÷ cases rated"),
            _("No case was rated."),
            lambda c: c["satisfied"] + _basic_weight() * c["basic"],
            lambda c: c["rated"],
        ),
        Kpi(
            "on_time",
            _("on-time completion rate"),
            _("tasks finished within the handling limit ÷ tasks finished"),
            _("No task was finished."),
            lambda c: c["finished_on_time"],
            lambda c: c["finished"],
        ),
        Kpi(
            "rework",
            _("rework rate"),
            _("cases sent back for rework ÷ cases the units finished"),
            _("No case was finished by a unit."),
            lambda c: c["reworked"],
            lambda c: c["completed"],
        ),
        Kpi(
            "return",
            _("return rate"),
            _("tasks returned ÷ tasks dispatched"),
            _("No task was dispatched."),
            lambda c: c["returned"],
            lambda c: c["tasks"],
        ),
        Kpi(
            "handling_hours",
            _("average handling time"),
            _("hours from dispatch to finish, averaged over the tasks finished"),
            _("No task was finished."),
            lambda c: c["handling_minutes"] / 60,
            lambda c: c["finished"],
            unit="h",
        ),
        Kpi(
            "overdue",
            _("overdue tasks"),
            _("tasks that went past a deadline"),
            "",
            lambda c: c["overdue"],
            lambda c: 1,
            unit="",
        ),
    ]
}

#: The composite score's parts.
COMPOSITE_PARTS = ("response", "resolution", "satisfaction")


def weights() -> dict[str, float]:
    """The composite score's weights from ``GRIDGOV_KPI_WEIGHTS`` ("response=0.1,…")."""
    found = {}
    for part in str(settings.GRIDGOV_KPI_WEIGHTS).split(","):
        name, _sep, value = part.partition("=")
        if name.strip() in COMPOSITE_PARTS:
            found[name.strip()] = float(value)
    return found


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    formula: str
    value: float | None  # a rate in 0..1, hours, or a count; None: nothing to divide
    numerator: float
    denominator: float
    unit: str
    explanation: str  # why there is no value


def figure(code: str, counts: Counts) -> Figure:
    kpi = KPIS[code]
    numerator, denominator = kpi.numerator(counts), kpi.denominator(counts)
    value = numerator / denominator if denominator else None
    formula = str(kpi.formula)
    if code == "satisfaction":
        formula = formula % {"w": f"{_basic_weight():g}"}
    return Figure(
        code=code,
        label=str(kpi.label),
        formula=formula,
        value=value,
        numerator=numerator,
        denominator=denominator,
        unit=kpi.unit,
        explanation="" if value is not None else str(kpi.empty),
    )


def composite(figures: Mapping[str, Figure]) -> Figure:
    """The weighted sum of the response, resolution and satisfaction rates (×100). A part with
    no figure is left out and the other weights count in its place; with none, no score."""
    w = weights()
    parts = [(w.get(code, 0.0), figures[code].value) for code in COMPOSITE_PARTS]
    present = [(weight, value) for weight, value in parts if value is not None and weight > 0]
    total = sum(weight for weight, _value in present)
    value = sum(weight * v for weight, v in present) / total * 100 if total else None
    formula = _(
        "%(response)s × response + %(resolution)s × resolution + %(satisfaction)s × satisfaction, ×100"
    ) % {code: f"{w.get(code, 0.0):g}" for code in COMPOSITE_PARTS}
    return Figure(
        code="composite",
        label=str(_("composite score")),
        formula=str(formula),
        value=value,
        numerator=value or 0,
        denominator=1 if value is not None else 0,
        unit="",
        explanation="" if value is not None else str(_("No rate to weigh in this period.")),
    )


def figures(counts: Counts) -> dict[str, Figure]:
    """Every KPI of ``counts``, and the composite score."""
    found = {code: figure(code, counts) for code in KPIS}
    found["composite"] = composite(found)
    return found
