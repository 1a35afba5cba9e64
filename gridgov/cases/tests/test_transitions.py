"""Every (state, action) pair of the declared transition table, allowed and forbidden ones:
an allowed action moves to its target state and writes one event; a forbidden one is a 409
that names the current state and changes nothing. The SLA sweep's steps (``due_soon``,
``overdue``) are taken by the sweep alone: in an open state it records the crossing, in any
other it takes nothing."""

from datetime import UTC, datetime

import pytest

from gridgov.cases import services
from gridgov.cases.models import Case, CaseEvent, CaseStatus, Task, TaskStatus
from gridgov.cases.services import _case_step, _task_step
from gridgov.cases.tasks import sla_sweep
from gridgov.cases.transitions import CASE_TRANSITIONS, TASK_TRANSITIONS
from gridgov.core.errors import InvalidTransition

from .conftest import IN_GRID, jpeg


def _report(world, **kwargs):
    case, _created = services.case_report(
        actor=world.users.resident,
        category=world.pavement,
        description="张家村路边彩砖破啦！",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        **kwargs,
    )
    return case


def _force(case: Case, status: str) -> Case:
    """Given: the case in a state, whatever the road to it."""
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


def _case_action(world, case: Case, action: str):
    u = world.users
    if action == "verify":
        return services.case_verify(actor=u.grid_worker, case=case)
    if action == "accept":
        return services.case_accept(actor=u.centre, case=case)
    if action == "reject":
        return services.case_reject(actor=u.centre, case=case, reason="不属于受理范围")
    if action == "merge":
        into = _report(world)
        return services.case_merge(actor=u.centre, case=case, into=into)
    if action == "dispatch":
        return services.case_dispatch(actor=u.centre, case=case, units=[world.office])
    if action == "check":
        return services.case_check(actor=u.grid_worker, case=case, passed=True)
    if action == "rework":
        return services.case_check(actor=u.grid_worker, case=case, passed=False, note="彩砖仍松动")
    if action == "close":
        return services.case_close(actor=u.centre, case=case)
    if action == "rate":
        return services.case_rate(actor=u.resident, case=case, rating="satisfied")
    if action == "withdraw":
        return services.case_withdraw(actor=u.resident, case=case, reason="已自行解决")
    if action == "escalate":
        return services.case_escalate(actor=u.centre, case=case, reason="涉及多个部门，街道难以协调")
    if action == "handback":
        # what a hand-back needs besides the state: the case escalated to the county's centre
        Case.objects.filter(pk=case.pk).update(centre=world.centres[world.t.county.path])
        case.refresh_from_db()
        return services.case_handback(actor=u.county_centre, case=case, note="请街道继续办理")
    if action == "moderate":
        return services.case_moderate(
            actor=u.centre, case=case, public_text="张家村路边彩砖破损", hide_photos=True
        )
    if action == "resolve":
        return services.case_resolve(actor=u.centre, case=case, note="已电话答复诉求人")
    if action == "reopen":
        # what a reopen needs besides the state: an unsatisfied rating and a unit's finished work
        Case.objects.filter(pk=case.pk).update(rating="unsatisfied")
        case.refresh_from_db()
        Task.objects.create(
            case=case, unit=world.office, path=case.path, status=TaskStatus.DONE, created_at=case.created_at
        )
        return services.case_reopen(actor=u.centre, case=case, reason="诉求人反映彩砖仍松动")
    # The platform's own steps (taken when the last open task finishes or is returned).
    return _case_step(case=case, action=action, actor=None, authorise=False)[0]


#: Steps only the SLA sweep takes, on every row whose times have passed.
SWEEP_ACTIONS = ("due_soon", "overdue")


def _swept(row: Case | Task, action: str, state: str):
    """When: the row's warning and due times lie in the past and the sweep runs; then the row
    keeps its state and has one event of the crossing if `state` is a source of it, none if not."""
    past = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    type(row).objects.filter(pk=row.pk).update(
        warn_at=past, due_at=past, warned=False, overdue_notified=False
    )
    sla_sweep.call()
    row.refresh_from_db()
    assert row.status == state
    on_task = isinstance(row, Task)
    took = CaseEvent.objects.filter(action=action, task=row if on_task else None)
    if state in (TASK_TRANSITIONS if on_task else CASE_TRANSITIONS)[action].sources:
        assert (took.count(), took.get().from_status, took.get().to_status) == (1, state, state)
    else:
        assert not took.exists()


