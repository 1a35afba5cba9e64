"""Open311 GeoReport v2 benchmark: file requests and read the request list over real HTTP.

A throw-away SQLite installation (migrations + demo data) is served by gunicorn with two worker
processes. One Open311 client key (the per-key rate limit switched off) POSTs
``/open311/v2/requests.json`` from 16 threads: located points inside 太平街道's grids, varied
categories, each answering its category's required attributes (and some optional ones), as
form-encoded bodies. Then, with well over 1000 public requests in the default 90-day window,
one client reads ``requests.json?page_size=1000`` (and ``.xml``, and ``extensions=true``)
sequentially. Notifications are enqueued on the database task queue as in production (no
worker drains it during the run).

Run ``python bench/open311_bench.py`` from the repository root, or import ``run()``.
"""

import json
import os
import random
import statistics
import threading
import uuid
import xml.etree.ElementTree as ET
from collections import Counter

from harness import CLIENTS, gunicorn, installation, load, print_json, request, shell_json, summary

WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
POSTS = int(os.environ.get("BENCH_OPEN311_POSTS", "3000"))
WARMUP = 200
GETS = int(os.environ.get("BENCH_OPEN311_GETS", "50"))
GET_WARMUP = 5
PAGE = 1000
#: Categories filed, covering no questions, optional number/text, a required multichoice
#: (E0101), a required yes/no (C0201) and required choices (C0101).
CATEGORIES = ["C0301", "C0102", "E0101", "E0501", "C0302", "C0201", "C0101"]
TARGETS = {"post_per_second_min": 200, "get_1000_median_ms_max": 150}
BASE = "/open311/v2/"

SETUP = """
import json
from gridgov.accounts.auth import client_key_create
from gridgov.accounts.models import TokenPurpose
from gridgov.catalogue.models import Category
from gridgov.geo.models import GridPolygon
token, raw = client_key_create(name="压测数字城管", purpose=TokenPurpose.OPEN311)
points = list(GridPolygon.objects.filter(unit__path__startswith="211122001").values_list("centroid_lon", "centroid_lat"))
questions = {c.code: c.questions or [] for c in Category.objects.filter(code__in=%(codes)r)}
print(json.dumps({"key": raw, "points": points, "questions": questions}))
"""

#: What a request answers to one question of each type (the Open311 attribute values).
SAMPLE_ANSWERS = {
    "text": "A-12",
    "longtext": "压测\n第二行",
    "number": "3",
    "datetime": "2026-11-27T21:30:00+08:00",
}


def _attributes(questions: list[dict], rng: random.Random) -> list[tuple[str, str]]:
    """Form pairs answering every required question and about half the optional ones."""
    pairs: list[tuple[str, str]] = []
    for q in questions:
        if not q.get("required") and rng.random() < 0.5:
            continue
        key, kind = q["key"], q["type"]
        if kind == "yesno":
            pairs.append((f"attribute[{key}]", rng.choice(["true", "false"])))
        elif kind == "choice":
            pairs.append((f"attribute[{key}]", rng.choice(q["choices"])))
        elif kind == "multichoice":
            for choice in rng.sample(q["choices"], rng.randint(1, 2)):
                pairs.append((f"attribute[{key}][]", choice))
        else:
            pairs.append((f"attribute[{key}]", SAMPLE_ANSWERS[kind]))
    return pairs


def _rows(fmt: str, payload: bytes) -> int:
    if fmt == "json":
        return len(json.loads(payload))
    return len(ET.fromstring(payload).findall("request"))


def _sequential(port: int, path: str, fmt: str) -> dict:
    """``GETS`` reads of ``path`` one after another (after ``GET_WARMUP``): latencies and rows."""
    for _ in range(GET_WARMUP):
        request(port, "GET", path)
    latencies, rows, statuses, sizes = [], set(), Counter(), set()
    for _ in range(GETS):
        status, payload, elapsed = request(port, "GET", path)
        latencies.append(elapsed)
        statuses[status] += 1
        rows.add(_rows(fmt, payload) if status == 200 else 0)
        sizes.add(len(payload))
    ordered = sorted(latencies)
    return {
        "path": path,
        "requests": GETS,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "rows": sorted(rows)[0] if len(rows) == 1 else sorted(rows),
        "bytes": max(sizes),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def run() -> dict:
    with installation({"GRIDGOV_OPEN311_RATE_LIMIT": "0"}) as env:
        setup = shell_json(env, SETUP % {"codes": CATEGORIES})
        key, points, questions = setup["key"], setup["points"], setup["questions"]
        with gunicorn(env, WORKERS) as port:
            rng = random.Random(11)
            refused: Counter = Counter()
            refused_lock = threading.Lock()

            def post(index, job):
                lon, lat = points[rng.randrange(len(points))]
                code = CATEGORIES[job % len(CATEGORIES)]
                form = [
                    ("api_key", key),
                    ("service_code", code),
                    ("lat", f"{lat + rng.uniform(-0.0003, 0.0003):.6f}"),
                    ("long", f"{lon + rng.uniform(-0.0003, 0.0003):.6f}"),
                    ("description", f"Open311 压测上报 {job}"),
                    ("client_id", str(uuid.uuid4())),
                    *_attributes(questions[code], rng),
                ]
                status, payload, elapsed = request(port, "POST", f"{BASE}requests.json", form=form)
                if status != 201:
                    with refused_lock:
                        refused[(status, code, payload[:300].decode(errors="replace"))] += 1
                return status, payload, elapsed

            load(WARMUP, post)
            refused.clear()  # only the measured run's refusals are reported
            statuses, latencies, wall, _ = load(POSTS, post)
            posts = summary(statuses, latencies, wall)
            posts["categories"] = CATEGORIES
            if refused:
                posts["refused"] = [
                    {"status": s, "service_code": c, "answer": a, "count": n}
                    for (s, c, a), n in refused.most_common(10)
                ]

            query = f"page_size={PAGE}"
            gets = {
                "json": _sequential(port, f"{BASE}requests.json?{query}", "json"),
                "xml": _sequential(port, f"{BASE}requests.xml?{query}", "xml"),
                "json_extensions": _sequential(port, f"{BASE}requests.json?{query}&extensions=true", "json"),
            }
    return {
        "open311": {
            "setup": (
                f"SQLite, gunicorn {WORKERS} workers, {CLIENTS} concurrent clients for POST, one sequential "
                f"client for GET, {os.cpu_count()} cores, rate limit off"
            ),
            "targets": {
                "post_requests_per_second_min": TARGETS["post_per_second_min"],
                "get_requests_1000_median_ms_max": TARGETS["get_1000_median_ms_max"],
            },
            "post_requests": posts,
            "get_requests_1000": gets,
            "meets_targets": {
                "post_requests": posts["per_second"] >= TARGETS["post_per_second_min"]
                and set(posts["statuses"]) == {"201"},
                **{
                    f"get_requests_1000_{name}": g["median_ms"] <= TARGETS["get_1000_median_ms_max"]
                    and g["rows"] == PAGE
                    for name, g in gets.items()
                },
            },
        }
    }


if __name__ == "__main__":
    print_json(run())
