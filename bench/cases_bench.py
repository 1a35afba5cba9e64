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
import uuid

from harness import CLIENTS, gunicorn, installation, load, print_json, request, shell_json, summary

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


#: The required extra questions of the categories reported.
ANSWERS = {"E0101": {"waste_kinds": ["生活垃圾"]}}


def run() -> dict:
    with installation() as env:
        setup = shell_json(env, SETUP % {"clients": CLIENTS})
        tokens, points = setup["tokens"], setup["points"]
        with gunicorn(env, WORKERS) as port:
            rng = random.Random(7)
            categories = ["C0301", "C0102", "E0101", "E0501", "C0302"]

            def create(index, job):
                lon, lat = points[rng.randrange(len(points))]
                category = categories[job % len(categories)]
                body = {
                    "client_id": str(uuid.uuid4()),
                    "category": category,
                    "description": f"压测上报 {job}",
                    "lon": lon + rng.uniform(-0.0003, 0.0003),
                    "lat": lat + rng.uniform(-0.0003, 0.0003),
                    "answers": ANSWERS.get(category, {}),
                }
                return request(port, "POST", "/api/cases/", tokens[index], body)

            load(WARMUP, create)
            statuses, latencies, wall, results = load(CREATES, create)
            creates = summary(statuses, latencies, wall)
            mine: dict[int, list[str]] = {}
            for i in range(CLIENTS):
                status, payload, _ = request(port, "GET", "/api/cases/?queue=mine&page_size=100", tokens[i])
                mine[i] = [c["number"] for c in json.loads(payload)["items"]]

            # Repeat reads: each resident follows their 20 latest reports (as the app refreshes).
            def detail(index, job):
                numbers = mine[index][:20]
                return request(port, "GET", f"/api/cases/{numbers[job % len(numbers)]}", tokens[index])

            load(WARMUP, detail)
            statuses, latencies, wall, _ = load(DETAILS, detail)
            details = summary(statuses, latencies, wall)

            # First reads: every case is read once (no rendering of it is cached yet).
            def first_read(index, job):
                numbers = mine[index][20:]
                return request(port, "GET", f"/api/cases/{numbers[job % len(numbers)]}", tokens[index])

            statuses, latencies, wall, _ = load(CLIENTS * 60, first_read)
            first_reads = summary(statuses, latencies, wall)
    return {
        "cases_api": {
            "setup": f"SQLite, gunicorn {WORKERS} workers, {CLIENTS} concurrent clients, {os.cpu_count()} cores",
            "create_no_photo": creates,
            "case_detail": details,
            "case_detail_first_read": first_reads,
        }
    }


if __name__ == "__main__":
    print_json(run())
