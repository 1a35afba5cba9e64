"""A county's directive in a real browser: 盘山县指挥中心 issues 冬季供暖排查 to every street
office of the county from its menu, lands on the response board, and watches it change by
itself as the offices acknowledge and report (the board refreshes without a reload)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.cases import services
from gridgov.cases.models import Case
from gridgov.orgs.models import Role
from gridgov.orgs.tests.factories import make_user

from .conftest import jpeg, roadside_town
from .test_browser import DESK_SIZE, menu, staff_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(transactional_db, reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GRIDGOV_BOARD_REFRESH_SECONDS = 1
    place = roadside_town()
    t, units = place.t, place.units
    return {
        "operator": make_user(
            "panshan", role=Role.CENTRE_OPERATOR, target=units["centres"][t.county.path], full_name="王海涛"
        ),
        "handler": make_user("chengguan", role=Role.UNIT_HANDLER, target=units["office"]),
        "office": units["office"],
    }


def test_a_county_issues_a_directive_and_its_board_follows_the_answers(live_server, county, browser_page):
    from playwright.sync_api import expect

    base = live_server.url
    page = browser_page(viewport=DESK_SIZE)
    # given the county centre's operator, signed in
    staff_sign_in(page, base, "panshan")
    # when they open 上级号召 from the menu and fill the directive
    menu(page, "上级号召").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("发布上级号召")
    page.get_by_label("标题").fill("冬季供暖设施安全排查")
    page.get_by_label("问题类别").select_option(label="专项排查")
    page.get_by_label("问题描述").fill("各街道于本周内完成辖区供暖设施排查，上传排查照片。")
    page.get_by_label("街道办公室").check()
    due = timezone.localtime() + timedelta(days=3)
    page.get_by_label("完成时限").fill(due.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="发送").click()
    # then the response board opens with both street offices waiting to acknowledge
    expect(page.get_by_role("heading", level=1)).to_contain_text("冬季供暖设施安全排查")
    board = page.locator("#board")
    expect(board.get_by_role("row")).to_have_count(3)  # the head and two offices
    expect(board.locator(".board-ack dd")).to_have_text("0")
    # when an office acknowledges and reports completion with a photo, elsewhere
    case = Case.objects.get(title="冬季供暖设施安全排查")
    task = case.tasks.get(unit=county["office"])
    services.task_sign(actor=county["handler"], task=task)
    # then the board shows it without a reload
    expect(board.locator(".board-ack dd")).to_have_text("1")
    services.task_finish(
        actor=county["handler"], task=case.tasks.get(pk=task.pk), note="排查完毕", photos=[jpeg()]
    )
    expect(board.locator(".board-done dd")).to_have_text("1")
    expect(board.get_by_role("row").filter(has_text="太平街道城市管理办公室")).to_contain_text("已办结")
    assert not browser_page.problems()
