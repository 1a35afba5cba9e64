"""The 张家村 scenario in a real browser, through the pages every role uses.

A resident of 张家村 signs in with their phone and an SMS code, and snaps “张家村路边彩砖破啦！”
with a photo and their GPS position; 网格员 孟倩 verifies and forwards it; the 太平街道指挥中心
accepts it and dispatches it to 太平街道城市管理办公室 (the routing table's suggestion,
preselected and marked 推荐); the office signs, then finishes with an after-photo and a note;
孟倩 re-checks it on site; the centre closes it; the resident rates it 满意. Every step is done
by clicking what a user would click (menus, work lists, buttons); at the end the resident's
case page shows every step and both photos, loaded.
"""

import re
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw

from gridgov.accounts.models import SmsMessage
from gridgov.cases.models import Case, CaseStatus
from gridgov.orgs.models import Role
from gridgov.orgs.tests.factories import make_user

from .conftest import roadside_town

pytestmark = [
    pytest.mark.browser,
    # The live server answers from its own thread: the test cannot run in a transaction.
    pytest.mark.django_db(transaction=True),
]

WEST, SOUTH, STEP = 121.99, 41.24, 0.01
#: (longitude, latitude) inside 张家村路边网格, the grid drawn for this test.
IN_GRID = (WEST + 0.5 * STEP, SOUTH + 0.5 * STEP)
PASSWORD = "Correct-Horse-7"  # what orgs.tests.factories.make_user gives everyone
PHONE = "13800138000"
PHONE_SIZE, DESK_SIZE = (390, 844), (1440, 900)
DESCRIPTION = "张家村路边彩砖破啦！"
OFFICE = "太平街道城市管理办公室"


def paving_photo(path, *, broken: bool):
    """A 640×480 JPEG of red and grey paving tiles; ``broken``: one tile cracked and sunk."""
    image = Image.new("RGB", (640, 480), (120, 120, 115))
    draw = ImageDraw.Draw(image)
    for row in range(6):
        for col in range(8):
            colour = (178, 58, 48) if (row + col) % 2 else (150, 150, 140)
            box = (col * 80 + 3, row * 80 + 3, col * 80 + 77, row * 80 + 77)
            draw.rectangle(box, fill=colour)
    if broken:
        draw.rectangle((243, 163, 317, 237), fill=(70, 60, 50))
        draw.line([(240, 160), (280, 205), (265, 240), (320, 238)], fill=(20, 20, 20), width=6)
    image.save(path, "JPEG", quality=85)
    return path


@pytest.fixture
def town(transactional_db, reference_data, settings, tmp_path):
    """张家村 with 张家村路边网格 drawn (the grid of the test), 张家村第二网格 beside it, the
    street's command centre, its urban-management office as the routing table's choice for
    roads, and the people of the story."""
    settings.MEDIA_ROOT = tmp_path / "media"
    place = roadside_town()
    t, units, grid = place.t, place.units, place.grid
    centre = units["centres"][t.street.path]
    users = SimpleNamespace(
        resident=make_user("r13800138000", phone=PHONE, full_name="王秀兰"),
        grid_worker=make_user("mengqian", role=Role.GRID_WORKER, target=grid, full_name="孟倩"),
        centre=make_user("taiping", role=Role.CENTRE_OPERATOR, target=centre, full_name="李强"),
        unit=make_user("chengguan", role=Role.UNIT_HANDLER, target=units["office"], full_name="赵刚"),
    )
    return SimpleNamespace(t=t, grid=grid, centre=centre, office=units["office"], users=users)


# --- What a user does -----------------------------------------------------------------------


def menu(page, label: str):
    """A link of the main menu (the home page's tiles say the same)."""
    return page.get_by_role("navigation", name="主菜单").get_by_role("link", name=label)


