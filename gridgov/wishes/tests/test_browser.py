"""A many-to-one claim in a real browser: a party member on her phone opens the wish wall from
the menu, claims part of a wish of ten bags of rice and sees its progress move."""

import pytest

from gridgov.cases.tests.test_browser import PHONE_SIZE, menu, message, staff_sign_in
from gridgov.orgs.models import Role
from gridgov.orgs.tests.factories import attach_units, make_territory, make_user
from gridgov.party import services as party_services
from gridgov.wishes import services
from gridgov.wishes.models import Pledge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def village(transactional_db, reference_data):
    """张家村 with its branch secretary, a party member of its first grid, and a wish of ten
    bags of rice posted by a resident and approved, three bags already claimed by another
    member."""
    t = make_territory()
    units = attach_units(t)
    secretary = make_user("zhangjia", role=Role.PARTY_SECRETARY, target=units["branch"], full_name="张国强")
    members = []
    for username, name in (("dangyuan", "李秀梅"), ("laodangyuan", "赵德厚")):
        user = make_user(username, role=Role.PARTY_MEMBER, target=units["group"], full_name=name)
        party_services.member_create(
            actor=secretary, organisation=units["group"], grid=t.grid, user=user, name=name, gender="female"
        )
        members.append(user)
    resident = make_user("r13800138000", phone="13800138000", full_name="王秀兰")
    wish = services.wish_create(
        actor=resident,
        grid=t.grid,
        title="冬储大米十袋",
        description="村里几户独居老人冬天缺米，每户一袋。",
        category="necessities",
        group="elderly_alone",
        beneficiary_name="姜玉君",
        beneficiary_phone="13904300001",
        beneficiary_address="张家村3组12号",
        units_needed=10,
    )
    wish = services.wish_review(actor=secretary, wish=wish, approve=True)
    services.pledge_create(actor=members[1], wish=wish, units=3)
    return {"wish": wish, "member": members[0]}


def test_a_member_claims_part_of_a_wish_on_her_phone(live_server, village, browser_page):
    from playwright.sync_api import expect

    wish = village["wish"]
    # given the party member signed in on her phone
    page = browser_page(viewport=PHONE_SIZE)
    staff_sign_in(page, live_server.url, "dangyuan")
    # when she opens the wish wall from the menu
    menu(page, "微心愿墙").click()
    card = page.locator(f"#wish-{wish.pk}")
    expect(card).to_contain_text("冬储大米十袋")
    expect(card.locator(".wish-progress")).to_contain_text("已认领 3/10")
    # then the claim form offers what remains (7 bags), and she claims 4 of them
    units = card.get_by_label("认领份数")
    expect(units).to_have_value("7")
    units.fill("4")
    card.get_by_role("button", name="认领", exact=True).click()
    # then she is told so, and the wish's progress moved to 7 of 10
    expect(message(page)).to_contain_text("认领成功：“冬储大米十袋” 4 份")
    card = page.locator(f"#wish-{wish.pk}")
    expect(card.locator(".wish-progress")).to_contain_text("已认领 7/10")
    expect(card.get_by_role("progressbar", name="认领进度")).to_have_attribute("value", "7")
    expect(card).to_contain_text("您已认领 4 份")
    # and the page fits the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZE[0]
    pledge = Pledge.objects.get(wish=wish, claimer=village["member"])
    assert (pledge.units, pledge.mode) == (4, "many_to_one")
    assert not browser_page.problems()
