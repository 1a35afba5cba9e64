"""Case API benchmark: create cases (no photo) and read case details over real HTTP.

A throw-away SQLite installation (migrations + demo data) is served by gunicorn with two
worker processes; 16 client threads, each signed in as its own resident with a bearer token,
POST new cases at points inside 太平街道's grids, then GET case details. Notifications are
enqueued on the database task queue as in production (no worker drains it during the run).

Run ``python bench/cases_bench.py`` from the repository root, or import ``run()``.
"""

import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLIENTS = 16
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CREATES = int(os.environ.get("BENCH_CREATES", "4000"))
DETAILS = 6000
WARMUP = 200

SETUP = """
import json
from django.contrib.auth import get_user_model
from gridgov.accounts.auth import api_token_create
from gridgov.geo.models import GridPolygon
User = get_user_model()
tokens = []
for i in range(%(clients)d):
    user, _ = User.objects.get_or_create(username=f"bench{i}", defaults={"phone": f"1370000{i:04d}"})
    tokens.append(api_token_create(user=user, name="bench")[1])
points = list(GridPolygon.objects.filter(unit__path__startswith="211122001").values_list("centroid_lon", "centroid_lat"))
print(json.dumps({"tokens": tokens, "points": points}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env, *args):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def _request(port, method, path, token, body=None):
    """One HTTP/1.0 request on a fresh connection (the server closes it after answering);
    hand-written so that the load generator spends little of the machine's CPU."""
    data = json.dumps(body).encode() if body is not None else b""
    head = (
        f"{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
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


def _load(port, jobs, make_request):
    """Run ``jobs`` requests from CLIENTS threads; returns (statuses, latencies, wall seconds, results)."""
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

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, latencies, time.perf_counter() - started, results


def _summary(statuses, latencies, wall) -> dict:
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "per_second": round(len(latencies) / wall, 1),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def run() -> dict:
    var = Path(tempfile.mkdtemp(prefix="gridgov-bench-"))
    env = {
        **os.environ,
        "GRIDGOV_VAR_DIR": str(var),
        "GRIDGOV_TASKS_BACKEND": "database",
        "DEBUG": "0",
        "GRIDGOV_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    server = None
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "load_demo")
        setup = json.loads(_manage(env, "shell", "-c", SETUP % {"clients": CLIENTS}).strip().splitlines()[-1])
        tokens, points = setup["tokens"], setup["points"]
        port = _free_port()
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "256",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        rng = random.Random(7)
        categories = ["C0301", "C0102", "E0101", "E0501", "C0302"]

        def create(index, job):
            lon, lat = points[rng.randrange(len(points))]
            body = {
                "client_id": str(uuid.uuid4()),
                "category": categories[job % len(categories)],
                "description": f"压测上报 {job}",
                "lon": lon + rng.uniform(-0.0003, 0.0003),
                "lat": lat + rng.uniform(-0.0003, 0.0003),
            }
            return _request(port, "POST", "/api/cases/", tokens[index], body)

        _load(port, WARMUP, create)
        statuses, latencies, wall, results = _load(port, CREATES, create)
        creates = _summary(statuses, latencies, wall)
        mine: dict[int, list[str]] = {}
        for i in range(CLIENTS):
            status, payload, _ = _request(port, "GET", "/api/cases/?queue=mine&page_size=100", tokens[i])
            mine[i] = [c["number"] for c in json.loads(payload)["items"]]

        # Repeat reads: each resident follows their 20 latest reports (as the app refreshes).
        def detail(index, job):
            numbers = mine[index][:20]
            return _request(port, "GET", f"/api/cases/{numbers[job % len(numbers)]}", tokens[index])

        _load(port, WARMUP, detail)
        statuses, latencies, wall, _ = _load(port, DETAILS, detail)
        details = _summary(statuses, latencies, wall)

        # First reads: every case is read once (no rendering of it is cached yet).
        def first_read(index, job):
            numbers = mine[index][20:]
            return _request(port, "GET", f"/api/cases/{numbers[job % len(numbers)]}", tokens[index])

        statuses, latencies, wall, _ = _load(port, CLIENTS * 60, first_read)
        first_reads = _summary(statuses, latencies, wall)
        return {
            "cases_api": {
                "setup": f"SQLite, gunicorn {WORKERS} workers, {CLIENTS} concurrent clients, {os.cpu_count()} cores",
                "create_no_photo": creates,
                "case_detail": details,
                "case_detail_first_read": first_reads,
            }
        }
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    json.dump(run(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
