"""What the HTTP benchmarks share: a throw-away SQLite installation (migrations + demo data),
gunicorn serving it, a hand-written HTTP/1.0 client, a threaded load runner and the summary of
a run.

Typical use::

    with installation({"SOME_SETTING": "1"}) as env:
        data = shell_json(env, SETUP_CODE)
        with gunicorn(env, workers=2) as port:
            statuses, latencies, wall, results = load(1000, lambda index, job: request(port, "GET", "/"))
            print(summary(statuses, latencies, wall))
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
#: Concurrent client threads of a load run.
CLIENTS = 16


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    """Run ``manage.py`` with ``args`` in ``env``; its stdout (raises when it fails)."""
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def shell_json(env: dict, code: str):
    """Run ``code`` in ``manage.py shell``; the JSON it printed on its last line."""
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


#: How every bench serves: tasks on the database queue, DEBUG off, quiet logs, and no limit on
#: reports (a load generator is one address sending many).
BENCH_ENV = {
    "GRIDGOV_TASKS_BACKEND": "database",
    "DEBUG": "0",
    "GRIDGOV_LOG_LEVEL": "WARNING",
    "GRIDGOV_REPORT_RATE_USER": "0",
    "GRIDGOV_REPORT_RATE_IP": "0",
}


@contextmanager
def installation(extra_env: dict | None = None) -> Iterator[dict]:
    """A throw-away SQLite installation (``GRIDGOV_VAR_DIR`` in a temporary directory, migrated,
    demo data loaded, ``BENCH_ENV``); yields its
    environment and removes the directory afterwards. ``DATABASE_URL`` is never inherited."""
    var = Path(tempfile.mkdtemp(prefix="gridgov-bench-"))
    env = {
        **os.environ,
        "GRIDGOV_VAR_DIR": str(var),
        **BENCH_ENV,
        **(extra_env or {}),
    }
    env.pop("DATABASE_URL", None)
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo")
        yield env
    finally:
        shutil.rmtree(var, ignore_errors=True)


def gunicorn_start(
    env: dict, workers: int, port: int, *, app: str = "config.wsgi:application", options=(), **popen
) -> subprocess.Popen:
    """A gunicorn process serving ``env``'s installation (``app``, with gunicorn ``options``)
    with ``workers`` worker processes on ``port`` of the loopback address."""
    return subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            app,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "256",
            *options,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **popen,
    )


@contextmanager
def gunicorn(env: dict, workers: int) -> Iterator[int]:
    """gunicorn serving ``env``'s installation with ``workers`` worker processes on a free
    local port; yields the port once it accepts connections, stops the server afterwards."""
    port = free_port()
    server = gunicorn_start(env, workers, port)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def request(
    port: int,
    method: str,
    path: str,
    token: str | None = None,
    body=None,
    *,
    form=None,
) -> tuple[int, bytes, float]:
    """One HTTP/1.0 request on a fresh connection (the server closes it after answering);
    hand-written so that the load generator spends little of the machine's CPU.

    ``body`` is sent as JSON, ``form`` (a dict, or a list of pairs for repeated names) as
    ``application/x-www-form-urlencoded``; ``token`` as a bearer token (no Authorization
    header without one). Returns (status, response body, seconds)."""
    if form is not None:
        data = urlencode(form, doseq=True).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        data = json.dumps(body).encode() if body is not None else b""
        content_type = "application/json"
    authorization = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (
        f"{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n{authorization}"
        f"Content-Type: {content_type}\r\nContent-Length: {len(data)}\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head + data)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    elapsed = time.perf_counter() - started
    raw = b"".join(chunks)
    header, _, payload = raw.partition(b"\r\n\r\n")
    return int(header.split(b" ", 2)[1]), payload, elapsed


def load(
    jobs: int, make_request: Callable[[int, int], tuple[int, bytes, float]], clients: int = CLIENTS
) -> tuple[dict[int, int], list[float], float, list[bytes]]:
    """Run ``jobs`` requests from ``clients`` threads; ``make_request(thread index, job number)``
    makes one and returns what ``request`` does. Returns (status counts, latencies, wall
    seconds, response bodies)."""
    lock = threading.Lock()
    remaining = list(range(jobs))
    latencies, statuses, results = [], {}, []

    def client(index):
        while True:
            with lock:
                if not remaining:
                    return
                job = remaining.pop()
            status, payload, elapsed = make_request(index, job)
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                results.append(payload)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, latencies, time.perf_counter() - started, results


def summary(statuses: dict[int, int], latencies: list[float], wall: float) -> dict:
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "per_second": round(len(latencies) / wall, 1),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def print_json(result: dict) -> None:
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
