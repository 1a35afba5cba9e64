"""The SLA warning sweep: cases and tasks turn yellow ("due soon") and red ("overdue") once
each per deadline, on the work calendar, the people concerned are told, and a second run
changes nothing; a fixed number of queries however many rows cross."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import TaskResultStatus

from gridgov.accounts.models import Notification, NotificationKind
from gridgov.cases import selectors, services, tasks
from gridgov.cases.models import (
    OPEN_STATUSES,
    OPEN_TASK_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    Task,
    TaskStatus,
)
from gridgov.cases.selectors import cases_due_soon, cases_overdue, tasks_overdue
from gridgov.cases.tasks import sla_sweep
from gridgov.cases.transitions import CASE_TRANSITIONS, SYSTEM, TASK_TRANSITIONS
from gridgov.catalogue.models import Category

from .conftest import IN_GRID, jpeg, resident_report

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SH)


def sweep(text: str) -> dict:
    """When: the sweep runs as of ``text`` (Asia/Shanghai), through the Tasks API."""
    return sla_sweep.call(at=at(text).isoformat())


def patrol(world, when=None) -> Case:
    """Given: a grid worker's patrol report (it starts at the centre, its accept clock running)."""
    case, _ = services.case_report(
        actor=world.users.grid_worker,
        channel="patrol",
        category=Category.objects.get(code="C0301"),
        description="垃圾满溢",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        at=when,
    )
    return case


def dispatched(world, units, when: datetime | None = None) -> Case:
    """Given: a patrol report accepted and dispatched to ``units`` (at ``when`` if given)."""
    centre = world.users.centre
    case = patrol(world, when - timedelta(minutes=20) if when else None)
    case = services.case_accept(actor=centre, case=case, at=when - timedelta(minutes=10) if when else None)
    return services.case_dispatch(actor=centre, case=case, units=units, at=when)


def events(action: str, **filters) -> int:
    return CaseEvent.objects.filter(action=action, **filters).count()


def inbox(user, kind: str) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


def state() -> tuple:
    """What a sweep may change: events, notifications, flags and case versions."""
    return (
        sorted(CaseEvent.objects.values_list("pk", "action")),
        sorted(Notification.objects.values_list("user_id", "source")),
        sorted(Task.objects.values_list("pk", "warned", "overdue_notified")),
        sorted(Case.objects.values_list("pk", "warned", "overdue_notified", "version")),
    )


def test_a_task_turns_yellow_then_red_once_each_across_the_national_day_holiday(world):
    u = world.users
    # given a task dispatched on Wednesday 2026-09-30 at 16:00, the eve of the 国庆 holiday
    # (Oct 1-7): 120 working minutes to sign, warned at 80 %; 90 minutes run on Sep 30
    case = dispatched(world, [world.office], at("2026-09-30 16:00"))
    task = case.tasks.get()
    assert (task.stage, task.warn_at, task.due_at) == ("sign", at("2026-10-08 08:36"), at("2026-10-08 09:00"))
    # when the sweep runs that evening and during the holiday (wall-clock deadlines would have
    # passed on Sep 30), then nothing crosses: the working minutes do not run
    for moment in ("2026-09-30 17:25", "2026-10-01 10:00", "2026-10-04 09:00", "2026-10-07 23:59"):
        assert not any(sweep(moment).values()), moment
    assert not CaseEvent.objects.filter(action__in=("due_soon", "overdue")).exists()
    # when it runs after the warning time on the first working morning, then the task turns yellow once
    assert sweep("2026-10-08 08:40") == {
        "due_soon": 1,
        "overdue": 0,
        "case_due_soon": 0,
        "case_overdue": 0,
        "task_due_soon": 1,
        "task_overdue": 0,
        "whistles_escalated": 0,
    }
    assert sweep("2026-10-08 08:50")["due_soon"] == 0
    # when it runs after the due time, then it turns red once
    assert sweep("2026-10-08 09:05")["task_overdue"] == 1
    assert not any(sweep("2026-10-09 10:00").values())
    # then one internal event each, on the task, keeping its state, saying the stage and deadline
    yellow = CaseEvent.objects.get(action="due_soon")
    red = CaseEvent.objects.get(action="overdue")
    for event, moment in ((yellow, "2026-10-08 08:40"), (red, "2026-10-08 09:05")):
        assert (event.case_id, event.task_id, event.internal, event.actor_id) == (
            case.pk,
            task.pk,
            True,
            None,
        )
        assert (event.from_status, event.to_status, event.at) == ("pending", "pending", at(moment))
        assert event.data["stage"] == "sign"
        assert datetime.fromisoformat(event.data["due_at"]) == at("2026-10-08 09:00")
        assert event.data["unit"] == world.office.name
    task.refresh_from_db()
    assert (task.status, task.warned, task.overdue_notified) == (TaskStatus.PENDING, True, True)
    # and the unit's handler and the supervising street centre's operators heard of each once
    for user in (u.unit, u.centre):
        assert inbox(user, NotificationKind.DUE_SOON) == 1, user
        assert inbox(user, NotificationKind.OVERDUE) == 1, user
    for outsider in (u.bureau, u.sibling_unit, u.sibling_centre, u.county_centre, u.grid_worker, u.resident):
        assert not Notification.objects.filter(user=outsider).exists(), outsider
    message = Notification.objects.get(user=u.unit, kind=NotificationKind.OVERDUE)
    assert case.number in message.title and world.office.name in message.title
    assert message.url == f"/cases/{case.number}/"
    # and every event moved the case (as every step does)
    case.refresh_from_db()
    assert case.updated_at == at("2026-10-08 09:05")
    # when the sweep runs again, then nothing changes: events, notifications, flags, versions
    before = state()
    assert sweep("2026-10-09 11:00")["due_soon"] == sweep("2026-10-09 11:00")["overdue"] == 0
    assert state() == before


