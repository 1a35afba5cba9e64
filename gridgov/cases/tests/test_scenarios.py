"""The five dispatch patterns (ARCHITECTURE §5), each end to end over the JSON API with the
roles involved: a citizen's appeal by the hotline (即办, dispatch, 重办 once), an enterprise's
demand, a street's whistle to county units (吹哨报到), a joint command, and a county's
directive with its response board."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import Notification
from gridgov.cases.models import Case, Task
from gridgov.cases.tasks import sla_sweep
from gridgov.enterprises.services import enterprise_liaison_set
from gridgov.enterprises.tests.conftest import MILL, register
from gridgov.orgs.models import Role, UnitKind
from gridgov.orgs.services import handling_unit_ensure
from gridgov.orgs.tests.factories import make_user

from .conftest import jpeg


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict | None = None):
    response = client.post(path, body or {}, content_type="application/json")
    return response.status_code, response.json()


def get(client: Client, path: str):
    response = client.get(path)
    return response.status_code, response.json()


def finish(client: Client, task_id: int, note: str):
    response = client.post(f"/api/tasks/{task_id}/finish", {"note": note, "photos": [jpeg()]})
    return response.status_code, response.json()


def task_of(case_body: dict, unit) -> dict:
    return next(t for t in case_body["tasks"] if t["unit"]["id"] == unit.pk)


@pytest.mark.django_db
def test_a_citizen_appeal_by_the_hotline_is_resolved_at_once_or_dispatched_and_reopened_once(world):
    u = world.users
    centre, unit, grid_worker = as_user(u.centre), as_user(u.unit), as_user(u.grid_worker)
    # given a caller on 12345 asking when the street's water comes back: the operator enters it
    status, asked = post(
        centre,
        "/api/cases/",
        {
            "channel": "hotline",
            "category": "E0601",
            "description": "来电咨询停水何时恢复",
            "lon": 121.9975,
            "lat": 41.2475,
            "contact_phone": "13900001111",
        },
    )
    assert (status, asked["status"], asked["channel"]) == (201, "submitted", "hotline"), asked
    # when the operator answers it on the phone (即办), then it is closed at once with the answer
    status, body = post(centre, f"/api/cases/{asked['number']}/resolve", {"note": "已告知今晚八点恢复供水"})
    assert (status, body["status"]) == (200, "closed")
    # given a second caller reporting a broken pavement, located in 张家村's first grid
    status, case = post(
        centre,
        "/api/cases/",
        {
            "channel": "hotline",
            "category": "C0201",
            "description": "来电反映村委会门前彩砖破损",
            "lon": 121.9975,
            "lat": 41.2475,
            "answers": {"area_m2": 3, "blocks_traffic": True},
            "contact_phone": "13900002222",
        },
    )
    number = case["number"]
    # when the centre accepts and dispatches it, the office signs and finishes, the grid worker
    # re-checks, the centre closes, and the caller (rated by the operator) is unsatisfied
    post(centre, f"/api/cases/{number}/accept")
    status, body = post(centre, f"/api/cases/{number}/dispatch", {"unit_ids": [world.office.pk]})
    task_id = task_of(body, world.office)["id"]
    assert post(unit, f"/api/tasks/{task_id}/sign")[1]["status"] == "signed"
    assert finish(unit, task_id, "已更换彩砖")[0] == 200
    assert post(grid_worker, f"/api/cases/{number}/check", {"passed": True})[1]["status"] == "checked"
    post(centre, f"/api/cases/{number}/close")
    status, body = post(centre, f"/api/cases/{number}/rate", {"rating": "unsatisfied", "comment": "仍有松动"})
    assert body["status"] == "rated" and "reopen" in body["actions"]
    # then the centre reopens it (重办) once: the office's task is back at work
    status, body = post(centre, f"/api/cases/{number}/reopen", {"reason": "来电人反映彩砖仍松动"})
    assert (status, body["status"], task_of(body, world.office)["status"]) == (200, "dispatched", "signed")
    assert finish(unit, task_id, "重新铺设彩砖")[0] == 200
    post(grid_worker, f"/api/cases/{number}/check", {"passed": True})
    post(centre, f"/api/cases/{number}/close")
    post(centre, f"/api/cases/{number}/rate", {"rating": "unsatisfied"})
    # and a second reopen is refused with the reason
    status, body = post(centre, f"/api/cases/{number}/reopen", {"reason": "再次不满意"})
    assert (status, body["code"]) == (409, "reopen_refused")
    assert Case.objects.get(number=number).reopen_count == 1


@pytest.mark.django_db
def test_an_enterprise_demand_is_filed_by_its_liaison_answered_by_a_bureau_and_rated_by_the_enterprise(world):
    u, t = world.users, world.t
    # given 张家村's rice mill on the registry, its owner's account and its liaison cadre
    owner = make_user("mill-owner", phone="13700137000", full_name="刘建国")
    liaison = make_user("baobao", role=Role.LEADER, target=t.county, full_name="赵干部")
    mill = register(u.centre, t.village, MILL, "盘山县张家村米业有限公司")
    enterprise_liaison_set(actor=u.centre, enterprise=mill, liaison=liaison)
    mill.accounts.add(owner)
    boss, cadre, centre, bureau = as_user(owner), as_user(liaison), as_user(u.centre), as_user(u.bureau)
    # when the liaison files its demand for seasonal workers (用工)
    status, case = post(
        cadre,
        "/api/cases/",
        {
            "channel": "enterprise",
            "enterprise_id": mill.pk,
            "category": "D0102",
            "description": "秋收季节需招用工30人",
        },
    )
    # then it is the enterprise's demand, placed where the mill is, waiting for the street's centre
    assert status == 201, case
    number = case["number"]
    assert (case["status"], case["enterprise"]["name"], case["centre"]) == (
        "submitted",
        "盘山县张家村米业有限公司",
        "太平街道指挥中心",
    )
    # and the owner follows it in their list
    status, mine = get(boss, "/api/cases/")
    assert [c["number"] for c in mine["items"]] == [number]
    # when the centre accepts it and sends it to the county's bureau, which signs and answers
    post(centre, f"/api/cases/{number}/accept")
    status, body = post(centre, f"/api/cases/{number}/dispatch", {"unit_ids": [world.bureau.pk]})
    assert status == 200, body
    task_id = task_of(body, world.bureau)["id"]
    post(bureau, f"/api/tasks/{task_id}/sign")
    assert finish(bureau, task_id, "已对接县人社局招聘会，推荐务工人员32名")[0] == 200
    assert post(centre, f"/api/cases/{number}/check", {"passed": True})[1]["status"] == "checked"
    post(centre, f"/api/cases/{number}/close")
    # then the liaison may not rate it for the enterprise, the owner does
    assert post(cadre, f"/api/cases/{number}/rate", {"rating": "satisfied"})[0] == 403
    status, body = post(boss, f"/api/cases/{number}/rate", {"rating": "satisfied", "comment": "解决了大问题"})
    assert (status, body["status"], body["rating"]) == (200, "rated", "satisfied")
    # and nobody else files for the mill, nor files a demand as a pavement report
    resident = as_user(u.resident)
    demand = {
        "channel": "enterprise",
        "enterprise_id": mill.pk,
        "category": "D0101",
        "description": "需要贷款",
    }
    assert post(resident, "/api/cases/", demand)[0] == 403
    status, body = post(boss, "/api/cases/", {**demand, "category": "C0201"})
    assert (status, list(body["fields"])) == (400, ["category"])
    status, body = post(boss, "/api/cases/", {**demand, "channel": "app", "category": "D0101"})
    assert status == 400 and "enterprise" in body["fields"]


@pytest.mark.django_db
def test_a_street_whistles_county_units_which_must_answer_and_are_rated_each(world, settings):
    u, t = world.users, world.t
    water = handling_unit_ensure(org_unit=t.county, name="盘山县水利局", kind=UnitKind.BUREAU)
    water_handler = make_user("shuili", role=Role.UNIT_HANDLER, target=water)
    street, bureau, water_desk = as_user(u.centre), as_user(u.bureau), as_user(water_handler)
    # given the street's centre, which cannot mend a collapsed culvert on its own
    status, units = get(street, "/api/cases/whistle-units")
    assert {n["name"] for n in units} == {"盘山县住房和城乡建设局", "盘山县水利局"}
    # when it whistles the county's housing and water bureaus
    status, case = post(
        street,
        "/api/cases/whistles",
        {
            "title": "张家村排水涵洞坍塌",
            "category": "C0101",
            "description": "涵洞坍塌导致雨水倒灌，街道无力独自处置",
            "unit_ids": [world.bureau.pk, water.pk],
        },
    )
    # then both get a task to sign within the limit, and the street holds the case
    assert status == 201, case
    number = case["number"]
    assert (case["channel"], case["status"], case["centre"]) == (
        "grassroots",
        "dispatched",
        "太平街道指挥中心",
    )
    assert [e["action"] for e in case["timeline"]] == ["whistle", "dispatch"]
    assert {t["status"] for t in case["tasks"]} == {"pending"}
    # when the housing bureau signs and reports its handling, and the water bureau lets the
    # signing limit pass
    housing_task, water_task = task_of(case, world.bureau)["id"], task_of(case, water)["id"]
    post(bureau, f"/api/tasks/{housing_task}/sign")
    assert finish(bureau, housing_task, "已组织抢修，涵洞临时加固")[0] == 200
    Task.objects.filter(pk=water_task).update(due_at=timezone.now() - timedelta(minutes=1))
    sla_sweep.call()
    # then the unanswered whistle escalates: the county's centre is told of it and presses
    county = Notification.objects.filter(user=u.county_centre)
    assert county.filter(title__contains=number).exists()
    water_row = Task.objects.get(pk=water_task)
    assert water_row.supervise_count == 1
    # when the water bureau answers after all
    post(water_desk, f"/api/tasks/{water_task}/sign")
    finish(water_desk, water_task, "已疏通上游河道")
    # then the case is handled, and the street rates each unit (two-way assessment), once
    assert get(street, f"/api/cases/{number}")[1]["status"] == "handled"
    status, body = post(
        street, f"/api/tasks/{housing_task}/assess", {"rating": "satisfied", "comment": "响应迅速"}
    )
    assert (status, body["rating"]) == (200, "satisfied")
    assert post(street, f"/api/tasks/{water_task}/assess", {"rating": "basic"})[1]["rating"] == "basic"
    status, body = post(street, f"/api/tasks/{water_task}/assess", {"rating": "satisfied"})
    assert (status, body["code"]) == (409, "already_rated")
    # and each unit rates the request it answered, the other way round
    status, body = post(
        bureau,
        f"/api/tasks/{housing_task}/assess_request",
        {"rating": "satisfied", "comment": "问题描述清楚"},
    )
    assert (status, body["request_rating"], body["rating"]) == (200, "satisfied", "satisfied")
    assert post(street, f"/api/tasks/{water_task}/assess_request", {"rating": "basic"})[0] == 403
    # and the units cannot rate themselves, nor can the street whistle its own office
    assert post(bureau, f"/api/tasks/{housing_task}/assess", {"rating": "satisfied"})[0] == 403
    status, body = post(
        street,
        "/api/cases/whistles",
        {"title": "路灯", "category": "C0102", "description": "路灯不亮", "unit_ids": [world.office.pk]},
    )
    assert (status, list(body["fields"])) == (400, ["units"])
    # and a grid worker does not whistle
    status, body = post(as_user(u.grid_worker), "/api/cases/whistles", {"title": "x"})
    assert status == 403


@pytest.mark.django_db
def test_a_joint_command_has_a_lead_unit_who_sees_the_co_handlers_progress(world):
    u, t = world.users, world.t
    water = handling_unit_ensure(org_unit=t.county, name="盘山县水利局", kind=UnitKind.BUREAU)
    water_handler = make_user("shuili", role=Role.UNIT_HANDLER, target=water)
    centre, lead, co, other = as_user(u.centre), as_user(u.unit), as_user(u.bureau), as_user(water_handler)
    # given an accepted case that needs the street office, the housing bureau and the water bureau
    status, case = post(
        centre,
        "/api/cases/",
        {
            "channel": "hotline",
            "category": "C0201",
            "description": "道路塌陷，涉及管网和路面",
            "lon": 121.9975,
            "lat": 41.2475,
            "answers": {"area_m2": 6, "blocks_traffic": True},
        },
    )
    number = case["number"]
    post(centre, f"/api/cases/{number}/accept")
    # when the lead is not among the units, then it is a 400
    status, body = post(
        centre,
        f"/api/cases/{number}/dispatch",
        {"unit_ids": [world.bureau.pk], "lead_unit_id": world.office.pk},
    )
    assert (status, list(body["fields"])) == (400, ["lead_unit_id"])
    # when the centre dispatches it as a joint command led by the street office
    status, body = post(
        centre,
        f"/api/cases/{number}/dispatch",
        {"unit_ids": [world.office.pk, world.bureau.pk, water.pk], "lead_unit_id": world.office.pk},
    )
    assert status == 200, body
    roles = {t["unit"]["name"]: t["role"] for t in body["tasks"]}
    assert roles == {"太平街道城市管理办公室": "lead", "盘山县住房和城乡建设局": "co", "盘山县水利局": "co"}
    # and each unit works its own task with its own deadline
    tasks = {t["unit"]["id"]: t["id"] for t in body["tasks"]}
    post(co, f"/api/tasks/{tasks[world.bureau.pk]}/sign")
    finish(co, tasks[world.bureau.pk], "管网已修复")
    # then the lead sees every co-handler's progress; a co-handler sees its own task and the lead's
    seen = {t["unit"]["name"]: t["status"] for t in get(lead, f"/api/cases/{number}")[1]["tasks"]}
    assert seen == {
        "太平街道城市管理办公室": "pending",
        "盘山县住房和城乡建设局": "done",
        "盘山县水利局": "pending",
    }
    seen = {t["unit"]["name"] for t in get(other, f"/api/cases/{number}")[1]["tasks"]}
    assert seen == {"太平街道城市管理办公室", "盘山县水利局"}
    # and the case is handled only when all three are done
    post(lead, f"/api/tasks/{tasks[world.office.pk]}/sign")
    finish(lead, tasks[world.office.pk], "路面已恢复")
    assert Case.objects.get(number=number).status == "dispatched"
    post(other, f"/api/tasks/{tasks[water.pk]}/sign")
    finish(other, tasks[water.pk], "排水已恢复")
    assert Case.objects.get(number=number).status == "handled"


@pytest.mark.django_db
def test_a_county_directive_reaches_every_unit_of_the_chosen_kinds_with_a_live_board(world):
    u = world.users
    county, office, sibling = as_user(u.county_centre), as_user(u.unit), as_user(u.sibling_unit)
    due = (timezone.now() + timedelta(days=5)).isoformat()
    directive = {
        "title": "冬季供暖排查",
        "category": "W0101",
        "description": "各街道于本周内完成辖区供暖设施排查，上传排查照片",
        "unit_kinds": ["street_office"],
        "due_at": due,
    }
    # when the county's centre issues a directive to every street office in the county
    status, case = post(county, "/api/cases/directives", directive)
    # then both street offices of 盘山县 get a task with the directive's deadline, not the bureau
    assert status == 201, case
    number = case["number"]
    assert (case["channel"], case["status"], case["title"]) == ("directive", "dispatched", "冬季供暖排查")
    tasks = {t.unit_id: t for t in Task.objects.filter(case__number=number)}
    assert set(tasks) == {world.office.pk, world.sibling_office.pk}
    assert {t.due_at.isoformat() for t in tasks.values()} == {due}
    # and each office sees only its own task of it
    assert [t["unit"]["id"] for t in get(office, f"/api/cases/{number}")[1]["tasks"]] == [world.office.pk]
    # when one office acknowledges and reports completion with evidence, the other only acknowledges
    mine = tasks[world.office.pk].pk
    post(office, f"/api/tasks/{mine}/sign")
    assert Task.objects.get(pk=mine).due_at.isoformat() == due  # acknowledging keeps the deadline
    assert finish(office, mine, "排查供暖管线12处，整改隐患2处")[0] == 200
    post(sibling, f"/api/tasks/{tasks[world.sibling_office.pk].pk}/sign")
    # then the board counts them, unit by unit
    status, board = get(county, f"/api/cases/{number}/board")
    assert (board["units"], board["acknowledged"], board["done"], board["overdue"]) == (2, 2, 1, 0)
    # and once the deadline passes, the one not done shows overdue
    Task.objects.filter(pk=tasks[world.sibling_office.pk].pk).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    board = get(county, f"/api/cases/{number}/board")[1]
    assert board["overdue"] == 1
    assert [r["unit"]["name"] for r in board["rows"] if r["overdue"]] == ["高升街道城市管理办公室"]
    # and the board is not the units' to read
    assert office.get(f"/api/cases/{number}/board").status_code == 404
    # and a directive to an empty scope, or from a street's centre, is refused
    status, body = post(county, "/api/cases/directives", {**directive, "unit_kinds": ["utility"]})
    assert (status, list(body["fields"])) == (400, ["unit_kinds"])
    assert post(as_user(u.centre), "/api/cases/directives", directive)[0] == 403
    status, body = post(county, "/api/cases/directives", {**directive, "due_at": "2020-01-01T00:00:00+08:00"})
    assert (status, list(body["fields"])) == (400, ["due_at"])
