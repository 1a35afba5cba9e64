"""Background work of the case loop (Django Tasks API): notifications for each step, and the
SLA sweep that raises "due soon" and "overdue". Both are idempotent: a notification is stored
once per (user, source), and the sweep flags what it has announced."""

import operator
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import reduce

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from gridgov.accounts.models import Notification
from gridgov.accounts.models import NotificationKind as K
from gridgov.accounts.services import notifications_send
from gridgov.catalogue.models import Stage
from gridgov.orgs.models import CommandCentre, HandlingUnit, Membership, Role, path_prefixes

from . import selectors
from .models import OPEN_TASK_STATUSES, Case, CaseEvent, Channel, PressLevel, Task, TaskStatus
from .transitions import CASE_TRANSITIONS, TASK_TRANSITIONS


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


#: Rows announced at a time (their events and messages built, then written): bounds memory
#: when many rows cross at once, as after an outage.
SWEEP_BATCH = 10_000


@dataclass(frozen=True)
class Crossing:
    """A deadline the sweep announces: rows of ``model`` in a source state of the transition
    ``action`` whose ``column`` has passed and whose ``flag`` is not set yet."""

    name: str
    model: type[Case] | type[Task]
    action: str  # also the notification kind
    column: str
    flag: str

    @property
    def statuses(self) -> tuple[str, ...]:
        table = TASK_TRANSITIONS if self.model is Task else CASE_TRANSITIONS
        return table[self.action].sources

    @property
    def returned(self) -> tuple[str, ...]:
        """The fields of a flagged row that its announcement needs."""
        own = ("id", "status", "stage", "warn_at", "due_at")
        return own + (("case", "unit") if self.model is Task else ("number", "centre", "path", "grid"))


#: In this order, so that a row found past both times says "due soon" before "overdue".
CROSSINGS = (
    Crossing("case_due_soon", Case, K.DUE_SOON, "warn_at", "warned"),
    Crossing("case_overdue", Case, K.OVERDUE, "due_at", "overdue_notified"),
    Crossing("task_due_soon", Task, K.DUE_SOON, "warn_at", "warned"),
    Crossing("task_overdue", Task, K.OVERDUE, "due_at", "overdue_notified"),
)

#: What the sweep says, by (row kind, announcement).
SWEEP_TITLES = {
    ("case", K.DUE_SOON): gettext_lazy("Case %(number)s is due soon"),
    ("case", K.OVERDUE): gettext_lazy("Case %(number)s is overdue"),
    ("task", K.DUE_SOON): gettext_lazy("Task %(number)s (%(unit)s) is due soon"),
    ("task", K.OVERDUE): gettext_lazy("Task %(number)s (%(unit)s) is overdue"),
}


def _columns(model, *fields: str) -> list[str]:
    return [connection.ops.quote_name(model._meta.get_field(f).column) for f in fields]