def test_a_case_stage_crossing_tells_the_centre_and_a_recheck_the_grid_worker(world):
    u = world.users
    # given a patrol report waiting for the centre on Tuesday 2026-11-24 (60 working minutes)
    waiting = patrol(world, at("2026-11-24 09:00"))
    assert (waiting.warn_at, waiting.due_at) == (at("2026-11-24 09:48"), at("2026-11-24 10:00"))
    # when the sweep runs at 09:50 and 10:05, then the case turns yellow, then red
    assert sweep("2026-11-24 09:50")["case_due_soon"] == 1
    assert sweep("2026-11-24 10:05")["case_overdue"] == 1
    assert events("due_soon", case=waiting, task=None) == events("overdue", case=waiting, task=None) == 1
    event = CaseEvent.objects.get(action="overdue")
    assert (event.from_status, event.to_status, event.data["stage"]) == ("submitted", "submitted", "accept")
    # then the street centre's operator was told, not the neighbouring street's, nor the grid worker
    assert inbox(u.centre, NotificationKind.DUE_SOON) == inbox(u.centre, NotificationKind.OVERDUE) == 1
    assert not Notification.objects.filter(user__in=[u.sibling_centre, u.grid_worker]).exists()

    # given a case handled and waiting for its re-check by the grid worker (one working day)
    case = dispatched(world, [world.office], at("2026-11-24 10:10"))
    task = services.task_sign(actor=u.unit, task=case.tasks.get(), at=at("2026-11-24 10:20"))
    services.task_finish(actor=u.unit, task=task, note="已清运", photos=[jpeg()], at=at("2026-11-24 11:00"))
    case.refresh_from_db()
    assert (case.status, case.stage) == (CaseStatus.HANDLED, "verify")
    Notification.objects.all().delete()
    # when the sweep runs after its due time, then the grid worker hears of it, not the centre
    assert sweep("2026-11-26 09:00")["case_overdue"] == 1
    assert inbox(u.grid_worker, NotificationKind.OVERDUE) == 1
    assert not Notification.objects.exclude(user=u.grid_worker).exists()


