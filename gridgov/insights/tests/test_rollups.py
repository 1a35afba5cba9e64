"""The rollups: counted from the cases' own steps, kept up to date by an idempotent refresh,
always equal to a recount (also after random workflows: a property test), and read back by
scope and dimension."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.cases import services
from gridgov.cases.models import Case
from gridgov.cases.tasks import sla_sweep
from gridgov.cases.tests.conftest import IN_GRID, IN_SIBLING_GRID
from gridgov.insights import selectors
from gridgov.insights.models import MonthRollup, Rollup
from gridgov.insights.services import rollups_refresh, rollups_verify

from .factories import DAY, at, closed_and_rated, finish, patrol


@pytest.mark.django_db
def test_a_street_day_is_counted_as_by_hand(world, street_month):
    # when the rollups are refreshed
    rollups_refresh()
    # then the street's Monday holds what the four steps say, by hand
    street = world.t.street.path
    monday = selectors.totals(street, selectors.Period(DAY, DAY))
    assert {k: monday[k] for k in ("cases", "rated", "satisfied", "basic", "unsatisfied", "resolved")} == {
        "cases": 3,
        "rated": 3,
        "satisfied": 1,
        "basic": 1,
        "unsatisfied": 1,
        "resolved": 1,  # A only: B says not solved, C is unsatisfied
    }
    assert {k: monday[k] for k in ("tasks", "responded", "responded_on_time", "returned", "finished")} == {
        "tasks": 4,
        "responded": 4,
        "responded_on_time": 3,  # B signed late
        "returned": 1,
        "finished": 3,
    }
    assert monday["handling_minutes"] == (15 - 9) * 60 + (17 * 60 + 30 - 9 * 60) + 100
    # and the next day holds D, unanswered and overdue
    tuesday = selectors.totals(street, selectors.Period(DAY + timedelta(days=1), DAY + timedelta(days=1)))
    assert (tuesday["tasks"], tuesday["missed"], tuesday["overdue"]) == (1, 1, 1)
    # and the office's row holds its tasks and its cases (C once), the bureau's its return
    units = selectors.breakdown("unit", street[:6], selectors.Period(DAY, DAY + timedelta(days=1)))
    office, bureau = units[str(world.office.pk)], units[str(world.bureau.pk)]
    assert (office["tasks"], office["cases"], office["missed"]) == (4, 4, 1)
    assert (bureau["tasks"], bureau["returned"], bureau["cases"], bureau["responded_on_time"]) == (1, 1, 1, 1)
    # and the grid, the community, the county and the city hold the same cases
    for path in (world.t.grid.path, world.t.village.path, world.t.county.path, world.t.city.path):
        assert selectors.totals(path, selectors.Period(DAY, DAY))["cases"] == 3


@pytest.mark.django_db
def test_a_refresh_is_idempotent_and_follows_later_steps(world, street_month):
    rollups_refresh()
    rows = sorted(Rollup.objects.values_list("day", "dimension", "key", "scope", "cases", "rated"))
    # when it runs again with nothing new, then nothing changes
    assert rollups_refresh() == {"days": 0, "rows": 0}
    assert sorted(Rollup.objects.values_list("day", "dimension", "key", "scope", "cases", "rated")) == rows
    # when the unanswered case of Tuesday is answered days later, then only its day is rebuilt
    d = street_month["d"]
    services.task_sign(actor=world.users.unit, task=d.tasks.get(), at=at(9, day=DAY + timedelta(days=3)))
    assert rollups_refresh()["days"] == 1
    tuesday = selectors.totals(
        world.t.street.path, selectors.Period(DAY + timedelta(days=1), DAY + timedelta(days=1))
    )
    assert (tuesday["responded"], tuesday["missed"], tuesday["responded_on_time"]) == (1, 0, 0)
    assert rollups_verify() == []


@pytest.mark.django_db
def test_verify_rollups_reports_a_difference(world, street_month):
    rollups_refresh()
    call_command("verify_rollups")  # no difference: no error
    # when a rollup row is tampered with, then the command names it and fails
    Rollup.objects.filter(dimension="area", key=world.t.street.path, day=DAY).update(cases=99)
    with pytest.raises(CommandError, match="1 difference"):
        call_command("verify_rollups")


@pytest.mark.django_db
def test_verify_rollups_reports_a_month_that_is_not_the_sum_of_its_days(world, street_month):
    rollups_refresh()
    MonthRollup.objects.filter(dimension="unit", key=str(world.office.pk), month=date(2026, 11, 1)).update(
        tasks=0
    )
    assert [(d[0], d[1], d[4]) for d in rollups_verify()] == [(date(2026, 11, 1), "unit/month", "tasks")]


@pytest.mark.parametrize(
    "start, end, parts",
    [
        # within a month: its days
        ("2026-11-03", "2026-11-20", [("day", "2026-11-03", "2026-11-20")]),
        # a whole month: its row
        ("2026-11-01", "2026-11-30", [("month", "2026-11-01", "2026-11-01")]),
        # from the last day of a month to the first of the month after next
        (
            "2026-10-31",
            "2026-12-01",
            [
                ("month", "2026-11-01", "2026-11-01"),
                ("day", "2026-10-31", "2026-10-31"),
                ("day", "2026-12-01", "2026-12-01"),
            ],
        ),
        # two years ending yesterday: 23 whole months and the edges
        (
            "2024-11-28",
            "2026-11-26",
            [
                ("month", "2024-12-01", "2026-10-01"),
                ("day", "2024-11-28", "2024-11-30"),
                ("day", "2026-11-01", "2026-11-26"),
            ],
        ),
        # a January 31st start does not skip February
        (
            "2026-01-31",
            "2026-03-31",
            [("month", "2026-02-01", "2026-03-01"), ("day", "2026-01-31", "2026-01-31")],
        ),
        # across two months, neither whole
        ("2026-10-15", "2026-11-14", [("day", "2026-10-15", "2026-11-14")]),
    ],
)
def test_a_period_is_read_as_its_whole_months_and_the_days_at_its_edges(start, end, parts):
    period = selectors.Period(date.fromisoformat(start), date.fromisoformat(end))
    found = [
        (field, first.isoformat(), last.isoformat()) for _m, field, first, last in selectors._parts(period)
    ]
    assert found == parts


@pytest.mark.django_db
def test_figures_over_months_equal_the_sums_of_their_days(world, street_month):
    # given cases also on the last day of October and the first of December
    for day in (date(2026, 10, 31), date(2026, 12, 1)):
        patrol(world, when=at(10, day=day))
    rollups_refresh()
    county, period = world.t.county.path, selectors.Period(date(2026, 10, 31), date(2026, 12, 1))
    days = [period.start + timedelta(days=i) for i in range(period.days)]

    def by_day(read):
        summed: dict = {}
        for day in days:
            for key, counts in read(selectors.Period(day, day)).items():
                into = summed.setdefault(key, dict.fromkeys(counts, 0))
                for name, value in counts.items():
                    into[name] += value
        return summed

    # when the period is read from November's monthly rows and the two edge days
    # then every figure equals the sum of the days read one by one
    assert selectors.totals(county, period) == by_day(lambda p: {"all": selectors.totals(county, p)})["all"]
    assert selectors.totals(county, period)["cases"] == 6
    for by in ("unit", "street", "community", "grid", "category", "channel"):
        assert selectors.breakdown(by, county, period) == by_day(
            lambda p, by=by: selectors.breakdown(by, county, p)
        )


ACTIONS = ("report", "dispatch", "sign", "return", "finish", "rework", "close_rate", "sweep")


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.integers(0, 3), st.booleans(), st.integers(0, 600)),
        min_size=1,
        max_size=25,
    ),
    refresh_every=st.integers(1, 6),
)
def test_rollups_equal_a_recount_after_random_workflows(world, steps, refresh_every):
    """Property: whatever happens to whichever cases, in whatever order, with refreshes in
    between, the rollups equal a recount from the raw rows."""
    Rollup.objects.all().delete()
    MonthRollup.objects.all().delete()
    u = world.users
    clock = at(8)
    made: list[Case] = []
    for i, (action, which, flag, minutes) in enumerate(steps):
        clock += timedelta(minutes=minutes)
        case = Case.objects.get(pk=made[which % len(made)].pk) if made else None
        try:
            if action == "report" or case is None:
                made.append(patrol(world, point=IN_GRID if flag else IN_SIBLING_GRID, when=clock))
            elif action == "dispatch" and case.status == "submitted":
                case = services.case_accept(actor=u.centre, case=case, at=clock)
                units = [world.office, world.bureau] if flag else [world.office]
                services.case_dispatch(actor=u.centre, case=case, units=units, at=clock)
            elif action in ("sign", "return", "finish"):
                task = case.tasks.filter(status__in=("pending", "signed")).select_related("unit").first()
                if task is not None:
                    who = u.unit if task.unit_id == world.office.pk else u.bureau
                    if action == "sign" and task.status == "pending":
                        services.task_sign(actor=who, task=task, at=clock)
                    elif action == "return":
                        services.task_return(actor=who, task=task, reason="非本单位职责", at=clock)
                    elif action == "finish" and task.status == "signed":
                        finish(world, task, who, clock)
            elif action == "rework" and case.status == "handled":
                services.case_check(actor=u.grid_worker, case=case, passed=False, note="仍未清理", at=clock)
            elif action == "close_rate" and case.status == "handled":
                closed_and_rated(
                    world, case, ["satisfied", "basic", "unsatisfied"][minutes % 3], clock, resolved=flag
                )
            elif action == "sweep":
                sla_sweep.call(at=clock.isoformat())
        except Exception as error:  # a step the state refuses is part of a random workflow
            from gridgov.core.errors import DomainError

            if not isinstance(error, DomainError):
                raise
        if i % refresh_every == 0:
            rollups_refresh()
    rollups_refresh()
    assert rollups_verify() == []
    from gridgov.insights.models import RollupState

    RollupState.objects.all().delete()
