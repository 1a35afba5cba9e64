"""`make bench`: run every benchmark and print one JSON object on stdout.

Each module in BENCHES exposes ``run() -> dict``; their results are merged.
"""

import importlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BENCHES = ["geo_bench", "cases_bench", "open311_bench", "sweep_bench", "directive_bench", "insights_bench"]


def main() -> None:
    results: dict = {}
    for name in BENCHES:
        results.update(importlib.import_module(name).run())
    json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
