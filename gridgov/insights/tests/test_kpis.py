"""Every KPI formula pinned on a hand-computed example, with 基本满意 weighted, the composite
score's weights, and an empty period (no division by zero, an explanation instead)."""

import pytest

from gridgov.insights import kpis
from gridgov.insights.models import COUNTERS

#: A month of a street, counted by hand.
EXAMPLE = {
    **dict.fromkeys(COUNTERS, 0),
    "cases": 40,
    "rated": 20,  # 12 满意, 5 基本满意, 3 不满意
    "satisfied": 12,
    "basic": 5,
    "unsatisfied": 3,
    "resolved": 16,  # 16 of the 20 say it is solved
    "completed": 25,
    "reworked": 2,
    "tasks": 30,
    "responded": 27,  # 24 in time, 3 late
    "responded_on_time": 24,
    "missed": 3,  # never answered within the limit
    "returned": 3,
    "finished": 24,
    "finished_on_time": 18,
    "handling_minutes": 24 * 300,  # 5 hours each on average
    "overdue": 7,
}


def test_each_kpi_on_a_hand_computed_example(settings):
    settings.GRIDGOV_KPI_BASIC_WEIGHT = 0.9
    settings.GRIDGOV_KPI_WEIGHTS = "response=0.1,resolution=0.5,satisfaction=0.4"
    # when the figures of the example are computed
    f = kpis.figures(EXAMPLE)
    # then each is its formula, by hand
    assert f["response"].value == pytest.approx(24 / 30)  # 24 ÷ (27 answered + 3 missed)
    assert f["resolution"].value == pytest.approx(16 / 20)
    assert f["satisfaction"].value == pytest.approx((12 + 0.9 * 5) / 20)  # 0.825
    assert f["on_time"].value == pytest.approx(18 / 24)
    assert f["rework"].value == pytest.approx(2 / 25)
    assert f["return"].value == pytest.approx(3 / 30)
    assert f["handling_hours"].value == pytest.approx(5.0)
    assert f["overdue"].value == 7
    # and the composite is 0.1 × 80 % + 0.5 × 80 % + 0.4 × 82.5 % = 81.0
    assert f["composite"].value == pytest.approx(81.0)
    # and the formulas say what they divide, in Chinese, with the weight in force
    assert "0.9" in f["satisfaction"].formula
    assert all(f[code].formula and f[code].label for code in f)


def test_the_weights_come_from_the_settings(settings):
    settings.GRIDGOV_KPI_BASIC_WEIGHT = 0.5
    settings.GRIDGOV_KPI_WEIGHTS = "response=0.2,resolution=0.4,satisfaction=0.4"
    f = kpis.figures(EXAMPLE)
    assert f["satisfaction"].value == pytest.approx((12 + 0.5 * 5) / 20)
    assert f["composite"].value == pytest.approx((0.2 * 0.8 + 0.4 * 0.8 + 0.4 * 0.725) * 100)


def test_an_empty_period_gives_no_figures_and_says_why():
    # given a period in which nothing happened
    f = kpis.figures(dict.fromkeys(COUNTERS, 0))
    # then no rate is a number (never a division by zero), each says why, and counts are zero
    for code in ("response", "resolution", "satisfaction", "on_time", "rework", "return", "handling_hours"):
        assert f[code].value is None and f[code].denominator == 0
        assert f[code].explanation
    assert f["overdue"].value == 0
    assert f["composite"].value is None and f["composite"].explanation


def test_the_composite_weighs_the_parts_it_has():
    # given a period with answered tasks but no follow-up yet
    counts = {**dict.fromkeys(COUNTERS, 0), "tasks": 4, "responded": 4, "responded_on_time": 3}
    f = kpis.figures(counts)
    # then the score is the response rate alone, on 100
    assert f["resolution"].value is None
    assert f["composite"].value == pytest.approx(75.0)
