"""Extra questions of the newer types on the pages: the report page draws a textarea
(``longtext``), a ``datetime-local`` input (``datetime``) and a group of checkboxes
(``multichoice``), each labelled; the posted answers (ticked boxes as repeated ``answers.<key>``
values) are read, stored cleaned and shown on the case page; and the same in a phone browser,
where cases.js draws the questions when the category is chosen."""

import re

import pytest
from django.http import QueryDict

from gridgov.cases import services
from gridgov.cases.forms import ReportForm
from gridgov.cases.models import Case
from gridgov.catalogue.models import Category
from gridgov.catalogue.questions import answers_clean
from gridgov.catalogue.services import category_create

from .conftest import IN_GRID, jpeg

WASTE = ["生活垃圾", "建筑垃圾", "大件垃圾", "园林垃圾", "其他"]
QUESTIONS = [
    {"key": "waste_kinds", "label": "垃圾种类", "type": "multichoice", "choices": WASTE, "required": True},
    {"key": "happened_at", "label": "倾倒时间", "type": "datetime", "required": True},
    {"key": "situation", "label": "现场情况", "type": "longtext"},
    {"key": "truck", "label": "是否有车辆倾倒", "type": "yesno"},
]


@pytest.fixture
def dumping(world):
    """A category asking a question of each newer type (and a yes/no one)."""
    return category_create(
        code="E0190",
        name="夜间偷倒垃圾",
        parent=Category.objects.get(code="E01"),
        keywords="偷倒 倾倒",
        questions=QUESTIONS,
    )


def report(client, **answers) -> dict:
    data = {
        "category": "E0190",
        "description": "昨晚有人在河边偷倒垃圾",
        "address": "张家村北河边",
        "lon": f"{IN_GRID[0]:.6f}",
        "lat": f"{IN_GRID[1]:.6f}",
        "photos": [jpeg()],
    }
    data.update({f"answers.{key}": value for key, value in answers.items()})
    return client.post("/cases/report/", data)


# --- Reading the posted answers -----------------------------------------------------------------


def test_report_form_reads_ticked_boxes_as_a_list(dumping):
    # Given a posted report with two boxes ticked, a date and time, and a question posted twice
    data = QueryDict(mutable=True)
    data.update({"category": "E0190", "answers.happened_at": "2026-11-27T21:30"})
    data.setlist("answers.waste_kinds", ["生活垃圾", " 建筑垃圾 "])
    data.setlist("answers.situation", ["旧的", "新的"])
    form = ReportForm(data)
    # When the answers are read (before and after validation)
    before = form.answers()
    assert form.is_valid()
    # Then the multichoice answer is a list, the others one string each (the last one posted)
    expected = {
        "waste_kinds": ["生活垃圾", "建筑垃圾"],
        "happened_at": "2026-11-27T21:30",
        "situation": "新的",
    }
    assert before == form.answers() == expected


def test_report_form_reads_one_ticked_box_as_a_list_and_unknown_categories_as_posted(dumping):
    data = QueryDict("category=E0190&answers.waste_kinds=%E5%85%B6%E4%BB%96")
    assert ReportForm(data).answers() == {"waste_kinds": ["其他"]}
    # Without a known category a key posted once is a string, one posted twice a list
    data = QueryDict("category=X&answers.a=1&answers.b=1&answers.b=2")
    assert ReportForm(data).answers() == {"a": "1", "b": ["1", "2"]}


# --- The report page ---------------------------------------------------------------------------


def test_report_page_draws_the_new_controls_each_labelled(client, world, dumping):
    # Given a resident whose report leaves the required questions unanswered
    client.force_login(world.users.resident)
    # When the report page comes back with the category's questions
    response = report(client)
    assert response.status_code == 400
    html = response.content.decode()
    # Then the multichoice question is a labelled group of labelled checkboxes, one per choice
    group = re.search(r'<fieldset class="field" id="q-waste_kinds">(.*?)</fieldset>', html, re.S)
    assert group is not None
    assert re.search(r"<legend>垃圾种类 <em class=\"required\">必填</em></legend>", group.group(1))
    boxes = re.findall(
        r'<label class="choice-row"><input type="checkbox" name="answers.waste_kinds" id="q-waste_kinds-\d" '
        r'value="([^"]+)"><span>\1</span></label>',
        group.group(1),
    )
    assert boxes == WASTE
    # And the date and time is a datetime-local input, the situation a textarea, both labelled
    assert '<label for="q-happened_at">倾倒时间 <em class="required">必填</em></label>' in html
    assert '<input type="datetime-local" name="answers.happened_at" id="q-happened_at" value="">' in html
    assert '<label for="q-situation">现场情况</label>' in html
    assert '<textarea name="answers.situation" id="q-situation" rows="4" maxlength="2000"></textarea>' in html


def test_report_page_shows_answer_errors_and_keeps_what_was_given(client, world, dumping):
    client.force_login(world.users.resident)
    # When the resident ticks two boxes, gives no time and writes two lines, but no description
    response = client.post(
        "/cases/report/",
        {
            "category": "E0190",
            "description": "",
            "answers.waste_kinds": ["大件垃圾", "生活垃圾"],
            "answers.happened_at": "",
            "answers.situation": "一堆旧沙发\r\n还有装修垃圾",
        },
    )
    html = response.content.decode()
    # Then nothing is reported, and the page says what is missing beside the question
    assert response.status_code == 400 and Case.objects.count() == 0
    assert re.search(r'data-question="happened_at">.*?此问题必须回答。', html, re.S)
    # And what was given is kept: the two boxes ticked, the lines in the textarea
    checked = re.findall(r'value="([^"]+)" checked><span>', html)
    assert checked == ["生活垃圾", "大件垃圾"]
    assert ">一堆旧沙发\r\n还有装修垃圾</textarea>" in html or ">一堆旧沙发\n还有装修垃圾</textarea>" in html


