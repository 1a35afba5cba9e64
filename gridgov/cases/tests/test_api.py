"""The case API: the 张家村 scenario over real HTTP, idempotent creation, field errors,
photos, lists with constant query counts, and the inbox it fills."""

import io
import json
import uuid
from datetime import datetime
from urllib.error import HTTPError
from urllib.request import Request, urlopen
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from gridgov.accounts.auth import api_token_create
from gridgov.accounts.models import Notification, SmsMessage
from gridgov.cases import services
from gridgov.cases.models import Case, CaseEvent, Photo

from .conftest import IN_GRID, NOWHERE, jpeg, resident_report

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Http:
    """A tiny HTTP client speaking to the live server with a bearer token."""

    def __init__(self, base: str, user):
        self.base = base
        self.token = api_token_create(user=user, name="test")[1]

    def call(self, method: str, path: str, body=None, files=None, fields=None):
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if files is not None:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in (fields or {}).items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                )
            for f in files:
                parts.append(
                    (
                        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="{f.name}"\r\n'
                        "Content-Type: application/octet-stream\r\n\r\n"
                    ).encode()
                    + f.read()
                    + b"\r\n"
                )
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urlopen(request, timeout=30) as response:
                raw = response.read()
                kind = response.headers.get("Content-Type", "")
                return response.status, (json.loads(raw) if "json" in kind else raw)
        except HTTPError as error:
            return error.code, json.loads(error.read())


@pytest.fixture
def http(live_server, world):
    return lambda user: Http(live_server.url, user)


@pytest.mark.django_db(transaction=True)
def test_zhangjia_scenario_over_http(http, world):
    resident, grid_worker = http(world.users.resident), http(world.users.grid_worker)
    centre, unit = http(world.users.centre), http(world.users.unit)
    # given a resident of 张家村 with a phone and a broken pavement in front of them
    status, case = resident.call(
        "POST",
        "/api/cases/",
        {
            "client_id": str(uuid.uuid4()),
            "category": "C0201",
            "description": "张家村路边彩砖破啦！",
            "lon": IN_GRID[0],
            "lat": IN_GRID[1],
            "address": "张家村村委会门前",
            "answers": {"area_m2": 2, "blocks_traffic": False},
        },
    )
    # when they report it, then it is placed in their grid, waits for the grid worker, and
    # the worker sees it in their inbox
    assert status == 201, case
    number = case["number"]
    assert case["status"] == "reported"
    assert case["grid"]["name"] == "张家村第一网格"
    assert case["street"]["name"] == "太平街道"
    assert case["centre"] == "太平街道指挥中心"
    status, with_photo = resident.call("POST", f"/api/cases/{number}/photos", files=[jpeg("before.jpg")])
    assert status == 200 and [p["kind"] for p in with_photo["photos"]] == ["before"]
    status, inbox = grid_worker.call("GET", "/api/accounts/notifications")
    assert inbox["count"] == 1 and number in inbox["items"][0]["title"]
    # the grid worker verifies and forwards; the centre accepts and dispatches on the suggestion
    status, body = grid_worker.call("POST", f"/api/cases/{number}/verify", {"note": "已现场核实"})
    assert (status, body["status"]) == (200, "submitted")
    status, body = centre.call("POST", f"/api/cases/{number}/accept", {})
    assert (status, body["status"]) == (200, "accepted")
    assert body["suggested_unit"]["name"] == "太平街道城市管理办公室"
    status, body = centre.call(
        "POST", f"/api/cases/{number}/dispatch", {"unit_ids": [body["suggested_unit"]["id"]]}
    )
    assert (status, body["status"]) == (200, "dispatched")
    # the office signs the next morning and finishes with an after-photo
    status, tasks = unit.call("GET", "/api/tasks/?open=true")
    task_id = tasks["items"][0]["id"]
    assert unit.call("POST", f"/api/tasks/{task_id}/sign")[1]["status"] == "signed"
    status, task = unit.call(
        "POST", f"/api/tasks/{task_id}/finish", files=[jpeg("after.jpg")], fields={"note": "已更换破损彩砖"}
    )
    assert (status, task["status"]) == (200, "done"), task
    # the grid worker re-checks on site, the centre closes, the resident rates it satisfied
    status, body = grid_worker.call("GET", f"/api/cases/{number}")
    assert body["status"] == "handled"
    status, body = grid_worker.call("POST", f"/api/cases/{number}/check", files=[], fields={"passed": "true"})
    assert (status, body["status"]) == (200, "checked"), body
    assert centre.call("POST", f"/api/cases/{number}/close", {})[1]["status"] == "closed"
    status, body = resident.call(
        "POST", f"/api/cases/{number}/rate", {"rating": "satisfied", "comment": "很及时"}
    )
    assert (status, body["status"], body["rating"]) == (200, "rated", "satisfied")
    # then the resident's timeline shows every step, both photos, and no staff names in full
    actions = [e["action"] for e in body["timeline"]]
    assert actions == [
        "report",
        "verify",
        "accept",
        "dispatch",
        "sign",
        "finish",
        "complete",
        "check",
        "close",
        "rate",
    ]
    assert sorted(p["kind"] for p in body["photos"]) == ["after", "before"]
    assert body["timeline"][1]["actor"] == "孟*"
    # and the photo bytes come back for the resident as a JPEG without metadata
    status, raw = resident.call("GET", body["photos"][0]["url"].replace("/api", "/api", 1))
    image = Image.open(io.BytesIO(raw))
    assert image.format == "JPEG" and not image.getexif()
    # and the resident got the key moments by SMS (accepted, fixed — please rate)
    texts = list(SmsMessage.objects.filter(phone="13800138000").values_list("text", flat=True))
    assert any(number in t and "受理" in t for t in texts)
    assert any(number in t and "评价" in t for t in texts)


