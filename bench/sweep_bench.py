"""SLA warning sweep benchmark: one sweep over 1,000,000 open tasks on SQLite.

A throw-away SQLite installation (migrations + demo data) gets 600,000 cases and 1,000,000 open
tasks written in bulk by SQL (``INSERT … SELECT`` over a recursive counter), two handlers on
every handling unit and two operators on every command centre. At the sweep's moment the
deadlines are spread as in a working installation: 10 % of the open rows are long overdue and
already announced, 0.5 % have just passed their due time (already yellow), 1 % their warning
time, and the rest lie ahead. The first sweep announces the fresh crossings (events, case
versions, messages); the second finds nothing to do.

Run ``python bench/sweep_bench.py`` from the repository root (prints one JSON object), or import
``run()`` (``bench/run.py`` merges it).
"""

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

from harness import PYTHON, installation, print_json  # noqa: E402

TASKS = int(os.environ.get("BENCH_SWEEP_TASKS", "1000000"))
#: Dispatched cases carry two tasks each; waiting cases (accept or dispatch stage) none.
DISPATCHED = TASKS // 2
WAITING = TASKS // 10
#: The sweep's moment (a Wednesday morning, UTC).
AT = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
#: Share of the open rows, in thousandths: long overdue (announced before), fresh red, fresh yellow.
LONG_OVERDUE, FRESH_RED, FRESH_YELLOW = 100, 5, 10
#: Deadlines follow dispatch order within each of STREAMS streams (stage × urgency × category:
#: different limits), so the rows crossing at one moment lie in a band of each stream.
#: ``BENCH_SWEEP_LAYOUT=scattered`` puts every row in a pseudo-random bucket instead (each
#: crossing row on a page of its own: the slowest case for the database).
STREAMS = 8
LAYOUT = os.environ.get("BENCH_SWEEP_LAYOUT", "streams")
FLAGS = ("warned", "overdue_notified")


def deadlines(i: str, count: int) -> dict[str, str]:
    """The Deadline columns of row ``i`` of ``count`` against the moment ``:T`` (SQLite text
    times, UTC): a bucket in 0..999 says which part of the spread the row is in."""
    if LAYOUT == "scattered":
        bucket = f"(({i}) * 2654435761 % 1000)"
    else:
        per_stream = max(count // STREAMS, 1)
        bucket = f"(((({i}) / {STREAMS}) * 1000 / {per_stream} + 370 * (({i}) % {STREAMS})) % 1000)"
    red, yellow = LONG_OVERDUE + FRESH_RED, LONG_OVERDUE + FRESH_RED + FRESH_YELLOW

    def minutes(long_overdue: str, fresh_red: str, fresh_yellow: str, ahead: str) -> str:
        return (
            f"datetime(:T, (CASE WHEN {bucket} < {LONG_OVERDUE} THEN {long_overdue}"
            f" WHEN {bucket} < {red} THEN {fresh_red} WHEN {bucket} < {yellow} THEN {fresh_yellow}"
            f" ELSE {ahead} END) || ' minutes')"
        )

    jitter = f"({i}) % 50"
    return {
        "stage_started_at": f"datetime(:T, (-3000 - ({i}) % 30000) || ' minutes')",
        "warn_at": minutes(f"-1100 - {jitter}", f"-31 - {jitter}", f"-1 - ({i}) % 20", f"1 + ({i}) % 20000"),
        "due_at": minutes(f"-1000 - {jitter}", f"-1 - {jitter}", f"1 + ({i}) % 100", f"31 + ({i}) % 20000"),
        "warned": f"{bucket} < {red}",
        "overdue_notified": f"{bucket} < {LONG_OVERDUE}",
    }


def _choose(index: str, values: list) -> str:
    """SQL picking ``values[index % len(values)]`` (numbers, or strings quoted)."""
    whens = " ".join(
        f"WHEN {k} THEN {v if isinstance(v, int) else repr(str(v))}" for k, v in enumerate(values)
    )
    return f"CASE ({index}) % {len(values)} {whens} END"


def _insert(db, model, count: int, explicit: dict[str, str], params: dict) -> None:
    """``count`` rows of ``model`` in one ``INSERT … SELECT`` over ``i`` = 1..count: columns in
    ``explicit`` from their SQL, every other column its field's default (so columns added to
    the model later are filled too). ``db``: the sqlite3 connection itself."""
    from django.db import connection

    columns, values = [], []
    for field in model._meta.concrete_fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.name in explicit:
            values.append(explicit[field.name])
        else:
            name = f"default_{field.column}"
            params[name] = field.get_db_prep_save(field.get_default(), connection)
            values.append(f":{name}")
    db.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {count}) "
        f"SELECT {', '.join(values)} FROM seq",
        params,
    )