def test_an_approved_extension_allows_a_new_crossing(world):
    u = world.users
    # given a task signed on Friday 2026-11-06 at 09:00 (five working days to handle), found red
    case = dispatched(world, [world.office], at("2026-11-05 09:00"))
    task = services.task_sign(actor=u.unit, task=case.tasks.get(), at=at("2026-11-06 09:00"))
    assert (task.warn_at, task.due_at) == (at("2026-11-12 09:00"), at("2026-11-13 09:00"))
    assert sweep("2026-11-13 10:00")["task_overdue"] == 1
    # when the centre grants two more working days
    task = services.task_extension_request(
        actor=u.unit, task=task, days=2, reason="需采购", at=at("2026-11-13 10:30")
    )
    task = services.task_extension_decide(actor=u.centre, task=task, approve=True, at=at("2026-11-13 10:40"))
    assert (task.warned, task.overdue_notified) == (False, False)
    assert (task.warn_at, task.due_at) == (at("2026-11-16 09:00"), at("2026-11-17 09:00"))
    # then nothing crosses before the new times, and each new time is crossed and told once more
    assert sweep("2026-11-13 11:00")["due_soon"] == 0
    assert sweep("2026-11-16 10:00")["task_due_soon"] == 1
    assert sweep("2026-11-17 10:00")["task_overdue"] == 1
    assert sweep("2026-11-18 10:00")["overdue"] == 0
    assert events("due_soon", task=task) == events("overdue", task=task) == 2
    for user in (u.unit, u.centre):
        assert inbox(user, NotificationKind.DUE_SOON) == inbox(user, NotificationKind.OVERDUE) == 2


def test_the_sweep_announces_due_soon_and_overdue_once(world):
    # given a case accepted long ago (dispatch overdue) and one whose warning time has passed
    late = patrol(world, at("2026-11-02 09:00"))
    late = services.case_accept(actor=world.users.centre, case=late, at=at("2026-11-02 09:05"))
    soon = patrol(world)
    Case.objects.filter(pk=soon.pk).update(warn_at=at("2026-01-01 09:00"))
    assert list(cases_overdue()) == [late]
    assert set(cases_due_soon()) == {soon}
    # when the sweep runs twice
    first, second = sla_sweep.call(), sla_sweep.call()
    # then each is announced once to the centre, and the second run finds nothing new
    assert (first["due_soon"], first["overdue"]) == (2, 1)
    assert (second["due_soon"], second["overdue"]) == (0, 0)
    kinds = list(Notification.objects.filter(user=world.users.centre).values_list("kind", flat=True))
    assert kinds.count(NotificationKind.OVERDUE) == 1 and kinds.count(NotificationKind.DUE_SOON) == 2


def test_overdue_tasks_are_an_index_query(world):
    case = dispatched(world, [world.office])
    Task.objects.filter(case=case).update(due_at=at("2026-01-01 09:00"))
    assert list(tasks_overdue()) == [case.tasks.get()]
    sla_sweep.call()
    assert Notification.objects.filter(user=world.users.unit, kind=NotificationKind.OVERDUE).count() == 1


def test_the_sweep_runs_through_the_tasks_api(world):
    # given a task past both its times
    case = dispatched(world, [world.office])
    Task.objects.filter(case=case).update(
        warn_at=timezone.now() - timedelta(hours=2), due_at=timezone.now() - timedelta(hours=1)
    )
    # when the scheduler's sweep is enqueued (run at once by the tests' backend)
    result = sla_sweep.enqueue()
    # then it succeeded and says what crossed
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert (result.return_value["task_due_soon"], result.return_value["task_overdue"]) == (1, 1)
    assert sla_sweep.enqueue().return_value["overdue"] == 0


def test_rows_another_sweep_flagged_are_not_announced_again(world):
    # given a task past its due time, already flagged by a concurrent sweep's update
    case = dispatched(world, [world.office])
    Task.objects.filter(case=case).update(due_at=at("2026-01-01 09:00"))
    [crossing] = [c for c in tasks.CROSSINGS if c.name == "task_overdue"]
    assert [row["id"] for row in tasks._flag(crossing, timezone.now())] == [case.tasks.get().pk]
    assert tasks._flag(crossing, timezone.now()) == []
    # when this sweep runs, then it announces only what its own update flagged: nothing
    assert sla_sweep.call()["overdue"] == 0
    assert not CaseEvent.objects.filter(action="overdue").exists()


def test_closed_rows_never_cross(world):
    # given a rejected case and a returned task whose stored times lie in the past
    rejected = patrol(world)
    services.case_reject(actor=world.users.centre, case=rejected, reason="不属于受理范围")
    case = dispatched(world, [world.office])
    services.task_return(actor=world.users.unit, task=case.tasks.get(), reason="不属于本单位职责")
    past = {"warn_at": at("2026-01-01 09:00"), "due_at": at("2026-01-01 10:00")}
    Case.objects.filter(pk=rejected.pk).update(**past)
    Task.objects.filter(case=case).update(**past)
    # when the sweep runs, then neither is announced
    assert not any(sla_sweep.call().values())
    assert not CaseEvent.objects.filter(action__in=("due_soon", "overdue")).exists()