CASE_PAIRS = [(state, action) for state in CaseStatus.values for action in CASE_TRANSITIONS]


@pytest.mark.parametrize(("state", "action"), CASE_PAIRS, ids=[f"{s}-{a}" for s, a in CASE_PAIRS])
def test_case_action_in_every_state(world, state, action):
    # given a case in `state`
    case = _force(_report(world), state)
    events_before = CaseEvent.objects.filter(case=case).count()
    transition = CASE_TRANSITIONS[action]
    if action in SWEEP_ACTIONS:
        _swept(case, action, state)
    elif state in transition.sources:
        # when the action is taken, then the case moves to the target and one case event is written
        # (steps of its tasks, as a reopen makes, are their own events)
        result = _case_action(world, case, action)
        assert result.status == (transition.target or state)  # passing it on keeps the state
        assert CaseEvent.objects.filter(case=case, task=None, action=action).count() == 1
    else:
        # when the action is taken, then it is refused as a conflict naming the current state
        with pytest.raises(InvalidTransition) as refused:
            _case_action(world, case, action)
        assert refused.value.status == 409
        assert refused.value.current == state
        assert str(CaseStatus(state).label) in str(refused.value.message)
        case.refresh_from_db()
        assert case.status == state
        assert CaseEvent.objects.filter(case=case).count() == events_before


def _task_action(world, task: Task, action: str):
    u = world.users
    if action == "sign":
        return services.task_sign(actor=u.unit, task=task)
    if action == "return":
        return services.task_return(actor=u.unit, task=task, reason="不属于本单位职责")
    if action == "finish":
        return services.task_finish(actor=u.unit, task=task, note="已更换彩砖", photos=[jpeg()])
    if action in ("supervise", "urge"):
        return services.task_press(actor=u.centre, task=task, action=action, level="key", note="请今日办结")
    if action == "extension_request":
        return services.task_extension_request(actor=u.unit, task=task, days=2, reason="需采购彩砖")
    if action in ("extension_approve", "extension_refuse"):
        # what a decision needs besides the state: a pending request
        Task.objects.filter(pk=task.pk).update(extension_days=2, extension_reason="需采购彩砖")
        task.refresh_from_db()
        approve = action == "extension_approve"
        return services.task_extension_decide(actor=u.centre, task=task, approve=approve, note="材料未到")
    if action == "assess":
        # what an assessment needs besides the state: a whistle, held by the street's centre
        Case.objects.filter(pk=task.case_id).update(channel="grassroots")
        task.case.refresh_from_db()
        return services.task_assess(actor=u.centre, task=task, rating="satisfied", comment="响应及时")
    if action == "assess_request":
        Case.objects.filter(pk=task.case_id).update(channel="grassroots")
        task.case.refresh_from_db()
        return services.task_assess(actor=u.unit, task=task, rating="basic", by_unit=True)
    return _task_step(task=task, action=action, actor=None, authorise=False)[0]


TASK_PAIRS = [(state, action) for state in TaskStatus.values for action in TASK_TRANSITIONS]


@pytest.mark.parametrize(("state", "action"), TASK_PAIRS, ids=[f"{s}-{a}" for s, a in TASK_PAIRS])
def test_task_action_in_every_state(world, state, action):
    # given a dispatched case whose one task is in `state`
    case = _report(world)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ACCEPTED)
    case.refresh_from_db()
    services.case_dispatch(actor=world.users.centre, case=case, units=[world.office])
    task = Task.objects.get(case=case)
    Task.objects.filter(pk=task.pk).update(status=state)
    task.refresh_from_db()
    transition = TASK_TRANSITIONS[action]
    if action in SWEEP_ACTIONS:
        _swept(task, action, state)
    elif state in transition.sources:
        # when the unit acts, then the task moves to the target with an event on the case
        result = _task_action(world, task, action)
        assert result.status == (transition.target or state)  # 督办/催办 keep the state
        assert CaseEvent.objects.filter(case=case, task=task, action=action).count() == 1
    else:
        # when the unit acts, then it is a 409 naming the task's state, and nothing changes
        with pytest.raises(InvalidTransition) as refused:
            _task_action(world, task, action)
        assert refused.value.current == state
        task.refresh_from_db()
        assert task.status == state
        assert not CaseEvent.objects.filter(case=case, task=task).exists()
