"""The case services beyond the transition table: deadlines on the work calendar, several
units, returns, rework, merging, notifications, atomicity, and photos (the SLA sweep:
``test_sweep.py``)."""

import io
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.accounts.models import Notification, NotificationKind, SmsMessage
from gridgov.cases import services
from gridgov.cases.models import Case, CaseStatus, Photo, Task, TaskStatus
from gridgov.catalogue.models import Category
from gridgov.core.calendar import working_day_minutes, working_minutes_add
from gridgov.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed

from .conftest import IN_GRID, IN_SIBLING_GRID, jpeg, resident_report

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SH)


def patrol(world, when=None, code="C0301", **kwargs) -> Case:
    """Given: a grid worker's patrol report (it starts at the centre, its accept clock running)."""
    case, _ = services.case_report(
        actor=world.users.grid_worker,
        channel="patrol",
        category=Category.objects.get(code=code),
        description="垃圾满溢",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        at=when,
        **kwargs,
    )
    return case


# --- Deadlines on the work calendar ---------------------------------------------------------------


@pytest.mark.django_db
def test_accept_deadline_crosses_the_weekend(world):
    # given a normal case submitted on Friday 2026-11-27 at 17:00 (60 working minutes to accept)
    case = patrol(world, at("2026-11-27 17:00"))
    # then 30 minutes are left on Friday and the rest runs on Monday morning
    assert case.stage == "accept"
    assert case.due_at == at("2026-11-30 09:00")
    assert case.warn_at == at("2026-11-30 08:48")  # 80 % of the limit


@pytest.mark.django_db
def test_accept_deadline_crosses_the_national_day_holiday(world):
    # given a case submitted on 2026-09-30 at 17:00, the eve of the 国庆 holiday (Oct 1–7)
    case = patrol(world, at("2026-09-30 17:00"))
    # then the clock stops for the holiday and resumes on Thursday Oct 8
    assert case.due_at == at("2026-10-08 09:00")


@pytest.mark.django_db
def test_dispatch_deadline_lands_on_a_make_up_saturday(world):
    # given a case accepted on Friday 2026-10-09 at 17:00 (Saturday Oct 10 is a make-up working day)
    case = patrol(world, at("2026-10-09 16:50"))
    case = services.case_accept(actor=world.users.centre, case=case, at=at("2026-10-09 17:00"))
    # then its dispatch deadline is on the Saturday morning
    assert case.stage == "dispatch"
    assert case.due_at == at("2026-10-10 09:00")


@pytest.mark.django_db
def test_each_stage_stores_its_own_deadline(world):
    case = patrol(world, at("2026-11-24 09:00"))
    case = services.case_accept(actor=world.users.centre, case=case, at=at("2026-11-24 09:10"))
    case = services.case_dispatch(
        actor=world.users.centre, case=case, units=[world.office], at=at("2026-11-24 09:20")
    )
    # the case's own clock stops at dispatch; the task's sign clock starts (120 minutes)
    assert (case.stage, case.due_at) == ("", None)
    task = case.tasks.get()
    assert (task.stage, task.due_at) == ("sign", at("2026-11-24 11:20"))
    task = services.task_sign(actor=world.users.unit, task=task, at=at("2026-11-24 10:00"))
    # handling: 2250 working minutes = five working days
    assert (task.stage, task.due_at) == ("handle", at("2026-12-01 10:00"))


# --- Several units, returns, rework ----------------------------------------------------------------


def dispatched(world, units) -> Case:
    case = patrol(world)
    case = services.case_accept(actor=world.users.centre, case=case)
    return services.case_dispatch(actor=world.users.centre, case=case, units=units)


@pytest.mark.django_db
def test_a_case_is_handled_when_every_unit_is_done_or_has_returned(world, django_capture_on_commit_callbacks):
    # given a case dispatched to the street office and the county bureau
    case = dispatched(world, [world.office, world.bureau])
    office, bureau = case.tasks.get(unit=world.office), case.tasks.get(unit=world.bureau)
    # when the bureau returns it, then the case stays with the office
    services.task_return(actor=world.users.bureau, task=bureau, reason="不属于本单位职责")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DISPATCHED
    # when the office finishes, then the case is handled and waits for the grid worker's re-check
    services.task_sign(actor=world.users.unit, task=office)
    with django_capture_on_commit_callbacks(execute=True):
        services.task_finish(
            actor=world.users.unit, task=Task.objects.get(pk=office.pk), note="已清运", photos=[jpeg()]
        )
    case.refresh_from_db()
    assert (case.status, case.stage) == (CaseStatus.HANDLED, "verify")
    assert Notification.objects.filter(user=world.users.grid_worker, kind=NotificationKind.TO_CHECK).exists()


