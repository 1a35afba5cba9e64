"""The command centre's dashboard in a real browser: the month's figures with their formulas,
the map shading the grids with open cases and a dot per case, and the "now" panel and the
map following a new report without a reload."""

import pytest

from gridgov.cases.tests.conftest import roadside_town
from gridgov.cases.tests.test_browser import DESK_SIZE, IN_GRID, menu, staff_sign_in
from gridgov.insights.services import rollups_refresh
from gridgov.orgs.models import Role
from gridgov.orgs.tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def street(transactional_db, reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GRIDGOV_BOARD_REFRESH_SECONDS = 1
    place = roadside_town()
    centre = place.units["centres"][place.t.street.path]
    make_user("taiping", role=Role.CENTRE_OPERATOR, target=centre, full_name="李强")
    worker = make_user("mengqian", role=Role.GRID_WORKER, target=place.grid, full_name="孟倩")
    return {"pavement": place.pavement, "worker": worker}


def test_the_dashboard_follows_a_new_report(live_server, street, browser_page):
    from playwright.sync_api import expect

    from gridgov.cases import services

    def report(description):
        return services.case_report(
            actor=street["worker"],
            channel="patrol",
            category=street["pavement"],
            description=description,
            lon=IN_GRID[0],
            lat=IN_GRID[1],
            answers={"area_m2": 2, "blocks_traffic": False},
        )[0]

    report("村委会门前彩砖破损")
    rollups_refresh()
    page = browser_page(viewport=DESK_SIZE)
    # given the street centre's operator on the dashboard
    staff_sign_in(page, live_server.url, "taiping")
    menu(page, "指挥调度").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("太平街道")
    # then the month's figures show with their formulas, or why there is none yet (no task was
    # due), and the map shades the grid of the open case and shows its dot
    expect(page.locator(".kpi-card").filter(has_text="超期任务数")).to_contain_text("曾超过时限的任务数")
    expect(page.locator(".kpi-card").filter(has_text="响应率")).to_contain_text("本期没有需要响应的任务")
    live = page.locator("#live")
    expect(live.locator(".board-ack dd")).to_have_text("1")
    expect(page.locator(".dash-map path.leaflet-interactive[fill='#e6f8ee']").first).to_be_attached()
    expect(page.locator(".dash-map path.leaflet-interactive[fill='#fa5151']")).to_have_count(1)  # the dot
    # when a grid worker reports a second problem, then the panel and the map follow by themselves
    report("路灯不亮")
    expect(live.locator(".board-ack dd")).to_have_text("2")
    expect(page.locator(".dash-map path.leaflet-interactive[fill='#fa5151']")).to_have_count(2)
    assert not browser_page.problems()


def test_the_big_screen_draws_its_charts_under_the_pages_policy(live_server, street, browser_page):
    from playwright.sync_api import expect

    from gridgov.cases import services

    services.case_report(
        actor=street["worker"],
        channel="patrol",
        category=street["pavement"],
        description="村委会门前彩砖破损",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        answers={"area_m2": 2, "blocks_traffic": False},
    )
    rollups_refresh()
    page = browser_page(viewport=(1920, 1080))
    staff_sign_in(page, live_server.url, "taiping")
    # when the operator opens the big screen
    page.goto(f"{live_server.url}/insights/screen/")
    # then its charts are drawn (ECharts' canvases), and a chart's tooltip shows on hover
    charts = page.locator("canvas")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 2
    box = charts.first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(500)
    # and nothing was refused by the content security policy (inline styles are allowed here,
    # for ECharts; scripts are the site's own), nor failed
    assert not browser_page.problems()
    policy = page.evaluate("() => fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    assert "script-src 'self';" in policy and "style-src 'self' 'unsafe-inline'" in policy
