"""The declared case and task workflow (ARCHITECTURE §4.4, §5).

Each action names the states it may start from, the state it leads to, who may take it, and
the SLA stage that starts when it is taken (its deadline is stored on the row). The services
apply it with a guarded conditional update; one parametrised test covers every
(state, action) pair.

Who: ``grid_worker`` and ``centre_operator`` act on cases inside their scope; ``unit_handler``
acts on tasks of their handling unit; ``reporter`` is the resident who reported the case.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gridgov.catalogue.models import Stage

from .models import CaseStatus as C
from .models import TaskStatus as T

GRID_WORKER = "grid_worker"
CENTRE = "centre_operator"
UNIT = "unit_handler"
REPORTER = "reporter"
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: tuple[str, ...]
    target: str | None  # None: the state stays (a step such as 督办 that only records)
    actors: tuple[str, ...]
    stage: str = ""  # the SLA stage that starts (its deadline is stored); "" clears the deadline
    on_task: bool = False


CASE_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "verify", _("verify and forward"), (C.REPORTED,), C.SUBMITTED, (GRID_WORKER,), Stage.ACCEPT
        ),
        Transition("accept", _("accept"), (C.SUBMITTED,), C.ACCEPTED, (CENTRE,), Stage.DISPATCH),
        Transition("reject", _("reject"), (C.REPORTED, C.SUBMITTED), C.REJECTED, (GRID_WORKER, CENTRE)),
        Transition(
            "merge", _("merge as duplicate"), (C.REPORTED, C.SUBMITTED, C.ACCEPTED), C.MERGED, (CENTRE,)
        ),
        Transition("dispatch", _("dispatch"), (C.ACCEPTED,), C.DISPATCHED, (CENTRE,)),
        # 即办: a simple matter (a question answered on the phone) the centre settles at once.
        Transition("resolve", _("resolved at once"), (C.SUBMITTED, C.ACCEPTED), C.CLOSED, (CENTRE,)),
        # The centre holding a case passes it to the command centre one level up, which may hand
        # it back down; the state stays (see ``services.case_escalate``).
        Transition("escalate", _("escalated"), (C.SUBMITTED, C.ACCEPTED), None, (CENTRE,)),
        Transition("handback", _("handed back"), (C.SUBMITTED, C.ACCEPTED), None, (CENTRE,)),
        # Taken by the platform when the last open task of a dispatched case is finished.
        Transition("complete", _("all tasks finished"), (C.DISPATCHED,), C.HANDLED, (SYSTEM,), Stage.VERIFY),
        # Taken by the platform when the last open task is returned and none is finished.
        Transition(
            "redispatch", _("back to the centre"), (C.DISPATCHED,), C.ACCEPTED, (SYSTEM,), Stage.DISPATCH
        ),
        Transition("check", _("fix verified"), (C.HANDLED,), C.CHECKED, (GRID_WORKER, CENTRE)),
        Transition("rework", _("sent back for rework"), (C.HANDLED,), C.DISPATCHED, (GRID_WORKER, CENTRE)),
        Transition("close", _("close"), (C.CHECKED,), C.CLOSED, (CENTRE,)),
        Transition("rate", _("rate"), (C.CLOSED,), C.RATED, (REPORTER, CENTRE)),
        # 重办: the reporter was not satisfied; the centre sends the finished tasks back, once.
        Transition("reopen", _("reopened"), (C.RATED,), C.DISPATCHED, (CENTRE,)),
        Transition(
            "withdraw", _("withdraw"), (C.REPORTED, C.SUBMITTED, C.ACCEPTED), C.WITHDRAWN, (REPORTER,)
        ),
        # 审核: the centre reviews what the public sees of a published report (its text redacted,
        # its photos or the whole report hidden); the original is kept. The state stays.
        Transition(
            "moderate",
            _("public content reviewed"),
            (
                C.SUBMITTED,
                C.ACCEPTED,
                C.DISPATCHED,
                C.HANDLED,
                C.CHECKED,
                C.CLOSED,
                C.RATED,
                C.REJECTED,
                C.MERGED,
            ),
            None,
            (CENTRE,),
        ),
        # Taken by the SLA sweep (``tasks.sla_sweep``) in every open state (``OPEN_STATUSES``)
        # when the running stage's warning or due time passes: recorded, state and deadline stay.
        Transition(
            "due_soon",
            _("due soon"),
            (C.REPORTED, C.SUBMITTED, C.ACCEPTED, C.DISPATCHED, C.HANDLED, C.CHECKED),
            None,
            (SYSTEM,),
        ),
        Transition(
            "overdue",
            _("overdue"),
            (C.REPORTED, C.SUBMITTED, C.ACCEPTED, C.DISPATCHED, C.HANDLED, C.CHECKED),
            None,
            (SYSTEM,),
        ),
    ]
}

TASK_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("sign", _("sign"), (T.PENDING,), T.SIGNED, (UNIT,), Stage.HANDLE, on_task=True),
        Transition("return", _("return"), (T.PENDING, T.SIGNED), T.RETURNED, (UNIT,), on_task=True),
        Transition("finish", _("finish"), (T.SIGNED,), T.DONE, (UNIT,), on_task=True),
        # 督办 / 催办: a command centre presses the unit; recorded on the task, its state stays.
        Transition("supervise", _("supervised"), (T.PENDING, T.SIGNED), None, (CENTRE,), on_task=True),
        Transition("urge", _("urged"), (T.PENDING, T.SIGNED), None, (CENTRE,), on_task=True),
        # 延期: the unit asks for more time; the centre approves (the deadline moves) or refuses.
        Transition(
            "extension_request", _("extension requested"), (T.PENDING, T.SIGNED), None, (UNIT,), on_task=True
        ),
        Transition(
            "extension_approve", _("extension approved"), (T.PENDING, T.SIGNED), None, (CENTRE,), on_task=True
        ),
        Transition(
            "extension_refuse", _("extension refused"), (T.PENDING, T.SIGNED), None, (CENTRE,), on_task=True
        ),
        # A whistle's two-way assessment: the whistling centre rates each unit's answer.
        Transition("assess", _("answer rated"), (T.DONE,), None, (CENTRE,), on_task=True),
        # … and the unit rates the request it answered.
        Transition("assess_request", _("request rated by the unit"), (T.DONE,), None, (UNIT,), on_task=True),
        # A failed re-check sends finished tasks back to work.
        Transition(
            "reopen", _("reopened for rework"), (T.DONE,), T.SIGNED, (SYSTEM,), Stage.HANDLE, on_task=True
        ),
        # Taken by the SLA sweep in every open state (``OPEN_TASK_STATUSES``), as for cases.
        Transition("due_soon", _("due soon"), (T.PENDING, T.SIGNED), None, (SYSTEM,), on_task=True),
        Transition("overdue", _("overdue"), (T.PENDING, T.SIGNED), None, (SYSTEM,), on_task=True),
    ]
}

#: The stage a newly dispatched task starts in.
TASK_START_STAGE = Stage.SIGN
#: The stage a new case starts in: reported by a resident → verification by the grid worker
#: is not timed here (it is the grid's job); a submitted case waits for acceptance.
CASE_START_STAGE = {C.REPORTED: "", C.SUBMITTED: Stage.ACCEPT}


def allowed_case_actions(status: str) -> list[Transition]:
    return [t for t in CASE_TRANSITIONS.values() if status in t.sources and SYSTEM not in t.actors]


def allowed_task_actions(status: str) -> list[Transition]:
    return [t for t in TASK_TRANSITIONS.values() if status in t.sources and SYSTEM not in t.actors]
