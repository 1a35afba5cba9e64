"""Background work of the case loop (Django Tasks API): notifications for each step, and the
SLA sweep that raises "due soon" and "overdue". Both are idempotent: a notification is stored
once per (user, source), and the sweep flags what it has announced."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_tasks import task

from gridgov.accounts.models import NotificationKind as K
from gridgov.accounts.services import notifications_send
from gridgov.orgs.models import Membership, Role

from . import selectors
from .models import OPEN_STATUSES, OPEN_TASK_STATUSES, Case, CaseEvent, PressLevel, Task


def grid_workers_of(case: Case) -> list[int]:
    return [] if case.grid_id is None else list(selectors.grid_workers_of(case.path))


def centre_operators_of(case: Case) -> list[int]:
    return list(
        Membership.objects.filter(role=Role.CENTRE_OPERATOR, command_centre_id=case.centre_id).values_list(
            "user_id", flat=True
        )
    )


def unit_handlers_of(unit_ids) -> list[int]:
    return list(
        Membership.objects.filter(role=Role.UNIT_HANDLER, handling_unit_id__in=list(unit_ids)).values_list(
            "user_id", flat=True
        )
    )


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.number])


def _reporter(case: Case) -> list[int]:
    return [case.reporter_id] if case.reporter_id else []


def _followers(case: Case) -> list[int]:
    """The reporters of the duplicates merged into ``case``: they follow it."""
    return list(
        Case.objects.filter(merged_into=case, reporter__isnull=False)
        .exclude(reporter_id=case.reporter_id)
        .values_list("reporter_id", flat=True)
        .distinct()
    )


@task()
def case_event_notify(event_id: int) -> int:
    """Tell the people one step concerns; returns how many messages were stored."""
    event = CaseEvent.objects.filter(pk=event_id).select_related("case__category", "task__unit").first()
    if event is None:
        return 0
    case = event.case
    title_args = {"number": case.number, "category": case.category.name}
    source = f"event:{event.pk}"
    url = _case_url(case)
    sent = 0

    def send(user_ids, kind, title, body="", sms=False):
        nonlocal sent
        sent += notifications_send(
            user_ids=user_ids, kind=kind, title=title, body=body, url=url, source=source, sms=sms
        )

    action = event.action
    if action == "report" and event.to_status == "reported":
        send(grid_workers_of(case), K.NEW_REPORT, _("Report %(number)s to verify: %(category)s") % title_args)
    elif action in ("report", "verify", "redispatch"):
        kind = K.TASK_RETURNED if action == "redispatch" else K.NEW_CASE
        send(
            centre_operators_of(case),
            kind,
            _("Case %(number)s waits for the centre: %(category)s") % title_args,
        )
    elif action == "dispatch":
        send(
            unit_handlers_of(event.data.get("unit_ids", [])),
            K.NEW_TASK,
            _("New task %(number)s: %(category)s") % title_args,
        )
        send(
            _followers(case),
            K.CASE_UPDATE,
            _("Case %(number)s, which your report joined, was dispatched to %(units)s.")
            % {**title_args, "units": "、".join(event.data.get("units", []))},
        )
    elif action == "return":
        send(
            centre_operators_of(case),
            K.TASK_RETURNED,
            _("%(unit)s returned case %(number)s") % {**title_args, "unit": event.task.unit.name},
            event.note,
        )
    elif action == "complete":
        users = grid_workers_of(case) or centre_operators_of(case)
        send(users, K.TO_CHECK, _("Case %(number)s was handled: please re-check on site") % title_args)
    elif action in ("rework", "reopen"):
        units = case.tasks.values_list("unit_id", flat=True)
        send(
            unit_handlers_of(units), K.REWORK, _("Case %(number)s must be reworked") % title_args, event.note
        )
        if action == "reopen":
            send(
                [*_reporter(case), *_followers(case)],
                K.CASE_UPDATE,
                _("Your report %(number)s is being handled again.") % title_args,
            )
    elif action == "check":
        send(
            centre_operators_of(case),
            K.CASE_UPDATE,
            _("Case %(number)s passed its re-check: please close it") % title_args,
        )
    elif action == "withdraw":
        users = grid_workers_of(case) if event.from_status == "reported" else centre_operators_of(case)
        send(
            users, K.CASE_UPDATE, _("Case %(number)s was withdrawn by the reporter") % title_args, event.note
        )
    elif action == "accept":
        send(_reporter(case), K.CASE_UPDATE, _("Your report %(number)s was accepted.") % title_args, sms=True)
    elif action == "reject":
        send(
            _reporter(case),
            K.CASE_UPDATE,
            _("Your report %(number)s was not accepted.") % title_args,
            event.note,
            sms=True,
        )
    elif action in ("escalate", "handback"):
        send(
            centre_operators_of(case),
            K.NEW_CASE,
            _("Case %(number)s was passed to your centre by %(centre)s")
            % {**title_args, "centre": event.data.get("from", "")},
            event.note,
        )
    elif action == "extension_request":
        send(
            centre_operators_of(case),
            K.CASE_UPDATE,
            _("%(unit)s asks %(days)d more working days for case %(number)s")
            % {**title_args, "unit": event.task.unit.name, "days": event.data.get("days", 0)},
            event.note,
        )
    elif action in ("extension_approve", "extension_refuse"):
        title = (
            _("Extension of case %(number)s approved")
            if action == "extension_approve"
            else _("Extension of case %(number)s refused")
        )
        send(unit_handlers_of([event.task.unit_id]), K.CASE_UPDATE, title % title_args, event.note)
    elif action in ("supervise", "urge"):
        level = str(PressLevel(event.data.get("level", PressLevel.GENERAL)).label)
        title = (
            _("Case %(number)s is supervised (%(level)s)")
            if action == "supervise"
            else _("Case %(number)s is urged (%(level)s)")
        )
        send(
            unit_handlers_of([event.task.unit_id]),
            K.SUPERVISED if action == "supervise" else K.URGED,
            title % {**title_args, "level": level},
            event.note,
            sms=event.data.get("level") == PressLevel.LISTED,
        )
    elif action == "comment":
        units = case.tasks.filter(status__in=OPEN_TASK_STATUSES).values_list("unit_id", flat=True)
        send(
            [*centre_operators_of(case), *unit_handlers_of(units)],
            K.CASE_UPDATE,
            _("The reporter added to case %(number)s") % title_args,
            event.note,
        )
    elif action == "merge":
        send(
            _reporter(case),
            K.CASE_UPDATE,
            _("Your report %(number)s is handled together with case %(into)s.")
            % {**title_args, "into": event.data.get("into", "")},
        )
    elif action in ("close", "resolve"):
        text = (
            _("Your report %(number)s was fixed: please rate it.")
            if action == "close"
            else _("Your report %(number)s was resolved by the command centre: please rate it.")
        )
        send(
            _reporter(case),
            K.PLEASE_RATE,
            text % title_args,
            event.note if action == "resolve" else "",
            sms=True,
        )
        send(
            _followers(case),
            K.CASE_UPDATE,
            _("Case %(number)s, which your report joined, was settled.") % title_args,
            event.note if action == "resolve" else "",
            sms=True,
        )
    elif action == "rate" and event.data.get("rating") == "unsatisfied":
        send(
            centre_operators_of(case),
            K.CASE_UPDATE,
            _("Case %(number)s was rated unsatisfied") % title_args,
            event.note,
        )
    return sent


def _stamp(row) -> int:
    """Which run of a stage a deadline belongs to (a reopened stage is announced again)."""
    return int(row.stage_started_at.timestamp()) if row.stage_started_at else 0


#: What the sweep says, by (row kind, announcement).
_SWEEP_TITLES = {
    ("case", K.DUE_SOON): _lazy("Case %(number)s is due soon"),
    ("case", K.OVERDUE): _lazy("Case %(number)s is overdue"),
    ("task", K.DUE_SOON): _lazy("Task %(number)s (%(unit)s) is due soon"),
    ("task", K.OVERDUE): _lazy("Task %(number)s (%(unit)s) is overdue"),
}


@task()
def sla_sweep() -> dict:
    """Announce deadlines: "due soon" once the warning time passes, "overdue" once the due
    time passes. Rows are picked by index queries and flagged in one update per kind, so each
    is announced once; who to tell is looked up once per centre, grid or unit."""
    now = timezone.now()
    counts = {K.DUE_SOON: 0, K.OVERDUE: 0}
    recipients: dict[tuple, list[int]] = {}

    def who(key, lookup):
        if key not in recipients:
            recipients[key] = lookup()
        return recipients[key]

    for flag, kind, column in (("warned", K.DUE_SOON, "warn_at"), ("overdue_notified", K.OVERDUE, "due_at")):
        due = Q(**{f"{column}__lte": now, flag: False})
        cases = list(Case.objects.filter(due, status__in=OPEN_STATUSES).order_by()[:500])
        for case in cases:
            if case.stage == "verify":
                users = who(("grid", case.path), lambda c=case: grid_workers_of(c))
            else:
                users = who(("centre", case.centre_id), lambda c=case: centre_operators_of(c))
            notifications_send(
                user_ids=users,
                kind=kind,
                title=_SWEEP_TITLES["case", kind] % {"number": case.number},
                url=_case_url(case),
                source=f"sla:case:{case.pk}:{case.stage}:{_stamp(case)}:{kind}",
            )
        tasks = list(
            Task.objects.filter(due, status__in=OPEN_TASK_STATUSES).select_related("case", "unit")[:500]
        )
        for t in tasks:
            notifications_send(
                user_ids=who(("unit", t.unit_id), lambda t=t: unit_handlers_of([t.unit_id])),
                kind=kind,
                title=_SWEEP_TITLES["task", kind] % {"number": t.case.number, "unit": t.unit.name},
                url=_case_url(t.case),
                source=f"sla:task:{t.pk}:{t.stage}:{_stamp(t)}:{kind}",
            )
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(**{flag: True})
        Task.objects.filter(pk__in=[t.pk for t in tasks]).update(**{flag: True})
        counts[kind] += len(cases) + len(tasks)
    return {"due_soon": counts[K.DUE_SOON], "overdue": counts[K.OVERDUE]}