def populate() -> dict:
    """The people, the cases and the open tasks; what was written."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from gridgov.cases.models import Case, Task
    from gridgov.catalogue.models import Category
    from gridgov.orgs.models import CommandCentre, HandlingUnit, Role
    from gridgov.orgs.services import membership_grant

    User = get_user_model()
    units = list(HandlingUnit.objects.order_by("pk"))
    centres = list(CommandCentre.objects.order_by("pk"))
    for role, targets in ((Role.UNIT_HANDLER, units), (Role.CENTRE_OPERATOR, centres)):
        for target in targets:
            for n in range(2):
                user = User.objects.create_user(username=f"bench-{role}-{target.pk}-{n}", password=None)
                membership_grant(user=user, role=role, target=target)
    category = Category.objects.get(code="C0301")
    base = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    params = {"T": AT.strftime("%Y-%m-%d %H:%M:%S")}
    case_no = f"{base} + i"
    waiting = f"i > {DISPATCHED}"
    with transaction.atomic():
        db = connection.connection
        _insert(
            db,
            Case,
            DISPATCHED + WAITING,
            {
                "id": case_no,
                "number": f"printf('B%015d', {case_no})",
                "channel": "'patrol'",
                "status": f"CASE WHEN {waiting} THEN (CASE i % 2 WHEN 0 THEN 'submitted' ELSE 'accepted' END)"
                " ELSE 'dispatched' END",
                "category": str(category.pk),
                "description": "'压测'",
                "path": _choose("i", [c.path for c in centres]),
                "centre": _choose("i", [c.pk for c in centres]),
                # a dispatched case's own clock is stopped (its tasks run theirs)
                "stage": f"CASE WHEN {waiting} THEN (CASE i % 2 WHEN 0 THEN 'accept' ELSE 'dispatch' END)"
                " ELSE '' END",
                **{
                    column: f"CASE WHEN {waiting} THEN {sql} ELSE {'0' if column in FLAGS else 'NULL'} END"
                    for column, sql in deadlines(f"i - {DISPATCHED}", WAITING).items()
                },
                "created_at": "datetime(:T, '-40 days')",
                "updated_at": "datetime(:T, '-40 days')",
            },
            params,
        )
        # Task i belongs to dispatched case c = (i + 1) / 2, whose two tasks go to two units.
        case_of = "((i + 1) / 2)"
        _insert(
            db,
            Task,
            TASKS,
            {
                "case": f"{base} + {case_of}",
                "unit": _choose(f"2 * {case_of} + i % 2", [u.pk for u in units]),
                "status": "CASE WHEN i % 3 = 0 THEN 'signed' ELSE 'pending' END",
                "path": _choose(case_of, [c.path for c in centres]),
                "stage": "CASE WHEN i % 3 = 0 THEN 'handle' ELSE 'sign' END",
                **deadlines("i", TASKS),
                "created_at": "datetime(:T, '-40 days')",
            },
            params,
        )
    return {
        "units": len(units),
        "centres": len(centres),
        "cases": Case.objects.count(),
        "open_tasks": Task.objects.filter(status__in=("pending", "signed")).count(),
    }


def plans() -> dict[str, str]:
    """SQLite's plan of each crossing's flagging statement."""
    from django.db import connection

    from gridgov.cases.tasks import CROSSINGS, flag_statement

    found = {}
    with connection.cursor() as cursor:
        for crossing in CROSSINGS:
            sql, params = flag_statement(crossing, AT)
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            found[crossing.name] = " / ".join(row[-1] for row in cursor.fetchall())
    return found


def measure() -> dict:
    """In the installation's process: populate, then time two sweeps."""
    import django

    django.setup()
    from django.urls import reverse
    from django.utils.translation import gettext

    from gridgov.accounts.models import Notification
    from gridgov.cases.models import CaseEvent
    from gridgov.cases.tasks import sla_sweep

    started = time.perf_counter()
    written = populate()
    populate_s = time.perf_counter() - started
    plan = plans()
    # A worker process has its URLs and message catalogues loaded already.
    reverse("cases:detail", args=["0"])
    gettext("overdue")
    messages = Notification.objects.count()
    started = time.perf_counter()
    first = sla_sweep.call(at=AT.isoformat())
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    idle = sla_sweep.call(at=AT.isoformat())
    idle_s = time.perf_counter() - started
    return {
        "sweep_1m_open_tasks_first_s": round(first_s, 3),
        "sweep_1m_open_tasks_idle_s": round(idle_s, 4),
        "sweep_crossings": first,
        "sweep_second_run_crossings": sum(idle[k] for k in ("due_soon", "overdue")),
        "sweep_events": CaseEvent.objects.filter(action__in=("due_soon", "overdue")).count(),
        "sweep_notifications": Notification.objects.count() - messages,
        "sweep_rows": {**written, "populate_s": round(populate_s, 1)},
        "sweep_plans": plan,
    }


def run() -> dict:
    with installation() as env:
        out = subprocess.run(
            [PYTHON, str(Path(__file__).resolve()), "--measure"],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(), ensure_ascii=False))
    else:
        print_json(run())
