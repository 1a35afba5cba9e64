"""The KPIs (接诉即办 style), each defined once here with the formula the pages show.

Every KPI is computed from summed rollup counters (``models.COUNTERS``); a rate whose
denominator is zero is ``None`` with an explanation, never a division by zero. Weights come
from the settings: ``GRIDGOV_KPI_BASIC_WEIGHT`` (基本满意 counts as this share of 满意, default
0.9) and ``GRIDGOV_KPI_WEIGHTS`` (the composite score's weights, default response 0.1,
resolution 0.5, satisfaction 0.4).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.translation import get_language
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
    return dict(_weights(str(settings.GRIDGOV_KPI_WEIGHTS)))


@lru_cache(maxsize=8)
def _weights(setting: str) -> tuple[tuple[str, float], ...]:
    found = {}
    for part in setting.split(","):
        name, _sep, value = part.partition("=")
        if name.strip() in COMPOSITE_PARTS:
            found[name.strip()] = float(value)
    return tuple(found.items())


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


@lru_cache(maxsize=64)
def _texts(code: str, language: str | None, basic_weight: float, parts: tuple[float, ...]):
    """A figure's label, formula and "why no figure", in ``language``: translated once, not
    for every row of a ranking."""
    if code == "composite":
        formula = _(
            "%(response)s × response + %(resolution)s × resolution + %(satisfaction)s × satisfaction, ×100"
        )
        weighted = {part: f"{weight:g}" for part, weight in zip(COMPOSITE_PARTS, parts, strict=True)}
        return str(_("composite score")), str(formula) % weighted, str(_("No rate to weigh in this period."))
    kpi = KPIS[code]
    formula = str(kpi.formula)
    if code == "satisfaction":
        formula = formula % {"w": f"{basic_weight:g}"}
    return str(kpi.label), formula, str(kpi.empty)


def _texts_now(code: str, w: Mapping[str, float]) -> tuple[str, str, str]:
    return _texts(code, get_language(), _basic_weight(), tuple(w.get(part, 0.0) for part in COMPOSITE_PARTS))


def figure(code: str, counts: Counts, w: Mapping[str, float] | None = None) -> Figure:
    kpi = KPIS[code]
    numerator, denominator = kpi.numerator(counts), kpi.denominator(counts)
    value = numerator / denominator if denominator else None
    label, formula, empty = _texts_now(code, w if w is not None else weights())
    return Figure(
        code=code,
        label=label,
        formula=formula,
        value=value,
        numerator=numerator,
        denominator=denominator,
        unit=kpi.unit,
        explanation="" if value is not None else empty,
    )


def composite(figures: Mapping[str, Figure], w: Mapping[str, float] | None = None) -> Figure:
    """The weighted sum of the response, resolution and satisfaction rates (×100). A part with
    no figure is left out and the other weights count in its place; with none, no score."""
    w = w if w is not None else weights()
    parts = [(w.get(code, 0.0), figures[code].value) for code in COMPOSITE_PARTS]
    present = [(weight, value) for weight, value in parts if value is not None and weight > 0]
    total = sum(weight for weight, _value in present)
    value = sum(weight * v for weight, v in present) / total * 100 if total else None
    label, formula, empty = _texts_now("composite", w)
    return Figure(
        code="composite",
        label=label,
        formula=formula,
        value=value,
        numerator=value or 0,
        denominator=1 if value is not None else 0,
        unit="",
        explanation="" if value is not None else empty,
    )


def figures(counts: Counts) -> dict[str, Figure]:
    """Every KPI of ``counts``, and the composite score."""
    w = weights()
    found = {code: figure(code, counts, w) for code in KPIS}
    found["composite"] = composite(found, w)
    return found