def _moment(value, zone) -> datetime | None:
    """A time read by a raw statement: SQLite gives text in the connection's ``zone`` (UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=zone) if value is not None and value.tzinfo is None else value


def flag_statement(crossing: Crossing, now: datetime) -> tuple[str, list]:
    """The one statement that finds a crossing's rows and flags them, returning them:
    ``UPDATE … SET flag = true WHERE flag = false AND status IN (open) AND time <= now
    RETURNING …``. A case is moved in the same statement (its version and ``updated_at``, as by
    every event).

    Its condition is a range on the (flag, status, time) index, so the rows announced before,
    however many, are never read. A concurrent sweep's update skips what this one flagged
    (PostgreSQL re-checks the condition on a row once its lock is released; SQLite lets one
    writer in at a time), so what this statement returns is announced once."""
    model, at = crossing.model, connection.ops.adapt_datetimefield_value(now)
    table = connection.ops.quote_name(model._meta.db_table)
    flag, status, column = _columns(model, crossing.flag, "status", crossing.column)
    sets, params = [f"{flag} = %s"], [True]
    if model is Task and crossing.flag == "overdue_notified":  # the unit's record (KPIs)
        (was_overdue,) = _columns(Task, "was_overdue")
        sets.append(f"{was_overdue} = %s")
        params.append(True)
    if model is Case:
        version, updated = _columns(Case, "version", "updated_at")
        sets += [f"{version} = {version} + 1", f"{updated} = %s"]
        params.append(at)
    statuses = crossing.statuses
    sql = (
        f"UPDATE {table} SET {', '.join(sets)} WHERE {flag} = %s"
        f" AND {status} IN ({', '.join(['%s'] * len(statuses))}) AND {column} <= %s"
        f" RETURNING {', '.join(_columns(model, *crossing.returned))}"
    )
    return sql, [*params, False, *statuses, at]


def _flag(crossing: Crossing, now: datetime) -> list[dict]:
    """Flag the rows past the crossing's time; the rows this statement flagged (the only ones
    to announce), by field attname."""
    names = [crossing.model._meta.get_field(f).attname for f in crossing.returned]
    with connection.cursor() as cursor:
        cursor.execute(*flag_statement(crossing, now))
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    zone = connection.timezone
    for r in rows:
        r["warn_at"], r["due_at"] = _moment(r["warn_at"], zone), _moment(r["due_at"], zone)
    return rows


def _move_cases(case_ids: set[int], now: datetime) -> dict[int, tuple[str, int]]:
    """Raise the version and ``updated_at`` of the tasks' cases (every event moves its case,
    see ``services._event``); their numbers and command centres. One statement."""
    table = connection.ops.quote_name(Case._meta.db_table)
    pk, number, centre, version, updated = _columns(Case, "id", "number", "centre", "version", "updated_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {version} = {version} + 1, {updated} = %s"
            f" WHERE {pk} IN ({', '.join(['%s'] * len(case_ids))}) RETURNING {pk}, {number}, {centre}",
            [connection.ops.adapt_datetimefield_value(now), *sorted(case_ids)],
        )
        return {pk: (number, centre) for pk, number, centre in cursor.fetchall()}


def _recipients(*, units=(), centres=(), paths=()) -> dict[tuple[str, object], set[int]]:
    """Who hears of the crossings, in one query: the handlers of ``units``, the operators of
    ``centres`` and the grid workers of the grids at ``paths``, keyed by (role, target)."""
    wanted = []
    if units:
        wanted.append(Q(role=Role.UNIT_HANDLER, handling_unit_id__in=sorted(units)))
    if centres:
        wanted.append(Q(role=Role.CENTRE_OPERATOR, command_centre_id__in=sorted(centres)))
    if paths:
        wanted.append(Q(role=Role.GRID_WORKER, org_unit__path__in=sorted(paths)))
    found: dict[tuple[str, object], set[int]] = defaultdict(set)
    if not wanted:
        return found
    rows = Membership.objects.filter(reduce(operator.or_, wanted)).values_list(
        "role", "handling_unit_id", "command_centre_id", "org_unit__path", "user_id"
    )
    for role, unit, centre, path, user in rows:
        target = {Role.UNIT_HANDLER: unit, Role.CENTRE_OPERATOR: centre}.get(role, path)
        found[role, target].add(user)
    return found


def _insert(model, fields: tuple[str, ...], rows: list[tuple], *, fixed: dict, skip_existing=False) -> None:
    """Insert ``rows`` (values of ``fields``) into ``model``'s table in one ``executemany``,
    every row with the ``fixed`` values and the other columns their defaults. The ORM's
    ``bulk_create`` compiles every value of every row, which at the sweep's volumes costs far
    more than the database's work. ``skip_existing``: a row breaking a unique constraint is
    left out (``ON CONFLICT DO NOTHING``, SQLite and PostgreSQL alike)."""
    if not rows:
        return
    columns, constants = [model._meta.get_field(f).column for f in fields], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in fields:
            continue
        columns.append(field.column)
        constants.append(field.get_db_prep_save(fixed.get(field.name, field.get_default()), connection))
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)})"
        f" VALUES ({', '.join(['%s'] * len(columns))})" + (" ON CONFLICT DO NOTHING" if skip_existing else "")
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row, *constants) for row in rows])


def _announce(crossing: Crossing, rows: list[dict], now: datetime) -> None:
    """One internal event per flagged row, the version of their cases raised, and one message
    per recipient and row (stored once per row, deadline and kind): a fixed number of
    statements whatever the number of rows."""
    on_task = crossing.model is Task
    kind = str(crossing.action)
    if on_task:
        cases = _move_cases({r["case_id"] for r in rows}, now)
        names = dict(
            HandlingUnit.objects.filter(pk__in={r["unit_id"] for r in rows}).values_list("pk", "name")
        )
        for r in rows:
            r["number"], r["centre_id"] = cases[r["case_id"]]
            r["unit_name"], r["grids"] = names[r["unit_id"]], ()
    else:
        # A case waiting for its re-check (``verify``) concerns whoever re-checks it: the
        # grid's workers, else the centre (as when it was handed over for the re-check).
        for r in rows:
            r["case_id"] = r["id"]
            r["grids"] = path_prefixes(r["path"]) if r["grid_id"] and r["stage"] == Stage.VERIFY else ()
    who = _recipients(
        units={r["unit_id"] for r in rows} if on_task else (),
        centres={r["centre_id"] for r in rows},
        paths={p for r in rows for p in r["grids"]},
    )
    title = str(SWEEP_TITLES["task" if on_task else "case", kind])
    url = reverse("cases:detail", args=["NUMBER"])
    data_field, db = CaseEvent._meta.get_field("data"), connections[DEFAULT_DB_ALIAS]
    events, messages = [], []
    for r in rows:
        data = {
            "stage": r["stage"],
            "warn_at": r["warn_at"].isoformat() if r["warn_at"] else None,
            "due_at": r["due_at"].isoformat() if r["due_at"] else None,
        }
        if on_task:
            data["unit"] = r["unit_name"]
            users = who[Role.UNIT_HANDLER, r["unit_id"]] | who[Role.CENTRE_OPERATOR, r["centre_id"]]
        elif r["grids"]:
            users = set().union(*(who[Role.GRID_WORKER, p] for p in r["grids"]))
            users = users or who[Role.CENTRE_OPERATOR, r["centre_id"]]
        else:
            users = who[Role.CENTRE_OPERATOR, r["centre_id"]]
        events.append(
            (
                r["case_id"],
                r["id"] if on_task else None,
                r["status"],
                r["status"],
                data_field.get_db_prep_save(data, db),
            )
        )
        text = (title % {"number": r["number"], "unit": r.get("unit_name", "")})[:200]
        link = url.replace("NUMBER", r["number"])
        # Once per row, stage, deadline and kind: a deadline moved by an extension is new.
        stamp = int(r[crossing.column].timestamp())
        source = f"sla:{'task' if on_task else 'case'}:{r['id']}:{r['stage']}:{stamp}:{kind}"
        messages += [(user, text, link, source) for user in sorted(users)]
    _insert(
        CaseEvent,
        ("case", "task", "from_status", "to_status", "data"),
        events,
        fixed={"action": kind, "at": now, "internal": True},
    )
    _insert(
        Notification,
        ("user", "title", "url", "source"),
        sorted(messages, key=lambda m: (m[0], m[3])),  # (user, source): the unique index's order
        fixed={"kind": kind, "created_at": timezone.now()},
        skip_existing=True,
    )


#: What the sweep says when a whistled unit has not signed in time (基层请求·部门必应).
WHISTLE_ESCALATED = gettext_lazy("Whistle %(number)s: %(unit)s did not sign in time and is supervised")
WHISTLE_ESCALATED_NOTE = gettext_lazy("Not signed within the limit: supervised by the platform.")


def _escalate_whistles(rows: list[dict], now: datetime) -> int:
    """An unanswered whistle escalates: each task of a whistle (channel ``grassroots``) that
    turned red still unsigned is supervised (督办, level key) by the platform, counted on the
    unit's record, with a step on the case; the unit's handlers and the operators of the
    command centre over the unit (a county bureau's: the county's) are told. A fixed number of
    statements whatever the number of rows; once per crossing, as the crossing itself."""
    pending = [r["id"] for r in rows if r["status"] == TaskStatus.PENDING]
    if not pending:
        return 0
    late = list(
        Task.objects.filter(pk__in=pending, case__channel=Channel.GRASSROOTS)
        .values("pk", "case_id", "status", "unit_id", "due_at", number=F("case__number"))
        .annotate(unit_name=F("unit__name"), unit_path=F("unit__path"))
        .order_by()
    )
    if not late:
        return 0
    Task.objects.filter(pk__in=[t["pk"] for t in late]).update(supervise_count=F("supervise_count") + 1)
    Case.objects.filter(pk__in={t["case_id"] for t in late}).update(version=F("version") + 1, updated_at=now)
    over = {}
    centres = CommandCentre.objects.filter(
        path__in={p for t in late for p in path_prefixes(t["unit_path"])}
    ).values_list("pk", "path", "name")
    for t in late:
        chain = [(len(path), pk, name) for pk, path, name in centres if t["unit_path"].startswith(path)]
        over[t["pk"]] = max(chain) if chain else None
    who = _recipients(
        units={t["unit_id"] for t in late}, centres={c[1] for c in over.values() if c is not None}
    )
    data_field, db = CaseEvent._meta.get_field("data"), connections[DEFAULT_DB_ALIAS]
    url = reverse("cases:detail", args=["NUMBER"])
    note = str(WHISTLE_ESCALATED_NOTE)
    events, messages = [], []
    for t in late:
        centre = over[t["pk"]]
        data = {"unit": t["unit_name"], "level": PressLevel.KEY, "auto": True}
        if centre is not None:
            data["centre"] = centre[2]
        events.append(
            (t["case_id"], t["pk"], t["status"], t["status"], data_field.get_db_prep_save(data, db))
        )
        users = who[Role.UNIT_HANDLER, t["unit_id"]]
        if centre is not None:
            users = users | who[Role.CENTRE_OPERATOR, centre[1]]
        text = (WHISTLE_ESCALATED % {"number": t["number"], "unit": t["unit_name"]})[:200]
        source = f"whistle:{t['pk']}:{int(t['due_at'].timestamp())}:escalate"
        messages += [(user, text, url.replace("NUMBER", t["number"]), source) for user in sorted(users)]
    _insert(
        CaseEvent,
        ("case", "task", "from_status", "to_status", "data"),
        events,
        fixed={"action": "supervise", "at": now, "note": note},
    )
    _insert(
        Notification,
        ("user", "title", "url", "source"),
        sorted(messages, key=lambda m: (m[0], m[3])),
        fixed={"kind": K.SUPERVISED, "body": note, "created_at": timezone.now()},
        skip_existing=True,
    )
    return len(late)


def sweep(now: datetime) -> dict[str, int]:
    """Announce every crossing up to ``now``; how many rows crossed, by crossing and in all.
    Each crossing is one transaction: its rows are flagged and announced together."""
    counts, escalated = {}, 0
    for crossing in CROSSINGS:
        with transaction.atomic():
            rows = _flag(crossing, now)
            for start in range(0, len(rows), SWEEP_BATCH):
                batch = rows[start : start + SWEEP_BATCH]
                _announce(crossing, batch, now)
                if crossing.name == "task_overdue":
                    escalated += _escalate_whistles(batch, now)
        counts[crossing.name] = len(rows)
    return {
        "due_soon": counts["case_due_soon"] + counts["task_due_soon"],
        "overdue": counts["case_overdue"] + counts["task_overdue"],
        **counts,
        "whistles_escalated": escalated,
    }


@task()
def sla_sweep(at: str | None = None) -> dict[str, int]:
    """The SLA warning sweep: a case or task turns yellow ("due soon") once its warning time
    has passed and red ("overdue") once its due time has, each announced once per crossing with
    an internal event and a message to those concerned (a task: its unit's handlers and the
    operators of its case's command centre; a case: the centre's operators, or the grid's
    workers while it waits for their re-check). Four crossings (case and task, yellow and red),
    each a fixed number of statements per batch of rows, never a loop over open cases; running
    it again changes nothing. ``at``: the moment to sweep up to (ISO 8601), now by default."""
    now = datetime.fromisoformat(at) if at else timezone.now()
    return sweep(now if timezone.is_aware(now) else timezone.make_aware(now))
