"""The pages of the other dispatch patterns: whistling (吹哨), issuing a directive and its live
response board, filing an enterprise demand, dispatching a joint command with a lead unit, and
rating a whistled unit's answer — each for its role (200), refused to others (403/404), with
field errors on the page (400)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.cases import services
from gridgov.cases.models import Case, Task, TaskStatus
from gridgov.catalogue.models import Category
from gridgov.enterprises.tests.conftest import MILL, register
from gridgov.orgs.tests.factories import make_user

from .conftest import IN_GRID, jpeg


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("centre", "/cases/whistle/", 200),
        ("county_centre", "/cases/whistle/", 403),
        ("grid_worker", "/cases/whistle/", 403),
        ("county_centre", "/cases/directive/", 200),
        ("city_centre", "/cases/directive/", 200),
        ("centre", "/cases/directive/", 403),
        ("unit", "/cases/directive/", 403),
        ("resident", "/cases/demand/", 403),
    ],
)
def test_each_pattern_page_answers_its_role_only(client, world, who, url, status):
    # given a user of the role, when they open the page, then it answers or refuses
    response = login(client, getattr(world.users, who)).get(url)
    assert response.status_code == status


@pytest.mark.django_db
def test_the_street_whistles_from_its_page_and_rates_each_answer(client, world):
    u = world.users
    login(client, u.centre)
    # given the whistle page, offering the units above the street and not its own office
    page = client.get("/cases/whistle/").content.decode()
    assert "盘山县住房和城乡建设局" in page and "太平街道城市管理办公室" not in page
    # when it is sent without a title or a unit, then the fields say what is missing
    response = client.post("/cases/whistle/", {"category": "C0101", "description": "涵洞坍塌"})
    assert response.status_code == 400
    assert "请填写标题" in response.content.decode() and not Case.objects.exists()
    # when it is sent whole, then the case exists and the page shows it
    response = client.post(
        "/cases/whistle/",
        {
            "title": "排水涵洞坍塌",
            "category": "C0101",
            "description": "涵洞坍塌，街道无力独自处置",
            "units": [world.bureau.pk],
            "photos": [jpeg()],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.number}/"
    assert (case.channel, case.title, case.photos.count()) == ("grassroots", "排水涵洞坍塌", 1)
    # when the bureau answers, then the street's page offers to rate it, and rating works
    task = case.tasks.get()
    services.task_sign(actor=u.bureau, task=task)
    services.task_finish(actor=u.bureau, task=task, note="已加固", photos=[jpeg()])
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f"/cases/tasks/{task.pk}/assess/" in page
    response = client.post(f"/cases/tasks/{task.pk}/assess/", {"rating": "satisfied", "comment": "迅速"})
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).rating == "satisfied"
    # and a second rating is a 409 on the page
    response = client.post(f"/cases/tasks/{task.pk}/assess/", {"rating": "basic"})
    assert response.status_code == 409


@pytest.mark.django_db
def test_the_county_issues_a_directive_and_watches_its_board(client, world):
    u = world.users
    login(client, u.county_centre)
    due = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    # when a directive is sent to a kind no unit of the county has, then it is a 400 naming it
    response = client.post(
        "/cases/directive/",
        {
            "title": "冬季供暖排查",
            "category": "W0101",
            "description": "排查供暖设施",
            "unit_kinds": ["utility"],
            "due_at": due,
        },
    )
    assert response.status_code == 400 and "辖区内没有" in response.content.decode()
    # when it goes to the street offices, then the board opens with both of them
    response = client.post(
        "/cases/directive/",
        {
            "title": "冬季供暖排查",
            "category": "W0101",
            "description": "排查供暖设施",
            "unit_kinds": ["street_office"],
            "due_at": due,
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.number}/board/"
    # when one office acknowledges and another finishes
    office_task = case.tasks.get(unit=world.office)
    services.task_sign(actor=u.unit, task=office_task)
    services.task_finish(actor=u.unit, task=office_task, note="排查完毕", photos=[jpeg()])
    board = client.get(f"/cases/{case.number}/board/").content.decode()
    # then the board counts them and lists each unit
    assert "太平街道城市管理办公室" in board and "高升街道城市管理办公室" in board
    partial = client.get(f"/cases/{case.number}/board/?partial=1")
    assert partial.status_code == 200 and b"<html" not in partial.content
    # and the case page leads there instead of listing every unit's task
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f"/cases/{case.number}/board/" in page
    # and the board is not the units' to read
    assert login(client, u.unit).get(f"/cases/{case.number}/board/").status_code == 404


@pytest.mark.django_db
def test_an_enterprise_account_files_a_demand_from_its_page(client, world):
    u, t = world.users, world.t
    owner = make_user("mill-owner", phone="13700137000")
    mill = register(u.centre, t.village, MILL, "盘山县张家村米业有限公司")
    mill.accounts.add(owner)
    login(client, owner)
    # given the demand page, showing the mill and the demand types
    page = client.get("/cases/demand/").content.decode()
    assert "盘山县张家村米业有限公司" in page and "融资" in page and "用工" in page
    # when a demand is sent without a type, then the page says so
    response = client.post("/cases/demand/", {"enterprise": mill.pk, "description": "需要贷款"})
    assert response.status_code == 400 and not Case.objects.exists()
    # when it is sent whole, then it is the mill's demand at the street's centre
    response = client.post(
        "/cases/demand/",
        {"enterprise": mill.pk, "category": "D0101", "description": "需要流动资金贷款200万元"},
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.channel, case.enterprise_id, case.centre.name) == ("enterprise", mill.pk, "太平街道指挥中心")
    # and the menu leads there
    assert "/cases/demand/" in client.get("/cases/mine/").content.decode()


@pytest.mark.django_db
def test_the_centre_dispatches_a_joint_command_from_the_case_page(client, world):
    u = world.users
    case, _created = services.case_report(
        actor=u.grid_worker,
        channel="patrol",
        category=Category.objects.get(code="C0201"),
        description="道路塌陷",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        answers={"area_m2": 5, "blocks_traffic": True},
    )
    services.case_accept(actor=u.centre, case=case)
    login(client, u.centre)
    # given the case page with its dispatch box offering a lead unit
    assert "id_dispatch_lead" in client.get(f"/cases/{case.number}/").content.decode()
    # when the centre sends it to two units led by the office
    response = client.post(
        f"/cases/{case.number}/dispatch/",
        {"units": [world.office.pk, world.bureau.pk], "lead": world.office.pk},
    )
    # then each unit has its part
    assert response.status_code == 302
    assert dict(case.tasks.values_list("unit_id", "role")) == {world.office.pk: "lead", world.bureau.pk: "co"}
    assert set(case.tasks.values_list("status", flat=True)) == {TaskStatus.PENDING}
    # and the co-handler's page shows the lead's card beside its own
    login(client, u.bureau)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "牵头单位" in page and "协办单位" in page


@pytest.mark.django_db
def test_the_centre_enters_a_hotline_call_and_finds_it_to_accept(client, world):
    u = world.users
    # given a resident, the hotline page is not theirs
    assert login(client, u.resident).get("/cases/hotline/").status_code == 403
    # when the street centre's operator enters a caller's report with the caller's number
    login(client, u.centre)
    assert "来电人电话" in client.get("/cases/hotline/").content.decode()
    response = client.post(
        "/cases/hotline/",
        {
            "category": "E0602",
            "description": "来电反映村委会门前路灯不亮",
            "lon": IN_GRID[0],
            "lat": IN_GRID[1],
            "contact_phone": "13900001111",
        },
    )
    # then it is a hotline case at the centre, waiting for acceptance, with the caller's number
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.channel, case.status, case.contact_phone) == ("hotline", "submitted", "13900001111")
    assert case.number in client.get("/cases/queue/incoming/").content.decode()


@pytest.mark.django_db
def test_whistles_and_directives_are_followed_in_the_sent_queue_not_as_unlocated(client, world):
    u = world.users
    whistle = services.case_whistle(
        actor=u.centre,
        units=[world.bureau],
        category=Category.objects.get(code="C0101"),
        title="排水涵洞坍塌",
        description="涵洞坍塌",
    )
    login(client, u.centre)
    # when the street's centre opens its queues, then the whistle is among what it sent
    assert whistle.number in client.get("/cases/queue/sent/").content.decode()
    assert whistle.number not in client.get("/cases/queue/unlocated/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/cases/{number}/board", "/cases/{number}/board/", "/cases/queue/sent/"])
def test_the_board_and_the_sent_queue_take_the_same_queries_for_few_and_many_units(client, world, url):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gridgov.orgs.models import UnitKind
    from gridgov.orgs.services import handling_unit_ensure

    def issue():
        return services.directive_issue(
            actor=world.users.county_centre,
            unit_kinds=[UnitKind.STREET_OFFICE],
            category=Category.objects.get(code="W0101"),
            title="冬季供暖排查",
            description="排查供暖设施",
            due_at=timezone.now() + timedelta(days=3),
        )

    def count(number: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.format(number=number)).status_code == 200
        return len(queries)

    login(client, world.users.county_centre)
    # given a directive to the county's two street offices
    few = count(issue().number)
    # when the county has twelve more, then the board of a directive to all of them takes no more
    for i in range(12):
        handling_unit_ensure(
            org_unit=world.t.street, name=f"太平街道第{i + 1}网格工作站", kind=UnitKind.STREET_OFFICE
        )
    assert count(issue().number) == few
