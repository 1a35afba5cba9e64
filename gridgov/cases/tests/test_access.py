"""Role × scope for every case and task endpoint: out of scope is a 404, in scope but not
this role's action is a 403, the right role in scope succeeds."""

import pytest

from gridgov.cases import services
from gridgov.cases.models import Case, Task

from .conftest import IN_GRID, jpeg

EVERYONE = [
    "resident",
    "other_resident",
    "grid_worker",
    "sibling_grid_worker",
    "centre",
    "sibling_centre",
    "county_centre",
    "city_centre",
    "unit",
    "sibling_unit",
    "bureau",
    "leader",
    "party",
]
CENTRES = {"centre", "county_centre", "city_centre"}
#: Who sees a case of 张家村第一网格 reported by `resident`, before and after dispatch.
SEES = {"resident", "grid_worker", "leader"} | CENTRES
SEES_DISPATCHED = SEES | {"unit"}

STEPS = ["reported", "submitted", "accepted", "dispatched", "signed", "handled", "checked", "closed"]


def advance(world, until: str) -> Case:
    """A fresh case of 张家村 brought through the real services to ``until``."""
    u = world.users
    case, _ = services.case_report(
        actor=u.resident,
        category=world.pavement,
        description="张家村路边彩砖破啦！",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        answers={"blocks_traffic": False},
    )
    steps = [
        lambda c: services.case_verify(actor=u.grid_worker, case=c),
        lambda c: services.case_accept(actor=u.centre, case=c),
        lambda c: services.case_dispatch(actor=u.centre, case=c, units=[world.office]),
        lambda c: services.task_sign(actor=u.unit, task=c.tasks.get()),
        lambda c: services.task_finish(actor=u.unit, task=c.tasks.get(), note="已修复", photos=[jpeg()]),
        lambda c: services.case_check(actor=u.grid_worker, case=c, passed=True),
        lambda c: services.case_close(actor=u.centre, case=c),
    ]
    for step in steps[: STEPS.index(until)]:
        step(case)
        case = Case.objects.get(pk=case.pk)
    return case


CASE_ENDPOINTS = [
    # (action path, state it needs, JSON body, who may, sees after dispatch)
    ("verify", "reported", {}, {"grid_worker"}),
    ("accept", "submitted", {}, CENTRES),
    ("reject", "reported", {"reason": "重复上报"}, {"grid_worker"} | CENTRES),
    ("dispatch", "accepted", None, CENTRES),
    ("check", "handled", "form", {"grid_worker"} | CENTRES),
    ("close", "checked", {}, CENTRES),
    ("rate", "closed", {"rating": "satisfied"}, {"resident"} | CENTRES),
    ("withdraw", "submitted", {"reason": "已自行解决"}, {"resident"}),
    ("merge", "submitted", "merge", CENTRES),
]


def _expected(who: str, state: str, allowed: set[str]) -> int:
    seen = SEES_DISPATCHED if STEPS.index(state) >= STEPS.index("dispatched") else SEES
    if who not in seen:
        return 404
    return 200 if who in allowed else 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "state", "body", "allowed"), CASE_ENDPOINTS, ids=[e[0] for e in CASE_ENDPOINTS]
)
def test_case_action_endpoints_by_role_and_scope(client, world, action, state, body, allowed):
    for who in EVERYONE:
        # given a fresh case in the state the action needs
        case = advance(world, state)
        client.force_login(getattr(world.users, who))
        url = f"/api/cases/{case.number}/{action}"
        # when `who` takes the action
        if body == "form":
            response = client.post(url, {"passed": "true"})
        elif body == "merge":
            into = advance(world, "submitted")
            response = client.post(url, {"into": into.number}, content_type="application/json")
        elif body is None:
            response = client.post(url, {"unit_ids": [world.office.pk]}, content_type="application/json")
        else:
            response = client.post(url, body, content_type="application/json")
        # then out of scope is 404, a wrong role 403, the right one succeeds
        assert response.status_code == _expected(who, state, allowed), (who, response.json())


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["reported", "dispatched"])
def test_reading_a_case_and_its_photos_by_role_and_scope(client, world, state):
    case = advance(world, state)
    services.case_photos_add(
        actor=world.users.resident, case=case, photos=[jpeg()]
    ) if state == "reported" else None
    photo = case.photos.first()
    for who in EVERYONE:
        client.force_login(getattr(world.users, who))
        expected = _expected(who, state, set(EVERYONE))
        assert client.get(f"/api/cases/{case.number}").status_code == expected, who
        numbers = [c["number"] for c in client.get("/api/cases/").json()["items"]]
        assert (case.number in numbers) == (expected == 200), who
        if photo is not None:
            assert client.get(f"/api/cases/photos/{photo.pk}").status_code == expected, who