def staff_sign_in(page, base: str, username: str):
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("tab", name="工作人员登录").click()
    panel = page.get_by_role("tabpanel", name="工作人员登录")
    panel.get_by_label("用户名").fill(username)
    panel.get_by_label("密码").fill(PASSWORD)
    panel.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def resident_sign_in(page, base: str, expect):
    """Phone + SMS code; the code is read from the SMS outbox, as the resident reads the SMS."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("tab", name="群众登录").click()
    panel = page.get_by_role("tabpanel", name="群众登录")
    panel.get_by_label("手机号").fill(PHONE)
    panel.get_by_role("button", name="获取验证码").click()
    panel = page.get_by_role("tabpanel", name="群众登录")
    expect(panel.get_by_role("status")).to_contain_text("验证码已发送")
    sms = SmsMessage.objects.filter(phone=PHONE).order_by("-pk").first()
    assert sms is not None, "no SMS in the outbox"
    code = re.search(r"(?<!\d)\d{6}(?!\d)", sms.text).group(0)
    expect(panel.get_by_label("手机号")).to_have_value(PHONE)
    panel.get_by_label("验证码", exact=True).fill(code)
    panel.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def case_status(page):
    """The case's status badge at the top of its page (a coloured ``<span>``, no role)."""
    return page.locator(".case-head .status")


def message(page):
    """The flash message shown after a redirect (``<ul class="messages" role="status">``)."""
    return page.get_by_role("main").get_by_role("status")


def task_card(page, unit: str):
    return page.locator("article.task-card").filter(has=page.get_by_text(unit, exact=True))


def assert_image_loaded(page, img):
    img.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())


# --- The scenario -----------------------------------------------------------------------------


