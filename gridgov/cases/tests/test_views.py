"""The pages of the snap-and-report loop: the 张家村 scenario through page POSTs, every page for
its role (200), out of scope (404), forbidden (403) and out of turn (409), field errors, the
phone number's masking, constant query counts on the lists, and the role-aware menu."""

import io
import re
import uuid
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.accounts.models import Notification
from gridgov.cases import services
from gridgov.cases.models import Case, CaseStatus, Photo, Task, TaskStatus
from gridgov.catalogue.models import Category
from gridgov.orgs.models import CommandCentre, Role
from gridgov.orgs.tests.factories import make_user

from .conftest import roadside_town

WEST, SOUTH, STEP = 121.99, 41.24, 0.01
#: Inside the grid made for these tests (张家村路边网格) and inside 张家村第二网格.
IN_GRID = (WEST + 0.5 * STEP, SOUTH + 0.5 * STEP)
IN_OTHER_GRID = (WEST + 1.5 * STEP, SOUTH + 0.5 * STEP)
PHONE = "13800138000"


def jpeg(name="photo.jpg", colour=(200, 80, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def town(db, settings, tmp_path):
    """张家村 with a grid drawn for these tests (and 张家村第二网格 beside it), the street's
    command centre, its urban-management office as the routing table's choice for roads, and
    one user per role, plus a neighbour of each role outside 张家村路边网格's reach."""
    settings.MEDIA_ROOT = tmp_path / "media"
    place = roadside_town()
    t, units, grid, pavement = place.t, place.units, place.grid, place.pavement
    centres = units["centres"]
    users = SimpleNamespace(
        resident=make_user("r13800138000", phone=PHONE, full_name="王秀兰"),
        other_resident=make_user("r13900139000", phone="13900139000"),
        grid_worker=make_user("mengqian", role=Role.GRID_WORKER, target=grid, full_name="孟倩"),
        other_grid_worker=make_user("gw2", role=Role.GRID_WORKER, target=t.sibling_grid),
        centre=make_user(
            "taiping", role=Role.CENTRE_OPERATOR, target=centres[t.street.path], full_name="李强"
        ),
        other_centre=make_user("gaosheng", role=Role.CENTRE_OPERATOR, target=centres[t.sibling_street.path]),
        unit=make_user("chengguan", role=Role.UNIT_HANDLER, target=units["office"], full_name="赵刚"),
        other_unit=make_user("gscg", role=Role.UNIT_HANDLER, target=units["sibling_office"]),
    )
    assert grid.path == GRID_PATH
    return SimpleNamespace(
        t=t, grid=grid, pavement=pavement, office=units["office"], bureau=units["bureau"], users=users
    )


def report_form(**extra) -> dict:
    return {
        "category": "C0201",
        "description": "张家村路边彩砖破啦！",
        "address": "张家村村委会门前",
        "lon": f"{IN_GRID[0]:.6f}",
        "lat": f"{IN_GRID[1]:.6f}",
        "answers.area_m2": "2",
        "answers.blocks_traffic": "1",
        **extra,
    }


#: The states ``new_case`` can bring a case to, in the order of the loop.
STATES = ["reported", "submitted", "accepted", "dispatched", "signed", "handled"]


def new_case(town, until="reported", point=IN_GRID) -> Case:
    """A case of 张家村 reported by the resident and brought through the services to ``until``."""
    u = town.users
    case, _created = services.case_report(
        actor=u.resident,
        category=town.pavement,
        description="张家村路边彩砖破啦！",
        lon=point[0],
        lat=point[1],
        answers={"blocks_traffic": True},
        photos=[jpeg()],
    )
    steps = [
        lambda c: services.case_verify(actor=u.grid_worker, case=c),
        lambda c: services.case_accept(actor=u.centre, case=c),
        lambda c: services.case_dispatch(actor=u.centre, case=c, units=[town.office]),
        lambda c: services.task_sign(actor=u.unit, task=c.tasks.get()),
        lambda c: services.task_finish(actor=u.unit, task=c.tasks.get(), note="已修复", photos=[jpeg()]),
    ]
    for step in steps[: STATES.index(until)]:
        step(Case.objects.get(pk=case.pk))
    return Case.objects.get(pk=case.pk)


def login(client, user):
    client.force_login(user)
    return client


def html_of(response) -> str:
    return response.content.decode()


# --- (1) The 张家村 scenario through the pages ---------------------------------------------------


def test_zhangjia_scenario_through_the_pages(client, town, django_capture_on_commit_callbacks):
    u = town.users

    def post(user, url, data):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    # given a resident of 张家村 who opens 随手拍
    login(client, u.resident)
    page = client.get("/cases/report/")
    assert page.status_code == 200
    html = html_of(page)
    assert 'capture="environment"' in html and 'accept="image/*"' in html and "multiple" in html
    assert 'data-map="pick"' in html and 'id="categories-data"' in html
    client_id = re.search(r'name="client_id" value="([0-9a-f-]{36})"', html).group(1)

    # when they report the broken paving tiles with a photo and a pin inside the grid
    response = post(
        u.resident, "/cases/report/", {**report_form(client_id=client_id), "photos": [jpeg("before.jpg")]}
    )
    # then the case exists, waits for the grid worker, and the resident lands on it
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.status == CaseStatus.REPORTED and case.grid == town.grid
    assert case.answers == {"area_m2": 2.0, "blocks_traffic": True}
    detail = f"/cases/{case.number}/"
    assert f"上报成功，案件编号 {case.number}" in html_of(client.get(detail))
    # and a double tap (the same form posted again) gives the same case
    again = post(
        u.resident, "/cases/report/", {**report_form(client_id=client_id), "photos": [jpeg("before.jpg")]}
    )
    assert again["Location"] == detail and Case.objects.count() == 1
    assert "已经提交过" in html_of(client.get(detail))

    # when the grid worker finds it in 待核实 and verifies it
    login(client, u.grid_worker)
    assert case.number in html_of(client.get("/cases/queue/to_verify/"))
    assert post(u.grid_worker, f"{detail}verify/", {"note": "已现场核实"}).status_code == 302
    assert Case.objects.get().status == CaseStatus.SUBMITTED

    # when the centre accepts it and dispatches it to the suggested unit
    login(client, u.centre)
    assert case.number in html_of(client.get("/cases/queue/incoming/"))
    assert post(u.centre, f"{detail}accept/", {"note": ""}).status_code == 302
    page = html_of(client.get(detail))
    suggested = re.search(
        r'<label class="choice-row">(<input[^>]*>)<span>太平街道城市管理办公室</span><em[^>]*>推荐</em>', page
    )
    assert suggested and "checked" in suggested.group(1)
    assert (
        post(
            u.centre, f"{detail}dispatch/", {"units": [town.office.pk], "instructions": "尽快修复"}
        ).status_code
        == 302
    )
    task = Task.objects.get()
    assert Case.objects.get().status == CaseStatus.DISPATCHED and task.unit == town.office

    # when the unit signs the task and finishes it with an after-photo and a note
    login(client, u.unit)
    assert case.number in html_of(client.get("/cases/tasks/"))
    assert post(u.unit, f"/cases/tasks/{task.pk}/sign/", {}).status_code == 302
    finished = post(
        u.unit,
        f"/cases/tasks/{task.pk}/finish/",
        {"note": "已更换破损彩砖", "photos": [jpeg("after.jpg", (90, 90, 90))]},
    )
    assert finished.status_code == 302
    assert Task.objects.get().status == TaskStatus.DONE and Case.objects.get().status == CaseStatus.HANDLED

    # when the grid worker re-checks it on site, the centre closes it and the resident rates it
    login(client, u.grid_worker)
    assert case.number in html_of(client.get("/cases/queue/to_check/"))
    assert post(u.grid_worker, f"{detail}check/", {"note": "已修好"}).status_code == 302
    assert post(u.centre, f"{detail}close/", {"note": ""}).status_code == 302
    login(client, u.resident)
    assert "请评价" in html_of(client.get("/accounts/inbox/"))
    assert post(u.resident, f"{detail}rate/", {"rating": "satisfied", "comment": "很及时"}).status_code == 302

    # then the case is rated 满意, and the resident's page tells the whole story
    case = Case.objects.get()
    assert case.status == CaseStatus.RATED and case.rating == "satisfied"
    login(client, u.resident)
    page = client.get(detail)
    html = html_of(page)
    assert page.status_code == 200
    for step in ["上报", "核实并转报", "受理", "派遣", "签收", "办结", "核查通过", "结案", "评价", "满意"]:
        assert step in html, step
    before = Photo.objects.get(kind="before")
    after = Photo.objects.get(kind="after")
    assert f'src="/api/cases/photos/{before.pk}?size=thumb"' in html
    assert f'src="/api/cases/photos/{after.pk}?size=thumb"' in html
    assert f'href="/api/cases/photos/{after.pk}"' in html
    assert "整改前" in html and "整改后" in html
    # names of the staff are masked for the resident
    assert "孟*" in html and "孟倩" not in html and "赵刚" not in html
    # and the photos themselves are served to them
    assert client.get(f"/api/cases/photos/{after.pk}?size=thumb")["Content-Type"] == "image/jpeg"
    # and the resident's inbox told them along the way
    kinds = set(Notification.objects.filter(user=u.resident).values_list("kind", flat=True))
    assert {"case_update", "please_rate"} <= kinds


# --- (2) Role × page ---------------------------------------------------------------------------

LIST_PAGES = [
    ("resident", "/cases/report/"),
    ("resident", "/cases/mine/"),
    ("grid_worker", "/cases/queue/to_verify/"),
    ("grid_worker", "/cases/queue/to_check/"),
    ("grid_worker", "/cases/queue/my_patrol/"),
    ("grid_worker", "/cases/patrol/"),
    ("centre", "/cases/queue/incoming/"),
    ("centre", "/cases/queue/to_dispatch/"),
    ("centre", "/cases/queue/to_close/"),
    ("centre", "/cases/queue/unlocated/"),
    ("centre", "/cases/all/"),
    ("unit", "/cases/tasks/"),
    ("resident", "/accounts/inbox/"),
]


@pytest.mark.parametrize("who,url", LIST_PAGES)
def test_each_page_answers_its_role(client, town, who, url):
    new_case(town, until="dispatched")
    response = login(client, getattr(town.users, who)).get(url)
    assert response.status_code == 200
    assert "<h1" in html_of(response)


@pytest.mark.parametrize(
    "who,url",
    [
        ("resident", "/cases/queue/incoming/"),
        ("resident", "/cases/all/"),
        ("resident", "/cases/tasks/"),
        ("resident", "/cases/patrol/"),
        ("unit", "/cases/queue/to_verify/"),
        ("grid_worker", "/cases/queue/incoming/"),
        ("centre", "/cases/tasks/"),
    ],
)
def test_work_lists_of_other_roles_are_forbidden(client, town, who, url):
    assert login(client, getattr(town.users, who)).get(url).status_code == 403


def test_unknown_queue_is_404_and_visitors_go_to_sign_in(client, town):
    assert client.get("/cases/mine/").status_code == 302
    assert "/accounts/login/" in client.get("/cases/report/")["Location"]
    assert login(client, town.users.centre).get("/cases/queue/nonsense/").status_code == 404


@pytest.mark.parametrize("who", ["resident", "grid_worker", "centre", "unit"])
def test_case_page_answers_each_role(client, town, who):
    case = new_case(town, until="dispatched")
    response = login(client, getattr(town.users, who)).get(f"/cases/{case.number}/")
    assert response.status_code == 200 and case.number in html_of(response)


@pytest.mark.parametrize("who", ["other_resident", "other_grid_worker", "other_centre", "other_unit"])
def test_case_outside_the_scope_is_404(client, town, who):
    # given a dispatched case of 张家村路边网格
    case = new_case(town, until="dispatched")
    task = case.tasks.get()
    login(client, getattr(town.users, who))
    # then its page, its actions and its task are "not found" to everyone outside its reach
    assert client.get(f"/cases/{case.number}/").status_code == 404
    assert client.post(f"/cases/{case.number}/accept/", {}).status_code == 404
    assert client.post(f"/cases/tasks/{task.pk}/sign/", {}).status_code == 404
    assert client.get("/cases/20000101999999/").status_code == 404


@pytest.mark.parametrize(
    "who,until,url,data",
    [
        ("resident", "submitted", "accept/", {}),  # the reporter cannot accept
        ("grid_worker", "submitted", "accept/", {}),  # accepting is the centre's
        ("unit", "handled", "close/", {}),  # the unit cannot close
        ("centre", "reported", "withdraw/", {"reason": "不需要了"}),  # only the reporter withdraws
    ],
)
def test_forbidden_action_on_a_visible_case_is_403_with_a_message(client, town, who, until, url, data):
    case = new_case(town, until=until)
    response = login(client, getattr(town.users, who)).post(f"/cases/{case.number}/{url}", data)
    assert response.status_code == 403
    assert "您没有执行此操作的权限。" in html_of(response)
    assert Case.objects.get(pk=case.pk).status == case.status


def test_task_action_of_another_unit_is_403(client, town):
    # given a case dispatched to the office
    case = new_case(town, until="dispatched")
    task = case.tasks.get()
    # when the centre (who sees the case) tries to sign the office's task
    response = login(client, town.users.centre).post(f"/cases/tasks/{task.pk}/sign/", {})
    # then it is refused
    assert response.status_code == 403 and "您没有执行此操作的权限。" in html_of(response)


def test_action_out_of_turn_is_409_naming_the_state(client, town):
    # given a case the grid worker has not verified yet
    case = new_case(town, until="reported")
    # when the centre tries to close it (the centre may close, but not now)
    response = login(client, town.users.centre).post(f"/cases/{case.number}/close/", {"note": ""})
    # then the page says why, with a 409
    assert response.status_code == 409
    assert "当前状态为“待核实”，不能执行此操作。" in html_of(response)


def test_signing_twice_is_409(client, town):
    case = new_case(town, until="signed")
    task = case.tasks.get()
    response = login(client, town.users.unit).post(f"/cases/tasks/{task.pk}/sign/", {})
    assert response.status_code == 409 and "处置中" in html_of(response)


# --- Too many reports in a short time -------------------------------------------------------------


def test_a_resident_over_the_hourly_limit_is_told_to_wait_and_retries_still_land(client, town, settings):
    settings.GRIDGOV_REPORT_RATE_USER = 2
    login(client, town.users.resident)
    first = report_form(client_id="1b4e28ba-2fa1-41d2-883f-0016d3cca427")
    # given a resident who reported twice this hour
    assert client.post("/cases/report/", first).status_code == 302
    assert client.post("/cases/report/", report_form(description="第二处彩砖松动")).status_code == 302
    # when a third report comes
    third = client.post("/cases/report/", report_form(description="第三处彩砖松动"))
    # then it is refused with 429, a time to wait and a message; nothing is filed
    assert third.status_code == 429 and int(third["Retry-After"]) > 0
    assert "上报过于频繁" in html_of(third)
    assert Case.objects.count() == 2
    # but the first one sent again (a retry after a timeout) still lands on its case
    again = client.post("/cases/report/", first)
    assert again.status_code == 302 and Case.objects.count() == 2
    # and a grid worker's patrol reports are not limited
    login(client, town.users.grid_worker)
    for n in range(3):
        assert (
            client.post("/cases/patrol/", report_form(description=f"巡查发现彩砖松动{n}")).status_code == 302
        )


def test_reports_from_one_address_are_limited_across_residents(client, town, settings):
    settings.GRIDGOV_REPORT_RATE_IP = 1
    # given a report from an address
    login(client, town.users.resident)
    assert client.post("/cases/report/", report_form(), REMOTE_ADDR="203.0.113.7").status_code == 302
    # when another resident reports from the same address over the API
    login(client, town.users.other_resident)
    response = client.post(
        "/api/cases/",
        {"category": "C0201", "description": "彩砖松动", "lon": IN_GRID[0], "lat": IN_GRID[1]},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.7",
    )
    # then the API answers 429 with Retry-After, in its error shape; from another address it is fine
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0 and Case.objects.count() == 1
    elsewhere = client.post(
        "/api/cases/",
        {"category": "C0201", "description": "彩砖松动", "lon": IN_GRID[0], "lat": IN_GRID[1]},
        content_type="application/json",
        REMOTE_ADDR="198.51.100.2",
    )
    assert elsewhere.status_code == 201


# --- The same action sent again (a retry, the phone's outbox) is done once -------------------------


def _action_id(html: str, url: str) -> str:
    """The request id of the action form posting to ``url`` on a case page."""
    form = re.search(rf'action="{re.escape(url)}".*?</form>', html, re.S).group(0)
    return re.search(r'name="client_id" value="([0-9a-f-]{36})"', form).group(1)


def test_a_verification_sent_twice_is_done_once(client, town):
    # given a report waiting for the grid worker, whose page holds the verify form with its id
    case = new_case(town, until="reported")
    url = f"/cases/{case.number}/verify/"
    request_id = _action_id(html_of(login(client, town.users.grid_worker).get(f"/cases/{case.number}/")), url)
    # when the verification is sent, and sent again as after a timeout
    first = client.post(url, {"note": "已现场核实", "client_id": request_id})
    again = client.post(url, {"note": "已现场核实", "client_id": request_id})
    # then both land on the case, which was verified once
    assert first.status_code == again.status_code == 302
    assert again["Location"] == f"/cases/{case.number}/"
    assert case.events.filter(action="verify").count() == 1
    assert case.events.get(action="verify").client_id is not None
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED
    # and without the id, the second is out of turn as before
    assert client.post(url, {"note": "已现场核实"}).status_code == 409


def test_a_task_finished_twice_with_photos_is_finished_once(client, town):
    # given a signed task
    task = new_case(town, until="signed").tasks.get()
    url = f"/cases/tasks/{task.pk}/finish/"
    data = {"note": "已更换破损彩砖", "client_id": "5f0c8a43-1d2e-4c55-9b0a-6d8f1e2a7b31"}
    # when the unit's finish is sent twice with its after-photo
    login(client, town.users.unit)
    first = client.post(url, {**data, "photos": [jpeg("after.jpg")]})
    again = client.post(url, {**data, "photos": [jpeg("after.jpg")]})
    # then it is finished once, with one after-photo
    assert first.status_code == again.status_code == 302
    assert task.events.filter(action="finish").count() == 1
    assert Photo.objects.filter(case=task.case, kind="after").count() == 1


def test_an_urge_sent_twice_urges_once(client, town):
    # given a dispatched case: urging keeps its state, so only the id can tell a repeat
    case = new_case(town, until="dispatched")
    url = f"/cases/{case.number}/urge/"
    data = {"level": "general", "note": "请尽快", "client_id": "0b7d2f4e-8a61-4f3c-9d25-3e1a6c7b8f90"}
    # when the centre's urge is sent twice with one id, then a third time with a new page's id
    login(client, town.users.centre)
    assert client.post(url, data).status_code == client.post(url, data).status_code == 302
    assert client.post(url, {**data, "client_id": "7c1e9b20-5d3a-4e8f-a6b4-2f9d0c1e3a57"}).status_code == 302
    # then it was urged twice, not three times
    assert case.events.filter(action="urge").count() == 2
    assert case.tasks.get().urge_count == 2


def test_a_request_id_used_for_another_case_or_person_is_409(client, town):
    # given a case verified with a request id
    case = new_case(town, until="reported")
    other = new_case(town, until="reported")
    request_id = "9a3c5e71-2b4d-4f60-8e19-c7d2a5b3f408"
    login(client, town.users.grid_worker).post(f"/cases/{case.number}/verify/", {"client_id": request_id})
    # when the same id comes with an action on another case
    response = client.post(f"/cases/{other.number}/verify/", {"client_id": request_id})
    # then it is a 409 that says so, and the other case stays as it was
    assert response.status_code == 409 and "已用于另一项操作" in html_of(response)
    assert Case.objects.get(pk=other.pk).status == CaseStatus.REPORTED
    # and a request id that is not one is a 400 shown on the page
    bad = client.post(f"/cases/{other.number}/verify/", {"client_id": "not-a-uuid"})
    assert bad.status_code == 400 and "UUID" in html_of(bad)
    assert Case.objects.get(pk=other.pk).status == CaseStatus.REPORTED


def test_two_sends_racing_find_the_step_the_other_made(client, town):
    # given a verification made with an id while a second send of it had already looked and
    # found nothing (the two were in flight at once)
    case = new_case(town, until="reported")
    request_id = uuid.UUID("3e8b1c6d-4f2a-4b7e-9c05-a1d3f6e2b894")
    verify = lambda: services.case_verify(actor=town.users.grid_worker, case=Case.objects.get(pk=case.pk))  # noqa: E731
    assert services.action_once(actor=town.users.grid_worker, case=case, client_id=request_id, run=verify)
    with mock.patch.object(services, "_action_done", side_effect=[False, True]):
        # when the second one runs, and its step is refused as out of turn
        ran = services.action_once(actor=town.users.grid_worker, case=case, client_id=request_id, run=verify)
    # then it finds the first one's step and reports it done, not a 409
    assert ran is False and case.events.filter(action="verify").count() == 1


def test_the_case_page_offers_only_the_actions_of_the_role(client, town):
    case = new_case(town, until="submitted")
    centre = html_of(login(client, town.users.centre).get(f"/cases/{case.number}/"))
    assert (
        f'action="/cases/{case.number}/accept/"' in centre
        and f'action="/cases/{case.number}/reject/"' in centre
    )
    resident = html_of(login(client, town.users.resident).get(f"/cases/{case.number}/"))
    assert f'action="/cases/{case.number}/accept/"' not in resident
    assert f'action="/cases/{case.number}/withdraw/"' in resident


def test_the_centre_resolves_and_later_reopens_through_the_page(client, town):
    # given a submitted case: the centre is offered 即办 and resolves it, saying how
    case = new_case(town, until="submitted")
    login(client, town.users.centre)
    assert f'action="/cases/{case.number}/resolve/"' in html_of(client.get(f"/cases/{case.number}/"))
    refused = client.post(f"/cases/{case.number}/resolve/", {"note": ""})
    assert refused.status_code == 400 and "请填写办理情况。" in html_of(refused)
    done = client.post(f"/cases/{case.number}/resolve/", {"note": "已电话答复"}, follow=True)
    assert "已即办结案" in html_of(done) and Case.objects.get(pk=case.pk).status == "closed"
    # given a fixed case the resident rated unsatisfied: the centre is offered 重办
    fixed = new_case(town, until="handled")
    fixed = services.case_check(actor=town.users.grid_worker, case=fixed, passed=True)
    fixed = services.case_close(actor=town.users.centre, case=fixed)
    services.case_rate(actor=town.users.resident, case=fixed, rating="unsatisfied")
    page = html_of(client.get(f"/cases/{fixed.number}/"))
    assert f'action="/cases/{fixed.number}/reopen/"' in page
    reopened = client.post(f"/cases/{fixed.number}/reopen/", {"reason": "彩砖仍松动"}, follow=True)
    assert "已重办" in html_of(reopened) and Case.objects.get(pk=fixed.pk).status == "dispatched"
    # and the centre may supervise the reopened case's units from the page and the API
    assert f'action="/cases/{fixed.number}/supervise/"' in html_of(client.get(f"/cases/{fixed.number}/"))
    pressed = client.post(
        f"/cases/{fixed.number}/supervise/", {"level": "listed", "note": "挂牌督办"}, follow=True
    )
    assert "已督办" in html_of(pressed)
    urged = client.post(
        f"/api/cases/{fixed.number}/urge", {"level": "key", "note": "请加快"}, content_type="application/json"
    )
    assert urged.status_code == 200 and urged.json()["tasks"][0]["status"] == "signed"
    task = Case.objects.get(pk=fixed.pk).tasks.get()
    assert task.urge_count == 1
    one = client.post(f"/api/tasks/{task.pk}/supervise", {"level": "key"}, content_type="application/json")
    assert one.status_code == 200 and one.json()["supervise_count"] == 2
    # and when the office asks for more time, the centre's page shows the request with its choices
    services.task_extension_request(actor=town.users.unit, task=task, days=3, reason="需采购同款彩砖")
    page = html_of(client.get(f"/cases/{fixed.number}/"))
    assert "3 个工作日 · 需采购同款彩砖" in page and "督办 2 次 · 催办 1 次" in page
    assert f'action="/cases/tasks/{task.pk}/extension_approve/"' in page
    approved = client.post(f"/cases/tasks/{task.pk}/extension_approve/", {"note": "同意"}, follow=True)
    assert "已同意延期" in html_of(approved)
    # and the API refuses a second reopen with the reason, as a conflict
    fixed = Case.objects.get(pk=fixed.pk)
    services.task_finish(actor=town.users.unit, task=fixed.tasks.get(), note="已再次修复", photos=[jpeg()])
    fixed = services.case_check(actor=town.users.grid_worker, case=Case.objects.get(pk=fixed.pk), passed=True)
    fixed = services.case_close(actor=town.users.centre, case=fixed)
    services.case_rate(actor=town.users.resident, case=fixed, rating="unsatisfied")
    again = client.post(
        f"/api/cases/{fixed.number}/reopen", {"reason": "再次不满意"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["message"] == "一个案件只能重办一次。"


def test_the_street_passes_a_case_up_and_the_county_finds_it_in_its_queue(client, town):
    county = make_user(
        "panshan", role=Role.CENTRE_OPERATOR, target=CommandCentre.objects.get(path=town.t.county.path)
    )
    case = new_case(town, until="submitted")
    login(client, town.users.centre)
    assert f'action="/cases/{case.number}/escalate/"' in html_of(client.get(f"/cases/{case.number}/"))
    refused = client.post(f"/cases/{case.number}/escalate/", {"reason": ""})
    assert refused.status_code == 400 and "请说明需要上级指挥中心办理的原因。" in html_of(refused)
    passed = client.post(f"/cases/{case.number}/escalate/", {"reason": "涉及县住建局"}, follow=True)
    assert "已上报上级指挥中心。" in html_of(passed)
    assert case.number not in html_of(client.get("/cases/queue/incoming/"))
    login(client, county)
    assert case.number in html_of(client.get("/cases/queue/incoming/"))
    assert f'action="/cases/{case.number}/handback/"' in html_of(client.get(f"/cases/{case.number}/"))


# --- (3) Field errors ---------------------------------------------------------------------------


def test_report_without_category_and_description_shows_the_field_errors(client, town):
    login(client, town.users.resident)
    response = client.post("/cases/report/", {"category": "", "description": "  ", "photos": [jpeg()]})
    html = html_of(response)
    assert response.status_code == 400
    assert "请选择问题类别。" in html and "请描述问题。" in html
    assert Case.objects.count() == 0


def test_unanswered_required_question_is_shown_beside_it(client, town):
    login(client, town.users.resident)
    response = client.post("/cases/report/", {"category": "C0101", "description": "井盖没了"})
    html = html_of(response)
    assert response.status_code == 400
    # the questions of 井盖缺失/破损 are drawn for the chosen category, with their errors
    assert 'name="answers.manhole_type"' in html and "必须回答" in html


def test_reject_without_a_reason_is_400_and_the_case_stays(client, town):
    case = new_case(town, until="reported")
    response = login(client, town.users.grid_worker).post(f"/cases/{case.number}/reject/", {"reason": ""})
    assert response.status_code == 400 and "请填写" in html_of(response)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REPORTED


def test_finish_without_photo_is_400(client, town):
    case = new_case(town, until="signed")
    task = case.tasks.get()
    response = login(client, town.users.unit).post(f"/cases/tasks/{task.pk}/finish/", {"note": "已修复"})
    assert response.status_code == 400
    assert Task.objects.get(pk=task.pk).status == TaskStatus.SIGNED


def test_a_file_that_is_not_a_photo_is_400(client, town):
    login(client, town.users.resident)
    bogus = SimpleUploadedFile("x.jpg", b"not a picture", content_type="image/jpeg")
    response = client.post("/cases/report/", {**report_form(), "photos": [bogus]})
    assert response.status_code == 400 and "JPEG" in html_of(response)
    assert Case.objects.count() == 0


def test_a_photo_too_large_is_413(client, town, settings):
    settings.GRIDGOV_PHOTO_MAX_BYTES = 100
    login(client, town.users.resident)
    response = client.post("/cases/report/", {**report_form(), "photos": [jpeg()]})
    assert response.status_code == 413 and Case.objects.count() == 0


def test_dispatch_without_a_unit_is_400(client, town):
    case = new_case(town, until="accepted")
    response = login(client, town.users.centre).post(f"/cases/{case.number}/dispatch/", {"instructions": ""})
    assert response.status_code == 400 and "请至少选择一个承办单位" in html_of(response)


def test_merge_into_an_unknown_case_is_400(client, town):
    case = new_case(town, until="submitted")
    response = login(client, town.users.centre).post(
        f"/cases/{case.number}/merge/", {"into": "19990101000001"}
    )
    assert response.status_code == 400 and Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


# --- (5) The reporter's phone -------------------------------------------------------------------


@pytest.mark.parametrize(
    "who,shown",
    [("centre", PHONE), ("grid_worker", "138****8000"), ("unit", "138****8000"), ("resident", "138****8000")],
)
def test_phone_is_full_for_the_centre_only(client, town, who, shown):
    case = new_case(town, until="dispatched")
    html = html_of(login(client, getattr(town.users, who)).get(f"/cases/{case.number}/"))
    assert shown in html
    if shown != PHONE:
        assert PHONE not in html


# --- (4) Query counts on the lists ------------------------------------------------------------


def _reports(town, n):
    for i in range(n):
        services.case_report(
            actor=town.users.resident,
            category=town.pavement,
            description=f"彩砖松动{i}",
            lon=IN_GRID[0],
            lat=IN_GRID[1],
            answers={"blocks_traffic": False},
        )


def _patrol(town, n, until="submitted"):
    for i in range(n):
        case, _ = services.case_report(
            actor=town.users.grid_worker,
            channel="patrol",
            category=town.pavement,
            description=f"巡查发现{i}",
            lon=IN_GRID[0],
            lat=IN_GRID[1],
            answers={"blocks_traffic": True},
        )
        if until in ("accepted", "dispatched"):
            services.case_accept(actor=town.users.centre, case=case)
        if until == "dispatched":
            services.case_dispatch(
                actor=town.users.centre, case=Case.objects.get(pk=case.pk), units=[town.office]
            )


def _accepted(town, n):
    _patrol(town, n, until="accepted")


def _dispatched(town, n):
    _patrol(town, n, until="dispatched")


GRID_PATH = "211122001211003"  # 张家村路边网格: the third grid of 张家村


@pytest.mark.parametrize(
    "who,url,make",
    [
        ("resident", "/cases/mine/", _reports),
        ("grid_worker", "/cases/queue/to_verify/", _reports),
        ("grid_worker", "/cases/queue/my_patrol/", _dispatched),
        ("centre", "/cases/queue/incoming/", _patrol),
        ("centre", "/cases/queue/to_dispatch/", _accepted),
        ("centre", "/cases/all/", _dispatched),
        ("centre", f"/cases/all/?status=dispatched&category=C02&grid={GRID_PATH}&unit=&q=巡查", _dispatched),
        ("centre", "/cases/all/?overdue=on", _dispatched),
        ("unit", "/cases/tasks/", _dispatched),
        ("unit", "/cases/tasks/?status=all", _dispatched),
        ("grid_worker", "/accounts/inbox/", _reports),
    ],
)
def test_list_pages_take_the_same_queries_for_3_and_15_rows(
    client, town, who, url, make, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given 3 rows (and their notifications)
    login(client, getattr(town.users, who))
    with django_capture_on_commit_callbacks(execute=True):
        make(town, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # when there are 15
    with django_capture_on_commit_callbacks(execute=True):
        make(town, 12)
    # then the page takes no more queries, and few of them
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(few) <= 12


def test_lists_are_paginated_by_20(client, town):
    _reports(town, 23)
    html = html_of(login(client, town.users.resident).get("/cases/mine/"))
    assert html.count('class="case-cell"') == 20 and "page=2" in html
    second = html_of(client.get("/cases/mine/?page=2"))
    assert second.count('class="case-cell"') == 3


def test_all_cases_filters(client, town):
    # given one reported case and one dispatched case, and one in the other grid
    _reports(town, 1)
    _dispatched(town, 1)
    other, _ = services.case_report(
        actor=town.users.resident,
        category=Category.objects.get(code="C0301"),
        description="垃圾桶满了",
        lon=IN_OTHER_GRID[0],
        lat=IN_OTHER_GRID[1],
    )
    login(client, town.users.centre)

    def numbers(query):
        return set(re.findall(r'href="/cases/(\d{14})/"', html_of(client.get(f"/cases/all/?{query}"))))

    dispatched = Case.objects.get(status=CaseStatus.DISPATCHED).number
    reported = Case.objects.get(status=CaseStatus.REPORTED, category__code="C0201").number
    assert numbers("") == {dispatched, reported, other.number}
    assert numbers("status=dispatched") == {dispatched}
    assert numbers("category=C02") == {dispatched, reported}
    assert numbers("category=C0301") == {other.number}
    assert numbers(f"grid={town.grid.path}") == {dispatched, reported}
    assert numbers(f"unit={town.office.pk}") == {dispatched}
    assert numbers("q=巡查") == {dispatched}
    assert numbers("overdue=on") == set()


# --- SLA countdowns -----------------------------------------------------------------------------


def test_deadlines_are_green_yellow_and_red(client, town):
    from datetime import timedelta

    from django.utils import timezone

    case = new_case(town, until="submitted")
    now = timezone.now()
    login(client, town.users.centre)
    Case.objects.filter(pk=case.pk).update(due_at=now + timedelta(hours=5), warn_at=now + timedelta(hours=4))
    assert 'class="sla sla-ok"' in html_of(client.get(f"/cases/{case.number}/"))
    Case.objects.filter(pk=case.pk).update(warn_at=now - timedelta(minutes=1), version=case.version + 1)
    assert 'class="sla sla-warn"' in html_of(client.get("/cases/queue/incoming/"))
    Case.objects.filter(pk=case.pk).update(due_at=now - timedelta(hours=2, minutes=5))
    html = html_of(client.get(f"/cases/{case.number}/"))
    assert 'class="sla sla-overdue"' in html and "超期 2小时5分" in html
    assert html_of(client.get("/cases/all/?overdue=on")).count(f'href="/cases/{case.number}/"') >= 1


def test_a_dispatched_case_shows_the_deadline_of_its_open_task(client, town):
    from datetime import timedelta

    from django.utils import timezone

    # given a dispatched case whose task is overdue
    case = new_case(town, until="dispatched")
    Task.objects.filter(case=case).update(due_at=timezone.now() - timedelta(minutes=30))
    # then the centre's list shows it red, from the task's clock
    html = html_of(login(client, town.users.centre).get("/cases/all/"))
    row = next(r for r in html.split("<tr>") if f'href="/cases/{case.number}/"' in r)
    assert 'class="sla sla-overdue"' in row and "超期 30分钟" in row


# --- The menu ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who,present,absent",
    [
        ("resident", ["随手拍", "我的上报", "消息"], ["待核实", "待受理", "我的任务"]),
        ("grid_worker", ["待核实", "待核查", "巡查上报", "消息"], ["随手拍", "待受理", "我的任务"]),
        ("centre", ["待受理", "待派遣", "全部案件", "消息"], ["随手拍", "待核实", "我的任务"]),
        ("unit", ["我的任务", "消息"], ["随手拍", "待核实", "待受理"]),
    ],
)
def test_menu_is_role_aware(client, town, who, present, absent):
    html = html_of(login(client, getattr(town.users, who)).get("/"))
    nav = html.split('class="app-nav"')[1].split("</nav>")[0]
    for label in present:
        assert label in nav, label
    for label in absent:
        assert label not in nav, label


def test_menu_shows_the_unread_count(client, town, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_report(
            actor=town.users.resident,
            category=town.pavement,
            description="彩砖松动",
            lon=IN_GRID[0],
            lat=IN_GRID[1],
            answers={"blocks_traffic": False},
        )
    html = html_of(login(client, town.users.grid_worker).get("/cases/queue/to_verify/"))
    assert "消息（1）" in html.split('class="app-nav"')[1].split("</nav>")[0]
