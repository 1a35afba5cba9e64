"""A volunteer activity on site, in real browsers: the organiser's phone shows the check-in code
(renewed by itself), the member signs up on their own phone and checks in with that code."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.cases.tests.test_browser import PHONE_SIZE, menu, staff_sign_in
from gridgov.orgs.models import Role
from gridgov.orgs.tests.factories import attach_units, make_territory, make_user
from gridgov.party import services
from gridgov.party.models import SignUp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def village(transactional_db, reference_data):
    t = make_territory()
    units = attach_units(t)
    secretary = make_user("zhangjia", role=Role.PARTY_SECRETARY, target=units["branch"], full_name="张国强")
    user = make_user("dangyuan", role=Role.PARTY_MEMBER, target=units["group"], full_name="李秀梅")
    member = services.member_create(
        actor=secretary, organisation=units["group"], grid=t.grid, user=user, name="李秀梅", gender="female"
    )
    now = timezone.now()
    activity = services.activity_publish(
        actor=secretary,
        organisation=units["branch"],
        place=t.village,
        title="村道清雪志愿服务",
        location="张家村村委会门口",
        starts_at=now + timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
        slots=15,
    )
    return {"activity": activity, "member": member}


def test_a_member_checks_in_with_the_code_the_organiser_shows(live_server, village, browser_page):
    from playwright.sync_api import expect

    activity = village["activity"]
    # given the organiser's phone showing the activity's check-in code
    organiser = browser_page(viewport=PHONE_SIZE)
    staff_sign_in(organiser, live_server.url, "zhangjia")
    menu(organiser, "党员服务").click()
    organiser.get_by_role("link", name="出示签到码").click()
    code = organiser.locator("#checkin-code")
    expect(code).to_have_text(re.compile(r"^\d{6}$"))
    # when the member signs up on her phone and enters a wrong code, then the right one
    phone = browser_page(viewport=PHONE_SIZE, expected_failures=[(400, "/party/activities/")])
    staff_sign_in(phone, live_server.url, "dangyuan")
    menu(phone, "党员服务").click()
    card = phone.locator(f"#activity-{activity.pk}")
    expect(card).to_contain_text("村道清雪志愿服务")
    card.get_by_role("button", name="报名").click()
    expect(phone.get_by_text("报名成功。")).to_be_visible()
    shown = code.inner_text()
    card = phone.locator(f"#activity-{activity.pk}")
    card.get_by_label("组织方出示的签到码").fill(f"{(int(shown) + 1) % 1_000_000:06d}")
    card.get_by_role("button", name="签到").click()
    expect(phone.get_by_role("alert")).to_contain_text("签到码不正确")
    card = phone.locator(f"#activity-{activity.pk}")
    card.get_by_label("组织方出示的签到码").fill(code.inner_text())
    card.get_by_role("button", name="签到").click()
    # then she is checked in, and the page now offers the check-out
    expect(phone.get_by_text("签到成功。")).to_be_visible()
    expect(phone.locator(f"#activity-{activity.pk}").get_by_role("button", name="签退")).to_be_visible()
    assert SignUp.objects.get(activity=activity, member=village["member"]).checked_in_at is not None
    assert not browser_page.problems()
