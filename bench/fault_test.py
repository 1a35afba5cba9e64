"""`make faults`: no report is lost or filed twice while the server is being hurt.

A throw-away SQLite installation (a temporary directory: migrations, a grid with its polygon,
one resident with an API token per client) is served by gunicorn with two sync workers. Eight
client threads submit 4,000 reports through ``POST /api/cases/``, each with its own client id
and a body of its own, and send the very same request again on a connection error, a timeout,
a 502/503/504 or a 429 (after ``Retry-After`` when the answer gives one) until it is
acknowledged (201, or 200 for a retry of a report already filed). Meanwhile a chaos thread
SIGKILLs a random gunicorn worker about once a second (the arbiter starts a new one) and, a few
times during the run, holds the database's write lock for 1.5 s from a connection of its own:
SQLite's lock (``BEGIN IMMEDIATE``, as another program would) and, every other time, the writer
queue's as well (as a writer in another server process would). The server's busy timeout is
1 s, so those holds answer 503 with ``Retry-After``.

At the end the cases in the database are compared with the acknowledged client ids: ``lost``
(acknowledged, not stored, or stored under another number), ``duplicated`` (a client id or a
report body stored more than once), ``incomplete`` (a case without its report step) and
``server_errors`` (any 5xx other than 503). One JSON object is printed; the exit status is 1
when any of those is not 0 (or a report was refused), 77 when gunicorn cannot be started.

Run ``python bench/fault_test.py`` from the repository root (``--help`` for a smaller run). It
never touches the developer's database, and stops its server on exit or Ctrl-C.
"""

import argparse
import contextlib
import fcntl
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BENCH_ENV, ROOT, free_port, gunicorn_start, manage, shell_json  # noqa: E402

#: Exit status when the server cannot be started at all (nothing was tested).
CANNOT_START = 77

SETUP = """
import json
from gridgov.accounts.auth import api_token_create
from gridgov.geo.services import grid_polygon_set
from gridgov.orgs.tests.factories import attach_units, make_territory, make_user
t = make_territory()
attach_units(t)
west, south, step = 121.99, 41.24, 0.01
ring = [[west, south], [west + step, south], [west + step, south + step], [west, south + step], [west, south]]
grid_polygon_set(actor=None, unit=t.grid, geometry={"type": "Polygon", "coordinates": [ring]})
tokens = []
for i in range(%(clients)d):
    user = make_user(f"fault{i}", phone=f"1370000{i:04d}")
    tokens.append(api_token_create(user=user, name="fault test")[1])
print(json.dumps({"tokens": tokens, "point": [west + step / 2, south + step / 2]}))
"""

#: Subcategories a resident reports, with the extra questions they require.
CATEGORIES = {"C0301": {}, "C0102": {}, "E0501": {}, "C0302": {}, "E0101": {"waste_kinds": ["生活垃圾"]}}
#: Answers after which the same request is sent again.
RETRIED_STATUSES = {429, 502, 503, 504}


class Run:
    """What the clients and the chaos thread count, under one lock."""

    def __init__(self, reports: int):
        self.lock = threading.Lock()
        self.pending = list(range(reports))
        self.acknowledged: dict[str, str] = {}  # client id (hex) → case number
        self.bodies: dict[str, str] = {}  # client id (hex) → description
        self.statuses: Counter = Counter()
        self.refused: list[str] = []
        self.retries = 0
        self.kills = 0
        self.lock_holds = 0
        self.done = threading.Event()

    def next_job(self) -> int | None:
        with self.lock:
            return self.pending.pop() if self.pending else None

    def count(self, key, retried: bool) -> None:
        with self.lock:
            self.statuses[str(key)] += 1
            self.retries += retried

    @property
    def progress(self) -> int:
        return len(self.acknowledged)


