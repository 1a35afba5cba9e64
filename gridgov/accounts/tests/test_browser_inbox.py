"""New messages reach an open page without a reload: the menu's inbox entry counts them, and
the inbox itself lists the new one."""

import pytest

from gridgov.accounts.models import NotificationKind
from gridgov.accounts.services import notifications_send
from gridgov.cases.tests.test_browser import PHONE_SIZE, staff_sign_in
from gridgov.orgs.models import Role
from gridgov.orgs.tests.factories import attach_units, make_territory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(transactional_db, reference_data, settings):
    settings.GRIDGOV_BOARD_REFRESH_SECONDS = 1
    t = make_territory()
    attach_units(t)
    return make_user("mengqian", role=Role.GRID_WORKER, target=t.grid, full_name="孟倩")


def send(user, n: int):
    notifications_send(
        user_ids=[user.pk],
        kind=NotificationKind.NEW_REPORT,
        title=f"新的上报待核实 {n}",
        url="/",
        source=f"test:{n}",
    )


def test_the_inbox_entry_and_the_inbox_follow_new_messages(live_server, worker, browser_page):
    from playwright.sync_api import expect

    send(worker, 1)
    page = browser_page(viewport=PHONE_SIZE)
    staff_sign_in(page, live_server.url, "mengqian")
    nav = page.get_by_role("navigation", name="主菜单")
    expect(nav.get_by_role("link", name="消息（1）")).to_be_visible()
    # when a message arrives while the home page is open, then the menu counts it
    send(worker, 2)
    expect(nav.get_by_role("link", name="消息（2）")).to_be_visible()
    # and on the inbox, a new message appears in the list by itself
    nav.get_by_role("link", name="消息（2）").click()
    expect(page.get_by_text("新的上报待核实 2")).to_be_visible()
    send(worker, 3)
    expect(page.get_by_text("新的上报待核实 3")).to_be_visible()
    expect(nav.get_by_role("link", name="消息（3）")).to_be_visible()
    assert not browser_page.problems()