def _crossing_cases_and_tasks(world, n: int) -> None:
    """Given: ``n`` cases of two units' tasks, cases and tasks past both their times."""
    for i in range(n):
        dispatched(world, [world.office if i % 2 else world.bureau])
    past = {"warn_at": at("2026-01-01 09:00"), "due_at": at("2026-01-01 10:00")}
    Case.objects.update(**past)
    Task.objects.update(**past)


@pytest.mark.parametrize("n", [3, 30])
def test_a_sweep_takes_a_fixed_number_of_queries(world, n):
    _crossing_cases_and_tasks(world, n)
    # when the sweep runs
    with CaptureQueriesContext(connection) as queries:
        counts = sla_sweep.call()
    # then every row crossed, in the same number of queries for 3 rows as for 30: a case
    # crossing flags and moves its rows in one statement, then reads the people and writes the
    # events and the messages (4); a task crossing also moves the cases and names the units (6),
    # and the red one looks for whistles among the tasks still unsigned (1)
    assert list(counts.values()) == [2 * n, 2 * n, n, n, n, n, 0]
    assert events("due_soon") == events("overdue") == 2 * n
    statements = [
        q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) == 2 * 4 + 2 * 6 + 1, statements


def test_the_case_page_shows_the_crossings_to_staff_only(world, client):
    # given a resident's report whose task turned red
    case = resident_report(world)
    case = services.case_verify(actor=world.users.grid_worker, case=case)
    case = services.case_accept(actor=world.users.centre, case=case)
    case = services.case_dispatch(actor=world.users.centre, case=case, units=[world.office])
    Task.objects.filter(case=case).update(due_at=at("2026-01-01 09:00"))
    sla_sweep.call()
    # then the centre's timeline labels it; the reporter's timeline does not show it
    label = f"<strong>{selectors.action_label('overdue')}</strong>"
    assert label == "<strong>已超期</strong>"
    for user, shown in ((world.users.centre, True), (world.users.resident, False)):
        client.force_login(user)
        page = client.get(f"/cases/{case.number}/")
        assert page.status_code == 200
        assert (label in page.content.decode()) is shown, user


def test_the_sweep_steps_are_declared_for_every_open_state():
    # the transition table's sweep steps cover exactly the open states the queues count as open
    for action in ("due_soon", "overdue"):
        case_step, task_step = CASE_TRANSITIONS[action], TASK_TRANSITIONS[action]
        assert set(case_step.sources) == set(OPEN_STATUSES) and set(task_step.sources) == set(
            OPEN_TASK_STATUSES
        )
        assert case_step.target is None and task_step.target is None and task_step.on_task
        assert case_step.actors == task_step.actors == (SYSTEM,)


def test_an_unsigned_whistle_escalates_once_and_a_signed_one_not(world):
    u = world.users
    county_centre = world.centres[world.t.county.path]  # over the county's bureaus
    # given the street's whistle to the county bureau, dispatched on a Monday morning, and a
    # second one the bureau signed at once
    kwargs = {
        "actor": u.centre,
        "units": [world.bureau],
        "category": Category.objects.get(code="C0101"),
        "description": "涵洞坍塌，街道无力独自处置",
        "at": at("2026-11-23 09:00"),
    }
    late = services.case_whistle(title="排水涵洞坍塌", **kwargs)
    answered = services.case_whistle(title="桥面破损", **kwargs)
    services.task_sign(actor=u.bureau, task=answered.tasks.get(), at=at("2026-11-23 09:10"))
    # when the sweep runs after the signing limit
    counts = sweep("2026-11-24 09:00")
    # then the unsigned whistle is supervised by the platform, counted on the unit's record,
    # and the county's centre hears of it with the bureau; the signed one is left alone
    assert counts["whistles_escalated"] == 1
    task = late.tasks.get()
    assert (task.supervise_count, answered.tasks.get().supervise_count) == (1, 0)
    step = CaseEvent.objects.get(case=late, action="supervise")
    assert (step.actor, step.internal, step.data["centre"]) == (None, False, county_centre.name)
    assert inbox(u.county_centre, NotificationKind.SUPERVISED) == 1
    assert inbox(u.bureau, NotificationKind.SUPERVISED) == 1
    # and a second sweep changes nothing
    assert sweep("2026-11-24 09:30")["whistles_escalated"] == 0
    assert Task.objects.get(pk=task.pk).supervise_count == 1