def test_zhangjia_scenario_in_a_browser(live_server, town, browser_page, tmp_path):
    from playwright.sync_api import expect

    base = live_server.url
    before_jpg = paving_photo(tmp_path / "before.jpg", broken=True)
    after_jpg = paving_photo(tmp_path / "after.jpg", broken=False)
    lon, lat = IN_GRID

    resident = browser_page(viewport=PHONE_SIZE, geolocation=(lat, lon))
    grid_worker = browser_page(viewport=PHONE_SIZE)
    centre = browser_page(viewport=DESK_SIZE)
    unit = browser_page(viewport=DESK_SIZE)

    # -- 随手拍: the resident signs in with the phone and reports the broken tiles ---------------
    resident_sign_in(resident, base, expect)
    expect(resident.get_by_role("heading", level=1)).to_contain_text("王秀兰")
    menu(resident, "随手拍").click()
    expect(resident.get_by_role("heading", level=1)).to_contain_text("随手拍")
    # cases.js has run (it shows the category search): chosen photos get their previews.
    search = resident.get_by_role("searchbox", name="搜索问题类别")
    expect(search).to_be_visible()

    # The file input's label reads "+照片" (the "+" tile is aria-hidden, but label text counts).
    resident.get_by_label("照片").set_input_files(before_jpg)
    expect(resident.get_by_role("img", name="before.jpg")).to_be_visible()  # the preview

    # The page asks for the position by itself once; the resident taps 定位 to be sure.
    resident.get_by_role("button", name="定位", exact=True).click()
    grid_output = resident.locator("#grid-output")  # an <output> without a label
    expect(grid_output).to_have_text("太平街道 / 张家村 / 张家村路边网格")
    expect(resident.locator("#id_lat")).to_have_value(f"{lat:.6f}")
    expect(resident.locator("#id_lon")).to_have_value(f"{lon:.6f}")
    expect(resident.locator(".map .leaflet-marker-icon")).to_be_visible()
    # and says how sure the phone is of it
    expect(resident.locator(".map-accuracy")).to_have_text(re.compile(r"^定位精度约 \d+ 米"))

    resident.get_by_label("详细位置").fill("张家村村委会门前")
    search.fill("cz")  # the pinyin initials of 彩砖
    resident.get_by_role("listbox").get_by_role("option", name="破损路面/彩砖").click()
    expect(resident.get_by_label("问题类别", exact=True)).to_have_value("C0201")
    # The category's extra questions appear: the area, and whether it blocks the way (required).
    resident.get_by_label("破损面积（平方米）").fill("2")
    resident.get_by_label("是否影响通行").check()
    resident.get_by_label("问题描述").fill(DESCRIPTION)
    resident.get_by_role("button", name="提交", exact=True).click()

    expect(message(resident)).to_contain_text("上报成功，案件编号")
    number = re.search(r"案件编号 (\d+)", message(resident).inner_text()).group(1)
    case_url = f"{base}/cases/{number}/"
    assert resident.url == case_url
    expect(case_status(resident)).to_have_text("待核实")
    expect(resident.get_by_role("img", name="整改前 1")).to_be_visible()
    case = Case.objects.get(number=number)
    assert (case.grid_id, case.category.code, case.answers) == (
        town.grid.pk,
        "C0201",
        {"area_m2": 2.0, "blocks_traffic": True},
    )

    # -- 核实: 孟倩 finds it in 待核实 and verifies it on her phone ---------------------------------
    staff_sign_in(grid_worker, base, "mengqian")
    menu(grid_worker, "待核实").click()
    grid_worker.get_by_role("link").filter(has_text=DESCRIPTION).click()
    expect(grid_worker).to_have_url(case_url)
    expect(case_status(grid_worker)).to_have_text("待核实")
    grid_worker.get_by_role("textbox", name="备注").fill("已到现场核实，彩砖破损约2平方米")
    grid_worker.get_by_role("button", name="核实并转报").click()
    expect(message(grid_worker)).to_have_text("已核实并转报指挥中心。")
    expect(case_status(grid_worker)).to_have_text("待受理")

    # -- 受理 and 派遣: the street's command centre, at a desk ---------------------------------------
    staff_sign_in(centre, base, "taiping")
    menu(centre, "待受理").click()
    centre.get_by_role("row").filter(has_text=DESCRIPTION).get_by_role("link", name=number).click()
    expect(case_status(centre)).to_have_text("待受理")
    centre.get_by_role("button", name="受理", exact=True).click()
    expect(message(centre)).to_have_text("已受理，请派遣。")
    expect(case_status(centre)).to_have_text("待派遣")
    # The routing table's suggestion is preselected and marked 推荐; nothing else is chosen.
    units = centre.get_by_role("group", name="承办单位")
    suggested = units.get_by_role("checkbox", name=OFFICE)
    expect(suggested).to_be_checked()
    expect(units.locator("label").filter(has=centre.get_by_role("checkbox", name=OFFICE))).to_contain_text(
        "推荐"
    )
    expect(units.get_by_role("checkbox", checked=True)).to_have_count(1)
    expect(units.get_by_text("推荐", exact=True)).to_have_count(1)
    centre.get_by_role("textbox", name="派遣要求").fill("请尽快更换破损彩砖")
    centre.get_by_role("button", name="派遣", exact=True).click()
    expect(message(centre)).to_have_text("已派遣。")
    expect(case_status(centre)).to_have_text("处置中")
    expect(task_card(centre, OFFICE)).to_contain_text("待签收")

    # -- 签收 and 办结: the office, at a desk ---------------------------------------------------------
    staff_sign_in(unit, base, "chengguan")
    menu(unit, "我的任务").click()
    row = unit.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("待签收")
    row.get_by_role("button", name="签收").click()
    expect(message(unit)).to_have_text("已签收，处置时限开始计时。")
    expect(unit).to_have_url(case_url)
    expect(task_card(unit, OFFICE)).to_contain_text("处置中")
    unit.get_by_role("textbox", name="处置情况").fill("已更换破损彩砖4块，路面恢复平整")
    unit.wait_for_load_state()  # cases.js previews the chosen photos
    unit.get_by_label("处置后照片").set_input_files(after_jpg)
    expect(unit.get_by_role("img", name="after.jpg")).to_be_visible()
    unit.get_by_role("button", name="办结", exact=True).click()
    expect(message(unit)).to_have_text("已办结，网格员将到现场核查。")
    expect(task_card(unit, OFFICE)).to_contain_text("已办结")
    expect(case_status(unit)).to_have_text("待核查")

    # -- 核查: 孟倩 finds it in 待核查 and checks the fix on site ----------------------------------
    menu(grid_worker, "待核查").click()
    grid_worker.get_by_role("link").filter(has_text=DESCRIPTION).click()
    expect(case_status(grid_worker)).to_have_text("待核查")
    expect(grid_worker.get_by_role("img", name="整改后 1")).to_be_visible()
    grid_worker.get_by_role("textbox", name="备注").fill("已现场核查，修复完好")
    grid_worker.get_by_role("button", name="核查通过").click()
    expect(message(grid_worker)).to_have_text("核查通过。")
    expect(case_status(grid_worker)).to_have_text("待结案")

    # -- 结案: the centre finds it under 待结案 ------------------------------------------------------
    menu(centre, "待受理").click()
    centre.get_by_role("navigation", name="工作列表").get_by_role("link", name="待结案").click()
    centre.get_by_role("row").filter(has_text=DESCRIPTION).get_by_role("link", name=number).click()
    expect(case_status(centre)).to_have_text("待结案")
    centre.get_by_role("button", name="结案", exact=True).click()
    expect(message(centre)).to_have_text("已结案。")
    expect(case_status(centre)).to_have_text("已结案")

    # -- 评价: the resident opens the message asking for a rating and is 满意 -----------------------
    menu(resident, "消息").click()
    resident.get_by_role("button", name=f"您上报的问题 {number} 已办结，请评价。").click()
    expect(resident).to_have_url(case_url)
    expect(case_status(resident)).to_have_text("已结案")
    resident.get_by_role("radio", name="满意", exact=True).check()
    resident.get_by_role("textbox", name="评价意见").fill("修得又快又好，谢谢！")
    resident.get_by_role("button", name="提交评价").click()
    expect(message(resident)).to_have_text("感谢您的评价。")
    expect(case_status(resident)).to_have_text("已评价")

    # -- Then the resident's page tells the whole story ------------------------------------------------
    expect(resident.get_by_role("button", name="提交评价")).to_have_count(0)
    timeline = resident.get_by_role("region", name="办理进度").get_by_role("listitem")
    expect(timeline.locator(".timeline-head strong")).to_have_text(
        ["评价", "结案", "核查通过", "全部办结", "办结", "签收", "派遣", "受理", "核实并转报", "上报"]
    )
    expect(timeline.filter(has_text="评价").first).to_contain_text("满意")
    expect(timeline.filter(has_text="派遣").first).to_contain_text(f"至 {OFFICE}")
    expect(timeline.filter(has_text="核实并转报")).to_contain_text("孟*")  # staff names are masked
    expect(resident.get_by_role("main")).not_to_contain_text("孟倩")
    photos = resident.get_by_role("region", name="照片")
    expect(photos.get_by_role("heading", name="整改前")).to_be_visible()
    expect(photos.get_by_role("heading", name="整改后")).to_be_visible()
    for name in ("整改前 1", "整改后 1"):
        assert_image_loaded(resident, photos.get_by_role("img", name=name))
    for name in ("上报 1", "办结 1"):  # the same photos beside their steps in the timeline
        assert_image_loaded(resident, timeline.get_by_role("img", name=name))
    # The photo opens full size.
    with resident.context.expect_page() as opened:
        photos.get_by_role("link").filter(has=resident.get_by_role("img", name="整改后 1")).click()
    full = opened.value
    full.wait_for_load_state()
    assert full.evaluate("document.images[0].naturalWidth") == 640
    full.close()

    resident.evaluate("window.scrollTo(0, 0)")  # the sticky header where it belongs
    resident.screenshot(path=tmp_path / "resident-case.png", full_page=True)
    centre.reload()
    expect(case_status(centre)).to_have_text("已评价")
    centre.evaluate("window.scrollTo(0, 0)")
    centre.screenshot(path=tmp_path / "centre-case.png", full_page=True)
    print(f"\nscreenshots: {tmp_path / 'resident-case.png'} {tmp_path / 'centre-case.png'}")

    case = Case.objects.get(number=number)
    assert (case.status, case.rating) == (CaseStatus.RATED, "satisfied")
    assert browser_page.problems() == []