@pytest.mark.django_db
def test_when_the_only_unit_returns_the_case_goes_back_to_the_centre(
    world, django_capture_on_commit_callbacks
):
    case = dispatched(world, [world.bureau])
    with django_capture_on_commit_callbacks(execute=True):
        services.task_return(actor=world.users.bureau, task=case.tasks.get(), reason="属于街道城管职责")
    case.refresh_from_db()
    # then it waits for dispatch again, the centre is told, and it can go to the right unit
    assert (case.status, case.stage) == (CaseStatus.ACCEPTED, "dispatch")
    assert Notification.objects.filter(user=world.users.centre, kind=NotificationKind.TASK_RETURNED).exists()
    case = services.case_dispatch(actor=world.users.centre, case=case, units=[world.office])
    assert [t.status for t in case.tasks.order_by("pk")] == [TaskStatus.RETURNED, TaskStatus.PENDING]


@pytest.mark.django_db
def test_a_unit_cannot_get_the_same_case_twice(world):
    case = dispatched(world, [world.office])
    services.task_return(actor=world.users.unit, task=case.tasks.get(), reason="请核实位置")
    case.refresh_from_db()
    # the returned task does not block a new one for the same unit
    services.case_dispatch(actor=world.users.centre, case=case, units=[world.office, world.office])
    assert case.tasks.filter(status=TaskStatus.PENDING).count() == 1


@pytest.mark.django_db
def test_a_failed_re_check_sends_the_case_back_for_rework(world, django_capture_on_commit_callbacks):
    case = dispatched(world, [world.office])
    task = services.task_sign(actor=world.users.unit, task=case.tasks.get())
    services.task_finish(actor=world.users.unit, task=task, note="已清运", photos=[jpeg()])
    # when the grid worker finds it is not fixed
    with pytest.raises(ValidationFailed) as no_note:
        services.case_check(actor=world.users.grid_worker, case=Case.objects.get(pk=case.pk), passed=False)
    assert "note" in no_note.value.fields
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_check(
            actor=world.users.grid_worker,
            case=Case.objects.get(pk=case.pk),
            passed=False,
            note="仍有垃圾",
            photos=[jpeg()],
        )
    # then the case is being handled again, the task reopened with a new handling clock
    assert (case.status, case.rework_count) == (CaseStatus.DISPATCHED, 1)
    task.refresh_from_db()
    assert (task.status, task.stage) == (TaskStatus.SIGNED, "handle")
    assert Notification.objects.filter(user=world.users.unit, kind=NotificationKind.REWORK).exists()
    assert case.photos.filter(kind="verification").count() == 1


def _rated(world, rating: str, reporter=None) -> Case:
    """Given: a resident's report fixed by the office, re-checked, closed and rated."""
    case = resident_report(world)
    case = services.case_verify(actor=world.users.grid_worker, case=case)
    case = services.case_accept(actor=world.users.centre, case=case)
    case = services.case_dispatch(actor=world.users.centre, case=case, units=[world.office])
    task = services.task_sign(actor=world.users.unit, task=case.tasks.get())
    services.task_finish(actor=world.users.unit, task=task, note="已清运", photos=[jpeg()])
    case = services.case_check(actor=world.users.grid_worker, case=Case.objects.get(pk=case.pk), passed=True)
    case = services.case_close(actor=world.users.centre, case=case)
    return services.case_rate(actor=world.users.resident, case=case, rating=rating, comment="还是有垃圾")


