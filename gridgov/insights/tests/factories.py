"""Cases worked through the services for the insights tests: a day of 太平街道 (``street_month``)
and the steps random workflows are made of."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridgov.cases import services
from gridgov.cases.models import Case, Task
from gridgov.cases.tasks import sla_sweep
from gridgov.cases.tests.conftest import IN_GRID, jpeg
from gridgov.catalogue.models import Category

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 23)  # a Monday


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def patrol(world, *, point=IN_GRID, when=None) -> Case:
    case, _ = services.case_report(
        actor=world.users.grid_worker,
        channel="patrol",
        category=Category.objects.get(code="C0301"),
        description="垃圾满溢",
        lon=point[0],
        lat=point[1],
        at=when or at(9),
    )
    return case


def dispatched(world, units, when=None) -> Case:
    when = when or at(9)
    case = services.case_accept(actor=world.users.centre, case=patrol(world, when=when), at=when)
    return services.case_dispatch(actor=world.users.centre, case=case, units=units, at=when)


def finish(world, task: Task, user, when):
    return services.task_finish(
        actor=user, task=Task.objects.get(pk=task.pk), note="已处理", photos=[jpeg()], at=when
    )


def closed_and_rated(world, case: Case, rating: str, when, resolved=None) -> Case:
    case = services.case_check(
        actor=world.users.grid_worker, case=Case.objects.get(pk=case.pk), passed=True, at=when
    )
    case = services.case_close(actor=world.users.centre, case=case, at=when)
    return services.case_rate(actor=world.users.centre, case=case, rating=rating, resolved=resolved, at=when)


@pytest.fixture
def street_month(world):
    """Given: four cases of 太平街道 on one Monday, worked through the services.
    A: the office signs in time, finishes in time; rated 满意.
    B: the office signs late, finishes; rated 基本满意 but says it is not solved.
    C: office and bureau; the bureau returns it unsigned in time; the office finishes; rated 不满意.
    D: the office never signs; the sweep marks it overdue."""
    u = world.users
    a = dispatched(world, [world.office])
    services.task_sign(actor=u.unit, task=a.tasks.get(), at=at(9, 30))
    finish(world, a.tasks.get(), u.unit, at(15))
    closed_and_rated(world, a, "satisfied", at(16))
    b = dispatched(world, [world.office])
    services.task_sign(actor=u.unit, task=b.tasks.get(), at=at(17))  # the signing limit is 2 h
    finish(world, b.tasks.get(), u.unit, at(17, 30))
    closed_and_rated(world, b, "basic", at(17, 45), resolved=False)
    c = dispatched(world, [world.office, world.bureau], when=at(10))
    services.task_return(
        actor=u.bureau, task=c.tasks.get(unit=world.bureau), reason="非本单位职责", at=at(10, 30)
    )
    services.task_sign(actor=u.unit, task=c.tasks.get(unit=world.office), at=at(10, 40))
    finish(world, c.tasks.get(unit=world.office), u.unit, at(11, 40))
    closed_and_rated(world, c, "unsatisfied", at(12))
    d = dispatched(world, [world.office], when=at(10, 0, day=DAY + timedelta(days=1)))
    sla_sweep.call(at=at(15, 0, day=DAY + timedelta(days=1)).isoformat())
    return {"a": a, "b": b, "c": c, "d": d}