def test_report_page_refuses_a_date_that_is_not_one(client, world, dumping):
    client.force_login(world.users.resident)
    response = report(client, waste_kinds=["其他"], happened_at="昨晚")
    html = response.content.decode()
    assert response.status_code == 400 and Case.objects.count() == 0
    assert "请输入日期和时间。" in html
    assert 'id="q-happened_at" value="昨晚"' in html  # shown as typed


def test_multichoice_and_datetime_answers_end_to_end(client, world, dumping):
    client.force_login(world.users.resident)
    # When the resident reports with two kinds of waste ticked, the time from the phone's
    # date-and-time picker, two lines about the situation and the yes/no box left unticked
    response = report(
        client,
        waste_kinds=["建筑垃圾", "生活垃圾"],
        happened_at="2026-11-27T21:30",
        situation="一堆装修垃圾\n<还有旧沙发>",
    )
    # Then the case is made with the answers stored cleaned
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.answers == {
        "waste_kinds": ["生活垃圾", "建筑垃圾"],  # in the order of the choices
        "happened_at": "2026-11-27T21:30:00+08:00",
        "situation": "一堆装修垃圾\n<还有旧沙发>",
        "truck": False,
    }
    # And the case page shows them as people read them
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "<dt>垃圾种类</dt><dd>生活垃圾、建筑垃圾</dd>" in html
    assert "<dt>倾倒时间</dt><dd>2026-11-27 21:30</dd>" in html
    assert "<dt>现场情况</dt><dd>一堆装修垃圾<br>&lt;还有旧沙发&gt;</dd>" in html
    assert "<dt>是否有车辆倾倒</dt><dd>否</dd>" in html


def test_case_page_shows_a_datetime_given_in_another_offset_in_shanghai_time(world, dumping, client):
    # Given a case whose time was given through the API in UTC and cleaned by the catalogue
    answers, errors = answers_clean(dumping, {"waste_kinds": "其他", "happened_at": "2026-11-27T13:30:00Z"})
    assert errors == {}
    case, _created = services.case_report(
        actor=world.users.resident,
        category=dumping,
        description="河边有垃圾",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        answers=answers,
        photos=[jpeg()],
    )
    # When the resident opens it, then the time is in Asia/Shanghai and the one kind is shown
    client.force_login(world.users.resident)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "<dd>2026-11-27 21:30</dd>" in html and "<dd>其他</dd>" in html


# --- In a phone browser (cases.js draws the questions) -------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_new_question_types_in_a_phone_browser(live_server, world, dumping, browser_page):
    from playwright.sync_api import expect

    base = live_server.url
    lon, lat = IN_GRID
    page = browser_page(viewport=(390, 844), geolocation=(lat, lon))
    # Given the grid worker signed in on a phone
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("tab", name="工作人员登录").click()
    panel = page.get_by_role("tabpanel", name="工作人员登录")
    panel.get_by_label("用户名").fill("mengqian")
    panel.get_by_label("密码").fill("Correct-Horse-7")
    panel.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/cases/report/")
    expect(page.get_by_role("searchbox", name="搜索问题类别")).to_be_visible()  # cases.js ran
    page.get_by_role("button", name="定位", exact=True).click()
    expect(page.locator("#id_lat")).to_have_value(f"{lat:.6f}")

    # When the category is chosen, its questions are drawn: checkboxes in a group, a date and
    # time picker, a textarea, every one found by its label
    page.get_by_label("问题类别", exact=True).select_option("E0190")
    group = page.get_by_role("group", name="垃圾种类")
    expect(group.get_by_role("checkbox")).to_have_count(5)
    group.get_by_label("建筑垃圾").check()
    group.get_by_label("大件垃圾").check()
    when = page.get_by_label("倾倒时间")
    expect(when).to_have_attribute("type", "datetime-local")
    when.fill("2026-11-27T21:30")
    page.get_by_label("现场情况").fill("旧沙发两个\n装修垃圾若干袋")
    # And what was given comes back when the category is chosen again after another one
    page.get_by_label("问题类别", exact=True).select_option("C0201")
    page.get_by_label("问题类别", exact=True).select_option("E0190")
    expect(group.get_by_label("建筑垃圾")).to_be_checked()
    expect(group.get_by_label("生活垃圾")).not_to_be_checked()
    expect(page.get_by_label("倾倒时间")).to_have_value("2026-11-27T21:30")
    # And nothing is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("问题描述").fill("河边有人偷倒垃圾")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text("上报成功")
    # Then the case keeps the answers and its page shows them
    case = Case.objects.get()
    assert case.answers["waste_kinds"] == ["建筑垃圾", "大件垃圾"]
    assert case.answers["happened_at"] == "2026-11-27T21:30:00+08:00"
    assert case.answers["situation"] == "旧沙发两个\n装修垃圾若干袋"
    info = page.locator(".case-info")
    expect(info).to_contain_text("建筑垃圾、大件垃圾")
    expect(info).to_contain_text("2026-11-27 21:30")
    assert not browser_page.problems()
