"""The resident's home page on a slow phone network: loaded on an emulated "slow 4G" profile
(150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, the CPU four times slower), as Lighthouse
does. The time is measured and reported (printed and written to the artifacts folder), not
asserted: a shared CI machine is no phone."""

import json
import os
from pathlib import Path

import pytest

from .test_browser import PHONE_SIZE, resident_sign_in, town  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
TIMING = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return {dom_ready_ms: Math.round(n.domContentLoadedEventEnd), load_ms: Math.round(n.loadEventEnd),
          transferred_kb: Math.round(performance.getEntriesByType("resource").reduce((s, r) => s + r.transferSize, n.transferSize) / 1024)};
}"""


def test_the_residents_home_page_on_slow_4g(live_server, town, browser_page):  # noqa: F811
    from playwright.sync_api import expect

    page = browser_page(viewport=PHONE_SIZE)
    resident_sign_in(page, live_server.url, expect)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    timings = {}
    # The first visit as on a new phone: no HTTP cache, no service worker; the repeat visit as
    # on the resident's phone, with the shell in the service worker's cache.
    for visit, cold in (("first", True), ("repeat", False)):
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": cold})
        cdp.send("Network.setBypassServiceWorker", {"bypass": cold})
        page.goto(f"{live_server.url}/", wait_until="load")
        expect(page.get_by_role("heading", level=1)).to_contain_text("王秀兰")
        timings[visit] = page.evaluate(TIMING)
    report = {"profile": "slow 4G, CPU ×4", "page": "/ (resident)", **timings}
    print("slow-4G load:", json.dumps(report, ensure_ascii=False))
    folder = Path(
        os.environ.get("GRIDGOV_ARTIFACTS_DIR") or Path(__file__).resolve().parents[3] / "var" / "artifacts"
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "slow-4g-load.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    assert timings["first"]["load_ms"] > 0
