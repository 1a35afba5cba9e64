"""Fixtures shared by every app's tests."""

import os
import re
from collections.abc import Iterable

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    # Password hashing is deliberately slow; tests do not need it to be (accounts' tests prove
    # the settings' Argon2 with a real round trip).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Staff sign in with a password unless they enrolled a two-factor device (whatever the
    # environment's default); tests of the "required" mode set it themselves.
    settings.GRIDGOV_STAFF_TOTP = "optional"
    # Every process sees grid changes at once.
    settings.GRIDGOV_GEO_RECHECK_SECONDS = 0
    # Background tasks run where they are enqueued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Nothing cached by one test (placements, rendered cases) may leak into the next.
    cache.clear()


# --- Real-browser tests (@pytest.mark.browser) -------------------------------------------------
#
# They drive the system Chromium through Playwright; no browser is ever downloaded. Without
# Chromium they are skipped, unless GRIDGOV_BROWSER_REQUIRED=1 (set by CI after installing it),
# in which case they fail.

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = (390, 844)
DESK = (1440, 900)


def _browser_unavailable(reason: str):
    if os.environ.get("GRIDGOV_BROWSER_REQUIRED") == "1":
        pytest.fail(f"{reason}, but GRIDGOV_BROWSER_REQUIRED=1: browser tests must run.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    if not os.path.exists(CHROMIUM_PATH):
        _browser_unavailable(f"Chromium is not installed (no {CHROMIUM_PATH})")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _browser_unavailable("Playwright is not installed (pip install -e '.[dev]')")
    from django.db import connections

    # Playwright's sync API keeps an event loop running in the test thread, which trips Django's
    # async-safety check on every query made by the test itself (the ORM is still used from one
    # thread at a time). Relaxed from here to the end of the session: Playwright stays started.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # With a loop running, Django keeps the thread's connections in context-local storage
    # instead (asgiref's thread-critical Local), where the test would get fresh connection
    # objects, without what the test database setup put on them (serialized_rollback's data).
    # Carry the thread's connections over.
    carried = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in carried.items():
        connections[alias] = connection
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    except Exception as error:
        playwright.stop()
        _browser_unavailable(f"Chromium at {CHROMIUM_PATH} did not start: {error}")
    # Pages answer from a live server on this machine; a CI runner may still be slow.
    expect.set_options(timeout=10_000)
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _expected(status: int, url: str, expected: Iterable[tuple[int, str]]) -> bool:
    return any(status == code and part in url for code, part in expected)


def _watch(page, expected: list[tuple[int, str]]) -> None:
    """Collect on the page what went wrong: ``page.console_errors`` (console errors and
    uncaught exceptions) and ``page.failed_requests`` (responses >= 400 and requests that got
    no response), except the ``expected`` ones ((status, URL part) pairs)."""
    page.console_errors = []
    page.failed_requests = []
    page.expected_failures = expected

    def on_console(message):
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        # The browser's own line for an HTTP error; the response itself is judged below.
        status = re.search(r"status of (\d{3})", message.text)
        if status and _expected(int(status.group(1)), url, page.expected_failures):
            return
        page.console_errors.append(f"{message.text} ({url})")

    def on_response(response):
        if response.status >= 400 and not _expected(response.status, response.url, page.expected_failures):
            page.failed_requests.append(f"{response.status} {response.request.method} {response.url}")

    def on_request_failed(request):
        failure = request.failure or ""
        # A request cancelled because the page navigated away (a form posted) is not an error.
        if "ERR_ABORTED" not in failure:
            page.failed_requests.append(f"{failure} {request.method} {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures know at teardown how it went."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _save_screenshots(node, pages) -> None:
    """A failed browser test leaves a screenshot of each of its pages in the artifacts folder
    (``GRIDGOV_ARTIFACTS_DIR``, default ``var/artifacts``)."""
    from pathlib import Path

    folder = Path(os.environ.get("GRIDGOV_ARTIFACTS_DIR") or Path(__file__).parent / "var" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", node.nodeid)
    for i, page in enumerate(pages, 1):
        if page.is_closed():
            continue
        path = folder / f"{stem}-{i}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as error:  # a page that cannot be shot must not hide the failure
            print(f"no screenshot of page {i}: {error}")
        else:
            print(f"screenshot of page {i} ({page.url}): {path}")


@pytest.fixture
def browser_page(browser, request):
    """A factory of pages, each in a fresh browser context (its own cookies: one user each)::

        page = browser_page()                                   # a phone, 390×844
        desk = browser_page(viewport=(1440, 900))
        page = browser_page(geolocation=(41.2475, 121.9975))    # (latitude, longitude)

    The context speaks zh-CN in Asia/Shanghai; with ``geolocation`` it is granted the
    permission and reports that position. ``expected_failures``: (status, URL part) pairs that
    are not problems. Other keyword arguments go to ``browser.new_context``.

    Every page collects ``page.console_errors`` and ``page.failed_requests``;
    ``browser_page.problems()`` lists those of every page made so far, for a final
    ``assert not browser_page.problems()``. When the test failed, a screenshot of each page is
    written to the artifacts folder first; then the contexts are closed.
    """
    contexts = []
    pages = []

    def make(viewport=PHONE, geolocation=None, *, expected_failures=(), **options):
        width, height = viewport
        options = {
            "viewport": {"width": width, "height": height},
            "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai",
            **options,
        }
        if geolocation is not None:
            if not isinstance(geolocation, dict):
                latitude, longitude = geolocation
                geolocation = {"latitude": latitude, "longitude": longitude}
            options["geolocation"] = geolocation
            options["permissions"] = [*options.get("permissions", []), "geolocation"]
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        _watch(page, list(expected_failures))
        pages.append(page)
        return page

    def problems() -> list[str]:
        return [p for page in pages for p in [*page.console_errors, *page.failed_requests]]

    make.pages = pages
    make.problems = problems
    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        _save_screenshots(request.node, pages)
    for context in contexts:
        context.close()


@pytest.fixture
def reference_data(db):
    """What the data migrations made (categories, SLA policies, work calendar, the grid index's
    row, the points rules), made again where missing: a transactional test (live server)
    empties every table when it ends, and ``serialized_rollback`` cannot restore them (that
    flush re-creates the content types). Cheap when nothing is missing."""
    from django.apps import apps as django_apps

    from gridgov.catalogue.seed import seed_apply
    from gridgov.core.calendar import load_work_calendar
    from gridgov.core.models import WorkCalendarDay
    from gridgov.geo.models import GridIndexState
    from gridgov.party.seed import seed_point_rules

    seed_apply(django_apps)
    seed_point_rules(django_apps)
    if not WorkCalendarDay.objects.exists():
        load_work_calendar()
    GridIndexState.objects.get_or_create(pk=1, defaults={"generation": 0})