@pytest.mark.django_db
def test_create_is_idempotent_on_client_id(client, world):
    client.force_login(world.users.resident)
    body = {
        "client_id": str(uuid.uuid4()),
        "category": "C0301",
        "description": "垃圾桶满了",
        "lon": IN_GRID[0],
        "lat": IN_GRID[1],
    }
    # given a first create
    first = client.post("/api/cases/", body, content_type="application/json")
    assert first.status_code == 201
    # when the same request is sent again, then the same case comes back with 200
    again = client.post("/api/cases/", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    # when the same id comes with another body, then it is a 409 and nothing is created
    other = client.post("/api/cases/", {**body, "description": "别的事"}, content_type="application/json")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_missing_category_and_description_are_field_errors(client, world):
    client.force_login(world.users.resident)
    # when a report comes with neither category nor description
    response = client.post(
        "/api/cases/", {"lon": IN_GRID[0], "lat": IN_GRID[1]}, content_type="application/json"
    )
    # then it is a 400 naming both fields in Chinese, and nothing is written
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["category"] == ["请选择问题类别。"]
    assert fields["description"] == ["请描述问题。"]
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    # and a malformed body gets translated messages too
    bad = client.post("/api/cases/", {"lon": "east"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["fields"]["lon"] == ["请输入数字。"]


@pytest.mark.django_db
def test_a_point_outside_every_grid_goes_to_the_city_unlocated_queue(client, world):
    client.force_login(world.users.resident)
    response = client.post(
        "/api/cases/",
        {"category": "C0301", "description": "垃圾满溢", "lon": NOWHERE[0], "lat": NOWHERE[1]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["centre"] == "盘锦市指挥中心" and response.json()["grid"] is None
    client.force_login(world.users.city_centre)
    listed = client.get("/api/cases/?queue=unlocated").json()
    assert [c["number"] for c in listed["items"]] == [response.json()["number"]]
    # and the street centre does not see it
    client.force_login(world.users.centre)
    assert client.get(f"/api/cases/{response.json()['number']}").status_code == 404


@pytest.mark.django_db
def test_wrong_state_is_409_naming_the_state(client, world):
    client.force_login(world.users.resident)
    number = client.post(
        "/api/cases/",
        {"category": "C0301", "description": "垃圾满溢", "lon": IN_GRID[0], "lat": IN_GRID[1]},
        content_type="application/json",
    ).json()["number"]
    client.force_login(world.users.centre)
    response = client.post(f"/api/cases/{number}/close", {}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["message"] == "当前状态为“待核实”，不能执行此操作。"


@pytest.mark.django_db
def test_an_action_with_an_idempotency_key_is_done_once(client, world):
    # given a report waiting for the grid worker
    number = resident_report(world).number
    client.force_login(world.users.grid_worker)
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    # when the verification is sent twice with one Idempotency-Key
    first = client.post(f"/api/cases/{number}/verify", {}, content_type="application/json", **key)
    again = client.post(f"/api/cases/{number}/verify", {}, content_type="application/json", **key)
    # then both answer the case as it is now, verified once
    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == first.json()["status"]
    assert Case.objects.get(number=number).events.filter(action="verify").count() == 1
    # and a key that is not a UUID is a 400 naming the header
    bad = client.post(
        f"/api/cases/{number}/verify", {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["fields"]
    # and a task's step takes the key too: the office signs twice with one key, once in effect
    case = Case.objects.get(number=number)
    services.case_accept(actor=world.users.centre, case=case)
    services.case_dispatch(actor=world.users.centre, case=Case.objects.get(pk=case.pk), units=[world.office])
    task = case.tasks.get()
    client.force_login(world.users.unit)
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    signed = [client.post(f"/api/tasks/{task.pk}/sign", **key) for _ in range(2)]
    assert [r.status_code for r in signed] == [200, 200] and signed[1].json()["status"] == "signed"
    assert task.events.filter(action="sign").count() == 1


@pytest.mark.django_db
def test_bad_photos_are_refused_and_nothing_is_written(client, world, settings):
    client.force_login(world.users.resident)
    number = client.post(
        "/api/cases/",
        {"category": "C0301", "description": "垃圾满溢", "lon": IN_GRID[0], "lat": IN_GRID[1]},
        content_type="application/json",
    ).json()["number"]
    # a text file named like a photo → 400 on the photo field
    fake = io.BytesIO(b"not an image at all")
    fake.name = "x.jpg"
    response = client.post(f"/api/cases/{number}/photos", {"photos": [fake]})
    assert response.status_code == 400 and "photo" in response.json()["fields"]
    # over the byte limit → 413
    settings.GRIDGOV_PHOTO_MAX_BYTES = 100
    response = client.post(f"/api/cases/{number}/photos", {"photos": [jpeg()]})
    assert response.status_code == 413
    assert not Photo.objects.exists()


def _make_cases(client, n):
    for i in range(n):
        client.post(
            "/api/cases/",
            {"category": "C0301", "description": f"垃圾满溢{i}", "lon": IN_GRID[0], "lat": IN_GRID[1]},
            content_type="application/json",
        )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["resident", "grid_worker", "centre", "leader"])
def test_case_list_query_count_is_constant(client, world, who):
    client.force_login(world.users.resident)
    _make_cases(client, 2)
    client.force_login(getattr(world.users, who))
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/cases/").status_code == 200
    client.force_login(world.users.resident)
    _make_cases(client, 12)
    client.force_login(getattr(world.users, who))
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/cases/").json()
    assert body["count"] == 14
    assert len(many) == len(few) <= 8


@pytest.mark.django_db
def test_task_list_and_inbox_query_counts_are_constant(client, world):
    from gridgov.cases import services
    from gridgov.cases.models import Case as CaseModel

    def dispatched(n):
        for i in range(n):
            case, _ = services.case_report(
                actor=world.users.grid_worker,
                channel="patrol",
                category=world.pavement,
                description=f"巡查发现{i}",
                lon=IN_GRID[0],
                lat=IN_GRID[1],
                answers={"blocks_traffic": True},
            )
            services.case_accept(actor=world.users.centre, case=case)
            services.case_dispatch(
                actor=world.users.centre, case=CaseModel.objects.get(pk=case.pk), units=[world.office]
            )

    client.force_login(world.users.unit)
    dispatched(2)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/tasks/")
        client.get("/api/accounts/notifications")
    dispatched(10)
    with CaptureQueriesContext(connection) as many:
        tasks = client.get("/api/tasks/").json()
        client.get("/api/accounts/notifications")
    assert tasks["count"] == 12
    assert len(many) == len(few)


@pytest.mark.django_db
def test_demo_time_stamps_are_kept_in_shanghai_time(world):
    from gridgov.cases import services

    at = datetime(2022, 12, 28, 9, 41, tzinfo=SHANGHAI)
    case, _ = services.case_report(
        actor=world.users.resident,
        category=world.pavement,
        description="张家村路边彩砖破啦！",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        answers={"blocks_traffic": False},
        at=at,
    )
    assert case.number == "20221228000001"
    assert Notification.objects.filter(user=world.users.grid_worker).count() == 0  # enqueued on commit


@pytest.mark.django_db
def test_only_the_centre_enters_hotline_cases_and_channels_are_checked(client, world):
    body = {"category": "C0301", "description": "垃圾满溢", "lon": IN_GRID[0], "lat": IN_GRID[1]}
    # a resident cannot skip verification by claiming the hotline
    client.force_login(world.users.resident)
    assert (
        client.post(
            "/api/cases/", {**body, "channel": "hotline"}, content_type="application/json"
        ).status_code
        == 403
    )
    bogus = client.post("/api/cases/", {**body, "channel": "bogus"}, content_type="application/json")
    assert bogus.status_code == 400 and bogus.json()["fields"]["channel"] == ["请选择有效的上报渠道。"]
    # the centre enters a hotline call with the caller's number: it starts at the centre
    client.force_login(world.users.centre)
    response = client.post(
        "/api/cases/",
        {**body, "channel": "hotline", "contact_phone": "13912345678"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["phone"]) == ("submitted", "13912345678")
    assert not Case.objects.filter(channel="bogus").exists()


@pytest.mark.django_db
def test_every_case_and_task_action_is_in_the_openapi_document(client):
    from gridgov.cases.transitions import CASE_TRANSITIONS, SYSTEM, TASK_TRANSITIONS

    paths = client.get("/api/openapi.json").json()["paths"]
    for action, t in CASE_TRANSITIONS.items():
        if SYSTEM not in t.actors and action != "rework":  # rework is check with passed=false
            assert f"/api/cases/{{number}}/{action}" in paths, action
    for action, t in TASK_TRANSITIONS.items():
        if SYSTEM not in t.actors:
            assert f"/api/tasks/{{task_id}}/{action}" in paths, action
    assert {"/api/cases/", "/api/cases/{number}", "/api/tasks/", "/api/accounts/notifications"} <= set(paths)


@pytest.mark.django_db
def test_dispatch_units_query_count_is_constant(client, world):
    from gridgov.orgs.models import UnitKind
    from gridgov.orgs.services import handling_unit_ensure

    # given an accepted case of 太平街道
    client.force_login(world.users.grid_worker)
    number = client.post(
        "/api/cases/",
        {
            "category": "C0301",
            "description": "垃圾满溢",
            "lon": IN_GRID[0],
            "lat": IN_GRID[1],
            "channel": "patrol",
        },
        content_type="application/json",
    ).json()["number"]
    client.force_login(world.users.centre)
    client.post(f"/api/cases/{number}/accept", {}, content_type="application/json")
    with CaptureQueriesContext(connection) as few:
        first = client.get(f"/api/cases/{number}/dispatch-units").json()
    # when the street gets six more offices, then the list grows and the queries do not
    for i in range(6):
        handling_unit_ensure(
            org_unit=world.t.street, name=f"太平街道第{i}办公室", kind=UnitKind.STREET_OFFICE
        )
    with CaptureQueriesContext(connection) as many:
        second = client.get(f"/api/cases/{number}/dispatch-units").json()
    assert len(second) == len(first) + 6
    assert len(many) == len(few)
