"""Directive fan-out benchmark (上级号召·全市响应): one directive issued by 盘山县's command centre
to 1,000 village and community committees of the county, through ``services.directive_issue``
(the case, its two events, 1,000 tasks with the directive's deadline, the notification job on the
database queue), timed end to end in one process on a throw-away SQLite installation.

Run ``python bench/directive_bench.py`` from the repository root, or import ``run()``.
"""

import os

from harness import installation, print_json, shell_json

UNITS = int(os.environ.get("BENCH_DIRECTIVE_UNITS", "1000"))
ROUNDS = 5

CODE = """
import json, statistics, time
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from gridgov.cases import services
from gridgov.catalogue.models import Category
from gridgov.orgs.models import HandlingUnit, OrgUnit, UnitKind

PANSHAN = "211122"
places = list(OrgUnit.objects.filter(path__startswith=PANSHAN, level__in=["street", "community"]).order_by("path"))
HandlingUnit.objects.bulk_create(
    [
        HandlingUnit(
            name=f"第{i + 1}村（居）民委员会",
            kind=UnitKind.VILLAGE_COMMITTEE,
            org_unit=places[i %% len(places)],
            path=places[i %% len(places)].path,
        )
        for i in range(%(units)d)
    ],
    batch_size=500,
)
actor = get_user_model().objects.get(username="panshan")
category = Category.objects.get(code="W0103")
seconds = []
for round in range(%(rounds)d):
    start = time.perf_counter()
    case = services.directive_issue(
        actor=actor,
        unit_kinds=[UnitKind.VILLAGE_COMMITTEE],
        category=category,
        title=f"生存认证集中行动（第{round + 1}批）",
        description="各村（居）委会组织辖区领取养老金人员完成年度生存认证。",
        due_at=timezone.now() + timedelta(days=10),
    )
    seconds.append(time.perf_counter() - start)
    assert case.tasks.count() == %(units)d
print(json.dumps({"units": %(units)d, "seconds": seconds}))
"""


def run() -> dict:
    with installation() as env:
        result = shell_json(env, CODE % {"units": UNITS, "rounds": ROUNDS})
    seconds = sorted(result["seconds"])
    return {
        "directive_fanout_units": result["units"],
        "directive_fanout_median_s": round(seconds[len(seconds) // 2], 3),
        "directive_fanout_max_s": round(seconds[-1], 3),
    }


if __name__ == "__main__":
    print_json(run())
