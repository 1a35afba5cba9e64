"""The installable app in a real browser: the service worker registers and takes control, the
manifest the page links is valid JSON with its icons, and with the network gone a page shows
the cached offline page instead of the browser's error."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_app_installs_its_worker_and_answers_offline(live_server, reference_data, browser_page):
    from playwright.sync_api import expect

    page = browser_page(expected_failures=[(0, "/cases/report/")])
    # given a phone opening the site
    page.goto(f"{live_server.url}/")
    # then the service worker is registered and ready, and the manifest it links is valid
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{live_server.url}/"
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["name"] == "智慧网格" and manifest["display"] == "standalone"
    sources = [icon["src"] for icon in manifest["icons"]]
    icons = page.evaluate(
        "sources => Promise.all(sources.map(s => fetch(s).then(r => r.headers.get('content-type'))))", sources
    )
    assert set(icons) == {"image/png"}
    # when the page is reloaded (now controlled by the worker) and the network goes away
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/cases/report/")
    # then the offline page answers, styled from the cache
    expect(page.get_by_role("heading", level=1)).to_have_text("网络不可用")
    assert page.evaluate("getComputedStyle(document.querySelector('.app-header')).display") != "inline"
    page.context.set_offline(False)
