"""``manage.py seed_cases``: many cases written in bulk that the KPIs count as they count real
ones, with numbers that real cases after them do not collide with."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db.models import F, Q, Sum

from gridgov.cases import services
from gridgov.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseNumberCounter, Task, TaskStatus
from gridgov.cases.tests.conftest import IN_GRID
from gridgov.catalogue.models import Category
from gridgov.insights.models import Dimension, Rollup
from gridgov.insights.services import rollups_refresh, rollups_verify

UNTIL = date(2025, 6, 30)
FIRST = UNTIL - timedelta(days=19)


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_cases", cases=300, days=20, seed=7, until=UNTIL, stdout=out, **options)
    return out.getvalue()


def test_seeded_cases_are_counted_by_the_rollups_as_a_recount_does(world):
    # Given: 300 cases seeded over 20 days in 张家村's two grids
    summary = seed()
    assert summary.startswith("Seeded 300 cases")
    # When: the rollups are brought up to date
    rollups_refresh()
    # Then: they equal a recount, and count every case once on its day
    assert rollups_verify() == []
    by_day = dict(
        Rollup.objects.filter(dimension=Dimension.AREA, key=world.t.province.path)
        .values_list("day")
        .annotate(n=Sum("cases"))
    )
    assert sum(by_day.values()) == 300
    assert min(by_day) >= FIRST and max(by_day) <= UNTIL
    assert len(by_day) >= 15


def test_seeded_cases_look_like_a_working_installation(world):
    seed()
    cases = Case.objects.all()
    assert cases.count() == 300
    assert cases.filter(status="rated").count() > 150
    assert set(cases.exclude(rating="").values_list("rating", flat=True)) == {
        "satisfied",
        "basic",
        "unsatisfied",
    }
    assert cases.filter(status__in=OPEN_STATUSES).exists()
    assert cases.filter(rework_count__gt=0).exists()
    assert cases.filter(grid=world.t.grid).exists() and cases.filter(grid=world.t.sibling_grid).exists()
    # every case has its report step; tasks go to the units serving the grid (a case outside
    # every grid: a unit of the city), in time order
    assert CaseEvent.objects.filter(action="report").count() == 300
    tasks = Task.objects.all()
    assert tasks.count() >= cases.filter(status="rated").count()
    located = tasks.filter(case__grid__isnull=False)
    assert set(located.values_list("unit", flat=True)) == {world.office.pk, world.bureau.pk}
    assert not tasks.filter(Q(signed_at__lt=F("created_at")) | Q(finished_at__lt=F("signed_at"))).exists()
    assert tasks.filter(status=TaskStatus.DONE, finished_on_time=False).exists()
    assert not tasks.filter(status=TaskStatus.DONE, finished_on_time=False, was_overdue=False).exists()
    # numbers: the day's date and the day's counter, unique
    assert cases.values("number").distinct().count() == 300
    for case in cases.filter(created_at__date=UNTIL)[:5]:
        assert case.number.startswith(f"{UNTIL:%Y%m%d}")


def test_a_case_reported_on_a_seeded_day_gets_the_next_number(world):
    # Given: the seeded cases of the last day
    seed()
    last = CaseNumberCounter.objects.get(day=UNTIL).last
    assert last == Case.objects.filter(number__startswith=f"{UNTIL:%Y%m%d}").count()
    # When: a resident reports that day
    at = datetime.combine(UNTIL, time(23, 30), tzinfo=ZoneInfo("Asia/Shanghai"))
    case, _ = services.case_report(
        actor=world.users.resident,
        category=Category.objects.get(code="C0301"),
        description="垃圾满溢",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        at=at,
    )
    # Then: it follows the seeded numbers, and the refresh counts it on that day
    assert case.number == f"{UNTIL:%Y%m%d}{last + 1:06d}"
    rollups_refresh()
    assert rollups_verify([UNTIL]) == []
    assert (
        Rollup.objects.filter(dimension=Dimension.AREA, key=world.t.province.path, day=UNTIL).get().cases
        == last + 1
    )


def test_the_same_seed_seeds_the_same_cases(world):
    seed()
    first = list(Case.objects.order_by("number").values_list("number", "status", "category", "created_at"))
    Case.objects.update(merged_into=None)
    Case.objects.all().delete()
    CaseNumberCounter.objects.all().delete()
    seed()
    again = list(Case.objects.order_by("number").values_list("number", "status", "category", "created_at"))
    assert again == first