def test_an_unsatisfied_case_is_reopened_once(world, django_capture_on_commit_callbacks):
    case = _rated(world, "unsatisfied")
    assert "reopen" in services.actions_for(world.users.centre, case)
    assert "reopen" not in services.actions_for(world.users.resident, case)
    # when the centre reopens it (a reason is required)
    with pytest.raises(ValidationFailed):
        services.case_reopen(actor=world.users.centre, case=case, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_reopen(actor=world.users.centre, case=case, reason="诉求人反映仍有垃圾")
    # then the office works on it again with a new handling clock, and the rating is cleared
    assert (case.status, case.reopen_count, case.rating, case.closed_at) == (
        CaseStatus.DISPATCHED,
        1,
        "",
        None,
    )
    task = case.tasks.get()
    assert (task.status, task.stage) == (TaskStatus.SIGNED, "handle") and task.due_at is not None
    assert Notification.objects.filter(user=world.users.unit, kind=NotificationKind.REWORK).exists()
    assert Notification.objects.filter(user=world.users.resident, title__contains=case.number).count() >= 2
    # when it is fixed, closed and rated unsatisfied again
    services.task_finish(actor=world.users.unit, task=task, note="已再次清运", photos=[jpeg()])
    case = services.case_check(actor=world.users.grid_worker, case=Case.objects.get(pk=case.pk), passed=True)
    case = services.case_close(actor=world.users.centre, case=case)
    case = services.case_rate(actor=world.users.resident, case=case, rating="unsatisfied")
    # then it is not offered, and refused, a second time
    assert "reopen" not in services.actions_for(world.users.centre, case)
    with pytest.raises(Conflict) as twice:
        services.case_reopen(actor=world.users.centre, case=case, reason="再次不满意")
    assert twice.value.status == 409 and "一次" in str(twice.value.message)


def test_a_satisfied_case_is_not_reopened(world):
    case = _rated(world, "satisfied")
    assert "reopen" not in services.actions_for(world.users.centre, case)
    with pytest.raises(Conflict) as refused:
        services.case_reopen(actor=world.users.centre, case=case, reason="复查")
    assert "不满意" in str(refused.value.message)
    case.refresh_from_db()
    assert case.status == CaseStatus.RATED and not case.events.filter(action="reopen").exists()


def test_the_centre_resolves_a_simple_case_at_once(world, django_capture_on_commit_callbacks):
    # given a hotline call the centre can answer itself
    case, _ = services.case_report(
        actor=world.users.centre,
        channel="hotline",
        category=Category.objects.get(code="C0301"),
        description="咨询垃圾清运时间",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        contact_phone="13800138000",
    )
    assert "resolve" in services.actions_for(world.users.centre, case)
    # when it resolves it (即办), saying how
    with pytest.raises(ValidationFailed) as no_note:
        services.case_resolve(actor=world.users.centre, case=case, note="")
    assert "note" in no_note.value.fields
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_resolve(actor=world.users.centre, case=case, note="已告知每日19时清运")
    # then the case is closed without any unit, and can be rated
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None and not case.tasks.exists()
    assert "rate" in services.actions_for(world.users.centre, case)
    # and a grid worker may not resolve cases
    with pytest.raises(PermissionDenied):
        services.case_resolve(actor=world.users.grid_worker, case=patrol(world), note="x")


def test_the_centre_supervises_and_urges_each_open_task(world, django_capture_on_commit_callbacks):
    # given a case with the office signed and the bureau not yet
    case = dispatched(world, [world.office, world.bureau])
    office = services.task_sign(actor=world.users.unit, task=case.tasks.get(unit=world.office))
    due_before = office.due_at
    assert {"supervise", "urge"} <= set(services.actions_for(world.users.centre, case))
    assert "supervise" not in services.actions_for(world.users.unit, case)
    # when the centre supervises both (重点督办) and then urges them
    with django_capture_on_commit_callbacks(execute=True):
        services.case_press(
            actor=world.users.centre, case=case, action="supervise", level="key", note="今日办结"
        )
        services.case_press(actor=world.users.centre, case=case, action="urge", level="general")
    # then each task counts it, keeps its state and deadline, and each unit is told
    office.refresh_from_db()
    bureau = case.tasks.get(unit=world.bureau)
    assert (office.status, office.supervise_count, office.urge_count) == (TaskStatus.SIGNED, 1, 1)
    assert (bureau.status, bureau.supervise_count) == (TaskStatus.PENDING, 1) and office.due_at == due_before
    events = case.events.filter(action="supervise")
    assert events.count() == 2 and all(e.data["level"] == "key" and e.note == "今日办结" for e in events)
    assert Notification.objects.filter(user=world.users.unit, kind=NotificationKind.SUPERVISED).exists()
    assert Notification.objects.filter(user=world.users.bureau, kind=NotificationKind.URGED).exists()
    # and a wrong level, a unit pressing, or a case without open tasks are refused
    with pytest.raises(ValidationFailed):
        services.case_press(actor=world.users.centre, case=case, action="urge", level="max")
    with pytest.raises(PermissionDenied):
        services.task_press(actor=world.users.unit, task=office, action="urge", level="general")
    services.task_finish(actor=world.users.unit, task=office, note="已清运", photos=[jpeg()])
    services.task_return(actor=world.users.bureau, task=bureau, reason="不属于本单位职责")
    with pytest.raises(InvalidTransition):
        services.case_press(
            actor=world.users.centre, case=Case.objects.get(pk=case.pk), action="urge", level="key"
        )


def test_a_unit_asks_for_more_time_and_the_centre_decides(
    world, settings, django_capture_on_commit_callbacks
):
    settings.GRIDGOV_EXTENSION_MAX_DAYS = 5
    # given the office signed its task on Friday 6 November 2026 at 09:00
    case = dispatched(world, [world.office])
    task = services.task_sign(actor=world.users.unit, task=case.tasks.get(), at=at("2026-11-06 09:00"))
    due, warn = task.due_at, task.warn_at
    # when it asks for too much, or gives no reason, it is told so
    with pytest.raises(ValidationFailed) as too_long:
        services.task_extension_request(actor=world.users.unit, task=task, days=6, reason="需采购")
    assert "days" in too_long.value.fields
    with pytest.raises(ValidationFailed):
        services.task_extension_request(actor=world.users.unit, task=task, days=2, reason="")
    # when it asks for 2 working days, the centre is told, and a second request must wait
    with django_capture_on_commit_callbacks(execute=True):
        task = services.task_extension_request(actor=world.users.unit, task=task, days=2, reason="需采购彩砖")
    assert (task.extension_days, task.due_at) == (2, due)
    assert Notification.objects.filter(user=world.users.centre, title__contains="2").exists()
    assert services.task_actions_for(world.users.centre, task) == [
        "supervise",
        "urge",
        "extension_approve",
        "extension_refuse",
    ]
    with pytest.raises(Conflict):
        services.task_extension_request(actor=world.users.unit, task=task, days=1, reason="再延")
    with pytest.raises(PermissionDenied):
        services.task_extension_decide(actor=world.users.unit, task=task, approve=True)
    # when the centre approves, the deadline moves 2 working days (over the weekend), the warning with it
    task = services.task_extension_decide(actor=world.users.centre, task=task, approve=True, note="同意")
    assert task.due_at == working_minutes_add(due, 2 * working_day_minutes()) and task.due_at > due
    assert task.warn_at - warn == task.due_at - due
    assert (task.extension_days, task.extension_count, task.status) == (None, 1, TaskStatus.SIGNED)
    # and a refusal needs a reason and leaves the deadline
    task = services.task_extension_request(actor=world.users.unit, task=task, days=1, reason="天气")
    with pytest.raises(ValidationFailed):
        services.task_extension_decide(actor=world.users.centre, task=task, approve=False)
    moved = task.due_at
    task = services.task_extension_decide(
        actor=world.users.centre, task=task, approve=False, note="天气已好转"
    )
    assert (task.due_at, task.extension_days, task.extension_count) == (moved, None, 1)
    with pytest.raises(Conflict):
        services.task_extension_decide(actor=world.users.centre, task=task, approve=True)
    assert [e.action for e in case.events.filter(action__startswith="extension")] == [
        "extension_request",
        "extension_approve",
        "extension_request",
        "extension_refuse",
    ]


def test_the_reporter_of_a_merged_duplicate_follows_the_surviving_case(
    world, django_capture_on_commit_callbacks
):
    from gridgov.cases.access import access_case

    pavement = Category.objects.get(code="C0301")
    first = patrol(world)
    duplicate, _ = services.case_report(
        actor=world.users.other_resident,
        category=pavement,
        description="这里垃圾好多",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
    )
    duplicate = services.case_verify(actor=world.users.grid_worker, case=duplicate)
    # given the centre merged the later report into the first
    with django_capture_on_commit_callbacks(execute=True):
        services.case_merge(actor=world.users.centre, case=duplicate, into=first)
    follower = world.users.other_resident
    # then its reporter may read the surviving case, and hears when it is dispatched and settled
    assert access_case(follower, number=first.number) == first
    with django_capture_on_commit_callbacks(execute=True):
        first = services.case_accept(actor=world.users.centre, case=first)
        first = services.case_dispatch(actor=world.users.centre, case=first, units=[world.office])
    task = services.task_sign(actor=world.users.unit, task=first.tasks.get())
    services.task_finish(actor=world.users.unit, task=task, note="已清运", photos=[jpeg()])
    first = services.case_check(
        actor=world.users.grid_worker, case=Case.objects.get(pk=first.pk), passed=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.case_close(actor=world.users.centre, case=first)
    titles = list(Notification.objects.filter(user=follower).values_list("title", flat=True))
    assert any("派遣" in t and first.number in t for t in titles)
    assert any(first.number in t and "办结" in t for t in titles)
    # but only the surviving case's own reporter is asked to rate it
    assert not Notification.objects.filter(user=follower, kind=NotificationKind.PLEASE_RATE).exists()
    assert "rate" not in services.actions_for(follower, Case.objects.get(pk=first.pk))


def test_a_centre_lets_a_category_dispatch_itself_by_the_routing_table(
    world, django_capture_on_commit_callbacks
):
    from gridgov.catalogue.services import routing_rule_set

    garbage = Category.objects.get(code="C0301")
    # given the street centre switched on auto-dispatch of C0301 to its office
    routing_rule_set(category=garbage, area=world.t.street, handling_unit=world.office, auto_dispatch=True)
    # when the grid worker files a patrol report of it
    with django_capture_on_commit_callbacks(execute=True):
        case = patrol(world)
    # then it is accepted and dispatched at once by the platform, and the office is told
    assert case.status == CaseStatus.DISPATCHED
    task = case.tasks.get()
    assert task.unit == world.office and task.stage == "sign" and task.due_at is not None
    steps = list(case.events.order_by("at", "pk").values_list("action", "actor_id", "data"))
    assert [(a, actor) for a, actor, _d in steps] == [
        ("report", world.users.grid_worker.pk),
        ("accept", None),
        ("dispatch", None),
    ]
    assert steps[2][2]["auto"] is True
    assert Notification.objects.filter(user=world.users.unit, kind=NotificationKind.NEW_TASK).exists()
    # and a resident's report goes on once its grid worker verifies it
    resident_case, _ = services.case_report(
        actor=world.users.resident, category=garbage, description="垃圾满溢", lon=IN_GRID[0], lat=IN_GRID[1]
    )
    assert resident_case.status == CaseStatus.REPORTED
    assert (
        services.case_verify(actor=world.users.grid_worker, case=resident_case).status
        == CaseStatus.DISPATCHED
    )
    # but a case outside every grid, or of a category without the switch, waits for an operator
    unlocated, _ = services.case_report(actor=world.users.resident, category=garbage, description="垃圾满溢")
    assert unlocated.status == CaseStatus.SUBMITTED and not unlocated.tasks.exists()
    assert patrol(world, code="C0302").status == CaseStatus.SUBMITTED
    # and switching it off stops it at once
    routing_rule_set(category=garbage, area=world.t.street, handling_unit=world.office, auto_dispatch=False)
    assert patrol(world).status == CaseStatus.SUBMITTED


def test_dispatch_to_a_unit_outside_the_cases_reach_is_refused(world):
    case = services.case_accept(actor=world.users.centre, case=patrol(world))
    # the neighbouring street's office serves another territory
    with pytest.raises(ValidationFailed) as refused:
        services.case_dispatch(actor=world.users.centre, case=case, units=[world.sibling_office])
    assert "units" in refused.value.fields
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and not case.tasks.exists()


def test_a_case_is_passed_up_to_the_county_and_handed_back(world, django_capture_on_commit_callbacks):
    from gridgov.cases.selectors import cases_list

    street, county = world.users.centre, world.users.county_centre
    case = patrol(world)
    queue = lambda user: [c.number for c in cases_list(user, queue="incoming")]  # noqa: E731
    assert queue(street) == [case.number] and queue(county) == []
    assert "escalate" in services.actions_for(street, case) and "handback" not in services.actions_for(
        street, case
    )
    # the county may not take it before the street passes it on
    with pytest.raises(PermissionDenied):
        services.case_escalate(actor=county, case=case, reason="x")
    # when the street passes it up, saying why
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_escalate(actor=street, case=case, reason="涉及县级多个部门")
    # then it waits in the county's queue, not the street's, and the county is told
    assert case.centre == world.centres[world.t.county.path] and case.status == CaseStatus.SUBMITTED
    assert queue(street) == [] and queue(county) == [case.number]
    assert Notification.objects.filter(
        user=county, kind=NotificationKind.NEW_CASE, title__contains=case.number
    ).exists()
    assert {"escalate", "handback"} <= set(services.actions_for(county, case))
    # when the county hands it back, it is the street's again
    case = services.case_handback(actor=county, case=case, note="请街道牵头")
    assert case.centre == world.centres[world.t.street.path] and queue(street) == [case.number]
    # and the city, at the top, has no centre above
    for holder in (street, county):
        case = services.case_escalate(actor=holder, case=case, reason="再上报")
    assert case.centre == world.centres[world.t.city.path]
    assert "escalate" not in services.actions_for(world.users.city_centre, case)
    with pytest.raises(Conflict):
        services.case_escalate(actor=world.users.city_centre, case=case, reason="再上报")
    names = {key: world.centres[getattr(world.t, key).path].name for key in ("street", "county", "city")}
    steps = case.events.filter(action__in=["escalate", "handback"]).order_by("at", "pk")
    assert [(e.action, e.data["to"]) for e in steps] == [
        ("escalate", names["county"]),
        ("handback", names["street"]),
        ("escalate", names["county"]),
        ("escalate", names["city"]),
    ]


@pytest.mark.django_db
def test_merge_checks_the_target(world):
    first, second = patrol(world), patrol(world)
    with pytest.raises(ValidationFailed):
        services.case_merge(actor=world.users.centre, case=first, into=first)
    services.case_withdraw(actor=world.users.grid_worker, case=second, reason="误报")
    with pytest.raises(ValidationFailed):
        services.case_merge(actor=world.users.centre, case=first, into=Case.objects.get(pk=second.pk))
    third = patrol(world)
    merged = services.case_merge(actor=world.users.centre, case=first, into=third)
    assert (merged.status, merged.merged_into_id) == (CaseStatus.MERGED, third.pk)


# --- Location ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_location_fills_grid_community_street_and_centre(world):
    case, _ = services.case_report(
        actor=world.users.resident,
        category=Category.objects.get(code="C0301"),
        description="垃圾满溢",
        lon=IN_SIBLING_GRID[0],
        lat=IN_SIBLING_GRID[1],
        address="常家村口",
    )
    assert (case.grid, case.community, case.street) == (world.t.sibling_grid, world.t.village, world.t.street)
    assert case.centre == world.centres[world.t.street.path] and case.path == world.t.sibling_grid.path
    assert case.address == "常家村口"


@pytest.mark.django_db
def test_without_a_point_the_case_goes_to_the_city_centre(world):
    case, _ = services.case_report(
        actor=world.users.resident, category=Category.objects.get(code="C0301"), description="垃圾满溢"
    )
    assert case.grid is None and case.centre == world.centres[world.t.city.path]
    assert case.status == CaseStatus.SUBMITTED  # no grid worker can verify it


def test_an_area_without_a_point_places_the_case_in_that_area(world):
    pavement = Category.objects.get(code="C0301")
    # given an external system that names a grid, or only a village, instead of a point
    in_grid, _ = services.case_report(
        actor=world.users.resident, category=pavement, description="垃圾满溢", area=world.t.sibling_grid
    )
    in_village, _ = services.case_report(
        actor=world.users.resident, category=pavement, description="垃圾满溢", area=world.t.village
    )
    # then the grid places it fully, the village up to the village (no grid: the street centre
    # places it further)
    assert (in_grid.grid, in_grid.community, in_grid.street) == (
        world.t.sibling_grid,
        world.t.village,
        world.t.street,
    )
    assert in_grid.status == CaseStatus.REPORTED  # that grid's worker verifies it
    assert in_village.status == CaseStatus.SUBMITTED  # no grid, no grid worker: to the centre
    assert (in_village.grid, in_village.community, in_village.street) == (
        None,
        world.t.village,
        world.t.street,
    )
    assert in_village.path == world.t.village.path and in_village.centre == world.centres[world.t.street.path]
    # and a point, when given, wins over the area
    pointed, _ = services.case_report(
        actor=world.users.resident,
        category=pavement,
        description="垃圾满溢",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        area=world.t.sibling_grid,
    )
    assert pointed.grid == world.t.grid


def test_only_an_open311_client_files_open311_cases(world):
    from gridgov.accounts.auth import client_key_create
    from gridgov.core.errors import PermissionDenied

    pavement = Category.objects.get(code="C0301")
    for user in (world.users.resident, world.users.centre):
        with pytest.raises(PermissionDenied):
            services.case_report(actor=user, category=pavement, description="垃圾满溢", channel="open311")
    # a client key's user acts for the client only when the adapter marked it with its key
    token, _raw = client_key_create(name="数字城管")
    client = token.user
    with pytest.raises(PermissionDenied):
        services.case_report(actor=client, category=pavement, description="垃圾满溢", channel="open311")
    client.open311_key = token
    case, created = services.case_report(
        actor=client,
        category=pavement,
        description="垃圾满溢",
        channel="open311",
        contact={"first_name": "秀兰", "last_name": "王", "email": "a@b.cn", "nickname": "dropped"},
        media_url="https://img.example.cn/1.jpg",
    )
    assert created and case.channel == "open311" and case.status == CaseStatus.SUBMITTED
    assert case.contact == {"first_name": "秀兰", "last_name": "王", "email": "a@b.cn"}
    assert case.contact_name == "王秀兰" and case.media_url == "https://img.example.cn/1.jpg"


def test_a_reporter_adds_a_note_once_and_every_step_moves_updated_at(
    world, django_capture_on_commit_callbacks
):
    case = patrol(world, when=at("2026-11-02 09:00"))
    assert case.updated_at == at("2026-11-02 09:00")
    # when the reporter adds a note with a photo, and retries it
    with django_capture_on_commit_callbacks(execute=True):
        event, created = services.case_comment(
            actor=world.users.grid_worker,
            case=case,
            note="又多了两袋",
            photos=[jpeg()],
            client_ref="n1",
            at=at("2026-11-02 10:00"),
        )
    again, created_again = services.case_comment(
        actor=world.users.grid_worker, case=case, note="又多了两袋", client_ref="n1"
    )
    # then it is one public step without a change of state, told to the centre
    assert (created, created_again, again.pk) == (True, False, event.pk)
    assert (event.action, event.from_status, event.to_status) == ("comment", "submitted", "submitted")
    assert not event.internal and event.photos.count() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.updated_at == at("2026-11-02 10:00")
    assert Notification.objects.filter(user=world.users.centre, source=f"event:{event.pk}").exists()
    # and only the reporter adds notes, never an empty one, never to a withdrawn case
    with pytest.raises(PermissionDenied):
        services.case_comment(actor=world.users.centre, case=case, note="x")
    with pytest.raises(ValidationFailed):
        services.case_comment(actor=world.users.grid_worker, case=case, note="  ")
    with pytest.raises(ValidationFailed):
        services.case_comment(actor=world.users.grid_worker, case=case, note="x", media_url="ftp://x")
    services.case_accept(actor=world.users.centre, case=case, at=at("2026-11-02 11:00"))
    case.refresh_from_db()
    assert case.updated_at == at("2026-11-02 11:00")


# --- Notifications ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_key_moments_reach_the_right_inboxes_and_the_resident_by_sms(
    world, django_capture_on_commit_callbacks
):
    u = world.users
    with django_capture_on_commit_callbacks(execute=True):
        case, _ = services.case_report(
            actor=u.resident,
            category=Category.objects.get(code="C0301"),
            description="垃圾满溢",
            lon=IN_GRID[0],
            lat=IN_GRID[1],
        )
    assert Notification.objects.filter(user=u.grid_worker, kind=NotificationKind.NEW_REPORT).count() == 1
    assert not Notification.objects.filter(user=u.sibling_grid_worker).exists()
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_verify(actor=u.grid_worker, case=case)
    assert Notification.objects.filter(user=u.centre, kind=NotificationKind.NEW_CASE).count() == 1
    assert not Notification.objects.filter(user=u.sibling_centre).exists()
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_accept(actor=u.centre, case=case)
        case = services.case_dispatch(actor=u.centre, case=case, units=[world.office])
    assert Notification.objects.filter(user=u.unit, kind=NotificationKind.NEW_TASK).count() == 1
    assert not Notification.objects.filter(user=u.bureau).exists()
    # the resident heard about the acceptance by SMS, with the case number
    assert SmsMessage.objects.filter(phone="13800138000", text__contains=case.number).count() == 1


# --- Atomicity and photos ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_finish_leaves_nothing_behind(world, settings):
    case = dispatched(world, [world.office])
    task = services.task_sign(actor=world.users.unit, task=case.tasks.get())
    # when something fails after the photos were stored
    with (
        mock.patch("gridgov.cases.services._settle", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.task_finish(actor=world.users.unit, task=task, note="已清运", photos=[jpeg()])
    # then the task is unchanged, no photo row exists and no file is left on disk
    task.refresh_from_db()
    assert task.status == TaskStatus.SIGNED and not Photo.objects.exists()
    media = settings.MEDIA_ROOT
    assert not [p for p in media.rglob("*") if p.is_file()] if media.exists() else True


@pytest.mark.django_db
def test_a_stored_photo_has_no_exif_or_gps(world):
    # given a phone photo carrying its location in EXIF
    image = Image.new("RGB", (400, 300), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (41.0, 14.0, 24.0), 3: "E", 4: (121.0, 59.0, 24.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif().get_ifd(0x8825)
    upload = SimpleUploadedFile("IMG_0001.JPG", buffer.getvalue(), content_type="image/jpeg")
    # when it is attached to a report
    case, _ = services.case_report(
        actor=world.users.resident,
        category=Category.objects.get(code="C0301"),
        description="垃圾满溢",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        photos=[upload],
    )
    # then what is stored, large and thumbnail, reads back without EXIF or GPS
    photo = case.photos.get()
    for stored in (photo.image, photo.thumb):
        with stored.open("rb") as f:
            data = f.read()
        read = Image.open(io.BytesIO(data))
        assert read.format == "JPEG" and not read.getexif() and not read.getexif().get_ifd(0x8825)
        assert b"Exif" not in data and b"PhoneMaker" not in data
    assert (photo.width, photo.height) == (400, 300)


@pytest.mark.django_db
def test_critical_cases_run_around_the_clock(world):
    # given a 特急 gas leak reported by patrol on a Saturday night
    case, _ = services.case_report(
        actor=world.users.grid_worker,
        channel="patrol",
        category=Category.objects.get(code="E0401"),
        description="燃气泄漏，有刺鼻气味",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        answers={"location": "楼道/立管", "smell": True},
        at=at("2026-11-28 22:00"),
    )
    # then it is 特急 by default and must be accepted within ten minutes, not on Monday morning
    assert case.urgency == "critical"
    assert case.due_at == at("2026-11-28 22:10")


@pytest.mark.django_db(transaction=True)
def test_two_operators_acting_on_one_task_at_once_one_wins(world):
    import threading

    from django.db import connection

    # given a dispatched task and two people of the office who press "sign" at the same moment
    case = dispatched(world, [world.office])
    task_id = case.tasks.get().pk
    second = world.users.unit.__class__.objects.create_user(username="chengguan2", password="x-Pass-12345")
    from gridgov.orgs.models import Membership, Role

    Membership.objects.create(user=second, role=Role.UNIT_HANDLER, handling_unit=world.office)
    start, outcomes = threading.Barrier(2), []

    def sign(user):
        try:
            start.wait()
            services.task_sign(actor=user, task=Task.objects.select_related("case", "unit").get(pk=task_id))
            outcomes.append("signed")
        except InvalidTransition as refused:
            outcomes.append(refused.status)
        except Exception as error:  # noqa: BLE001 (anything else is the test's failure)
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(u,)) for u in (world.users.unit, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly one signs, the other gets a 409, and one event is written
    assert sorted(outcomes, key=str) == [409, "signed"]
    assert case.events.filter(action="sign").count() == 1
    assert Task.objects.get(pk=task_id).status == TaskStatus.SIGNED
