"""Accessibility of the resident's and the grid worker's pages: axe-core (vendored, WCAG 2.1 A
and AA rules) finds no serious or critical violation on any of them, at phone size."""

import hashlib
from pathlib import Path

import pytest

from gridgov.cases import services
from gridgov.catalogue.models import Category

from .test_browser import IN_GRID, PHONE_SIZE, resident_sign_in, staff_sign_in, town  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "core" / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"
RULES = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"


def serious_violations(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    # Evaluated from outside the page, as the pages' policy refuses any script but their own.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    found = page.evaluate(f"axe.run(document, {RULES})")
    return [
        f"{url} {v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['nodes'][0].get('failureSummary', '')[:200]}"
        for v in found["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_is_the_vendored_release():
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


def test_no_serious_violation_on_the_residents_and_grid_workers_pages(live_server, town, browser_page):  # noqa: F811
    from playwright.sync_api import expect

    base = live_server.url
    case, _ = services.case_report(
        actor=town.users.resident,
        category=Category.objects.get(code="C0301"),
        description="村口垃圾桶满了没人清",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
    )
    problems = []
    visitor = browser_page(viewport=PHONE_SIZE)
    for path in ("/accounts/login/", "/wishes/", "/offline/"):
        problems += serious_violations(visitor, f"{base}{path}")
    resident = browser_page(viewport=PHONE_SIZE)
    resident_sign_in(resident, base, expect)
    for path in (
        "/",
        "/cases/report/",
        "/cases/mine/",
        f"/cases/{case.number}/",
        "/accounts/inbox/",
        "/wishes/",
    ):
        problems += serious_violations(resident, f"{base}{path}")
    worker = browser_page(viewport=PHONE_SIZE)
    staff_sign_in(worker, base, "mengqian")
    for path in ("/", "/cases/queue/to_verify/", "/cases/patrol/", f"/cases/{case.number}/"):
        problems += serious_violations(worker, f"{base}{path}")
    assert problems == []