@pytest.mark.django_db
def test_adding_photos_is_the_reporters_alone(client, world):
    for who in EVERYONE:
        case = advance(world, "reported")
        client.force_login(getattr(world.users, who))
        response = client.post(f"/api/cases/{case.number}/photos", {"photos": [jpeg()]})
        assert response.status_code == _expected(who, "reported", {"resident"}), who


@pytest.mark.django_db
def test_dispatch_units_are_offered_to_the_centre_only(client, world):
    case = advance(world, "accepted")
    for who in EVERYONE:
        client.force_login(getattr(world.users, who))
        response = client.get(f"/api/cases/{case.number}/dispatch-units")
        expected = 200 if who in CENTRES else 404
        assert response.status_code == expected, who
        if expected == 200:
            names = [u["name"] for u in response.json()]
            assert "太平街道城市管理办公室" in names and "盘山县住房和城乡建设局" in names
            assert "高升街道城市管理办公室" not in names


TASK_ENDPOINTS = [
    ("sign", "dispatched", None),
    ("return", "dispatched", {"reason": "不属于本单位职责"}),
    ("finish", "signed", "form"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "state", "body"), TASK_ENDPOINTS, ids=[e[0] for e in TASK_ENDPOINTS])
def test_task_endpoints_by_role_and_scope(client, world, action, state, body):
    for who in EVERYONE:
        # given a task of the street office in the state the action needs
        task = Task.objects.get(case=advance(world, state))
        client.force_login(getattr(world.users, who))
        url = f"/api/tasks/{task.pk}/{action}"
        # when `who` acts on it
        if body == "form":
            response = client.post(url, {"note": "已修复", "photos": [jpeg()]})
        else:
            response = client.post(url, body or {}, content_type="application/json")
        # then only the office's handler may; who sees the case gets 403; others 404
        expected = _expected(who, state, {"unit"})
        assert response.status_code == expected, (who, response.json())
        assert client.get(f"/api/tasks/{task.pk}").status_code == (200 if expected != 404 else 404), who


@pytest.mark.django_db
def test_task_list_shows_only_my_units_tasks(client, world):
    advance(world, "dispatched")
    for who in EVERYONE:
        client.force_login(getattr(world.users, who))
        count = client.get("/api/tasks/").json()["count"]
        assert count == (1 if who == "unit" else 0), who


@pytest.fixture
def demand(world):
    """The rice mill's 融资 demand, filed by its own account; a second enterprise's account."""
    from gridgov.catalogue.models import Category
    from gridgov.enterprises.tests.conftest import MILL, SHOP, register
    from gridgov.orgs.tests.factories import make_user

    u, t = world.users, world.t
    world.users.mill_owner = make_user("mill-owner", phone="13700137000")
    world.users.shop_owner = make_user("shop-owner", phone="13700137001")
    mill = register(u.centre, t.village, MILL, "盘山县张家村米业有限公司", liaison=None)
    shop = register(u.centre, t.village, SHOP, "张家村农资商店")
    mill.accounts.add(world.users.mill_owner)
    shop.accounts.add(world.users.shop_owner)
    case, _ = services.case_report(
        actor=world.users.mill_owner,
        channel="enterprise",
        enterprise=mill,
        category=Category.objects.get(code="D0101"),
        description="需要流动资金贷款",
    )
    return case


#: Who sees the mill's demand: its account, the centres and the leader covering 张家村.
SEES_DEMAND = {"mill_owner", "leader"} | CENTRES


@pytest.mark.django_db
@pytest.mark.parametrize("who", [*EVERYONE, "mill_owner", "shop_owner"])
def test_an_enterprise_demand_is_seen_by_its_enterprise_and_the_centres_only(client, world, demand, who):
    # given the mill's demand, when each role reads it and lists cases
    client.force_login(getattr(world.users, who))
    detail = client.get(f"/api/cases/{demand.number}")
    listed = [c["number"] for c in client.get("/api/cases/").json()["items"]]
    # then it is there for its enterprise and the covering staff, and a 404 to everyone else
    seen = who in SEES_DEMAND
    assert detail.status_code == (200 if seen else 404)
    assert (demand.number in listed) == seen