def post(port: int, token: str, body: bytes, timeout: float) -> tuple[int, bytes, str | None]:
    """One POST on a fresh connection: (status, body, Retry-After)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST",
            "/api/cases/",
            body=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("Retry-After")
    finally:
        conn.close()


def client(run: Run, index: int, port: int, token: str, point, timeout: float, stop: threading.Event):
    rng = random.Random(index)
    while not stop.is_set() and (job := run.next_job()) is not None:
        client_id = uuid.uuid4()
        category = list(CATEGORIES)[job % len(CATEGORIES)]
        description = f"故障测试上报 {job} {client_id.hex[:8]}"
        body = json.dumps(
            {
                "client_id": str(client_id),
                "category": category,
                "description": description,
                "lon": point[0] + rng.uniform(-0.004, 0.004),
                "lat": point[1] + rng.uniform(-0.004, 0.004),
                "answers": CATEGORIES[category],
            }
        ).encode()
        attempt = 0
        while not stop.is_set():  # the same request until it is acknowledged
            retried = attempt > 0
            attempt += 1
            try:
                status, payload, retry_after = post(port, token, body, timeout)
            except TimeoutError:
                run.count("timeout", retried)
                continue
            except (OSError, http.client.HTTPException):  # refused, reset, closed mid-answer
                run.count("connection_error", retried)
                time.sleep(rng.uniform(0.05, 0.2))
                continue
            run.count(status, retried)
            if status in (200, 201):
                number = json.loads(payload)["number"]
                with run.lock:
                    run.acknowledged[client_id.hex] = number
                    run.bodies[client_id.hex] = description
                break
            if status in RETRIED_STATUSES:
                time.sleep(min(float(retry_after or 0.2), 5) + rng.uniform(0, 0.2))
                continue
            with run.lock:  # a 4xx (or a 500): the request is refused, not retried
                run.refused.append(f"{status} {payload[:200].decode(errors='replace')}")
            break


def workers_of(arbiter: int) -> list[int]:
    """The live worker processes of the gunicorn ``arbiter``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == arbiter and fields[0] not in ("Z", "X"):
                pids.append(int(entry.name))
    return pids


def hold_write_lock(db: str, seconds: float, with_queue: bool) -> None:
    """The database's write lock held for ``seconds`` by a connection of this process."""
    fd = None
    if with_queue:
        fd = os.open(f"{db}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        time.sleep(seconds)
        conn.execute("ROLLBACK")
    finally:
        conn.close()
        if fd is not None:
            os.close(fd)


def chaos(run: Run, args, arbiter: int, db: str, reports: int, stop: threading.Event) -> None:
    """Kill a random worker about every ``kill_every`` seconds; hold the write lock when the
    acknowledged reports pass 1/(n+1), 2/(n+1) … of the total."""
    rng = random.Random(1)
    marks = [reports * (k + 1) // (args.lock_holds + 1) for k in range(args.lock_holds)]
    next_kill = time.monotonic() + args.kill_every * rng.uniform(0.5, 1.5)
    while not (run.done.is_set() or stop.is_set()):
        if marks and run.progress >= marks[0]:
            marks.pop(0)
            hold_write_lock(db, args.hold_seconds, with_queue=run.lock_holds % 2 == 1)
            run.lock_holds += 1
        if time.monotonic() >= next_kill and (args.max_kills is None or run.kills < args.max_kills):
            workers = workers_of(arbiter)
            if workers:
                try:
                    os.kill(rng.choice(workers), signal.SIGKILL)
                    run.kills += 1
                except ProcessLookupError:
                    pass
            next_kill = time.monotonic() + args.kill_every * rng.uniform(0.5, 1.5)
        time.sleep(0.02)


def stored_cases(db: str) -> tuple[list[tuple[str, str, str]], int]:
    """(client id, number, description) of every case, and the number of cases without their
    report step."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT client_id, number, description FROM cases_case").fetchall()
        incomplete = conn.execute(
            "SELECT COUNT(*) FROM cases_case c WHERE NOT EXISTS "
            "(SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id AND e.action = 'report')"
        ).fetchone()[0]
    finally:
        conn.close()
    return [(str(c or "").replace("-", ""), n, d) for c, n, d in rows], incomplete


def application():
    """The platform's WSGI application with its URLconf loaded (every view, the API and its
    schemas), for gunicorn's ``--preload``: a killed worker's replacement is forked from the
    arbiter ready to answer, instead of importing all that on its first request. No database
    connection is left open to be shared by the forks."""
    from django.db import connections
    from django.urls import get_resolver

    from config.wsgi import application as wsgi_application

    get_resolver().url_patterns  # noqa: B018 (imports the views)
    connections.close_all()
    return wsgi_application


def start_server(env: dict, workers: int, port: int) -> subprocess.Popen:
    """gunicorn (its own process group) serving ``env``'s installation; the app is loaded once
    in the arbiter (``application``), so a killed worker is replaced by a fork at once."""
    return gunicorn_start(
        env,
        workers,
        port,
        app="fault_test:application()",
        options=("--pythonpath", f"{ROOT},{ROOT / 'bench'}", "--preload", "--timeout", "30"),
        start_new_session=True,
    )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def wait_until_serving(server: subprocess.Popen, port: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-every", type=float, default=1.0, help="seconds between worker kills (about)")
    parser.add_argument("--max-kills", type=int, default=None)
    parser.add_argument("--lock-holds", type=int, default=4)
    parser.add_argument("--hold-seconds", type=float, default=1.5)
    parser.add_argument("--busy-timeout", type=float, default=1.0, help="the server's SQLite busy timeout")
    parser.add_argument("--timeout", type=float, default=15.0, help="a client's wait for an answer")
    args = parser.parse_args(argv)

    # SIGTERM ends the run like Ctrl-C: the server and the temporary directory go with it.
    signal.signal(signal.SIGTERM, _interrupt)
    var = Path(tempfile.mkdtemp(prefix="gridgov-faults-"))
    env = {
        **os.environ,
        "GRIDGOV_VAR_DIR": str(var),
        "GRIDGOV_SQLITE_PATH": str(var / "gridgov.sqlite3"),
        "GRIDGOV_SQLITE_BUSY_TIMEOUT": str(args.busy_timeout),
        **BENCH_ENV,
    }
    env.pop("DATABASE_URL", None)
    db = env["GRIDGOV_SQLITE_PATH"]
    server = None
    stop = threading.Event()
    try:
        manage(env, "migrate", "--noinput", "-v0")
        setup = shell_json(env, SETUP % {"clients": args.clients})
        port = free_port()
        server = start_server(env, args.workers, port)
        if not wait_until_serving(server, port):
            print(json.dumps({"error": "gunicorn did not start"}), file=sys.stderr)
            return CANNOT_START
        run = Run(args.reports)
        started = time.perf_counter()
        threads = [
            threading.Thread(
                target=client,
                args=(run, i, port, setup["tokens"][i], setup["point"], args.timeout, stop),
                daemon=True,
            )
            for i in range(args.clients)
        ]
        chaos_thread = threading.Thread(
            target=chaos, args=(run, args, server.pid, db, args.reports, stop), daemon=True
        )
        for t in threads:
            t.start()
        chaos_thread.start()
        for t in threads:
            while t.is_alive():
                t.join(timeout=0.5)  # wakes up for Ctrl-C
        run.done.set()
        chaos_thread.join()
        seconds = time.perf_counter() - started
        stop_server(server)

        rows, incomplete = stored_cases(db)
        by_id = Counter(c for c, _, _ in rows)
        by_body = Counter(d for _, _, d in rows)
        number_of = {c: n for c, n, _ in rows}
        lost = sum(1 for c, n in run.acknowledged.items() if number_of.get(c) != n)
        duplicated = sum(n - 1 for n in by_id.values() if n > 1) + sum(
            n - 1 for n in by_body.values() if n > 1
        )
        server_errors = sum(
            n for s, n in run.statuses.items() if s.isdigit() and int(s) >= 500 and s != "503"
        )
        result = {
            "reports": args.reports,
            "acknowledged": len(run.acknowledged),
            "stored": len(rows),
            "lost": lost,
            "duplicated": duplicated,
            "incomplete": incomplete,
            "refused": len(run.refused),
            "server_errors": server_errors,
            "retries": run.retries,
            "kills": run.kills,
            "lock_holds": run.lock_holds,
            "statuses": dict(sorted(run.statuses.items())),
            "seconds": round(seconds, 1),
            "setup": (
                f"SQLite (busy timeout {args.busy_timeout:g} s), gunicorn {args.workers} sync workers "
                f"(--preload), {args.clients} clients, {os.cpu_count()} cores"
            ),
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        for refusal in run.refused[:5]:
            print(f"refused: {refusal}", file=sys.stderr)
        failed = (
            lost
            or duplicated
            or incomplete
            or run.refused
            or server_errors
            or len(run.acknowledged) != args.reports
            or len(rows) != args.reports
        )
        return 1 if failed else 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        stop.set()
        if server is not None:
            stop_server(server)
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
