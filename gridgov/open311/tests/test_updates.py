"""mySociety's servicerequestupdates: the public steps of public requests, and notes a
client adds to the requests it filed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.accounts.auth import client_key_create
from gridgov.accounts.models import Notification, TokenPurpose
from gridgov.cases import services as case_services
from gridgov.cases.models import Case, CaseEvent, Photo

from .conftest import jpeg


def _filed(o311) -> Case:
    answer = o311.report()
    return Case.objects.get(number=answer.body[0]["service_request_id"])


def test_updates_list_the_public_steps_with_their_status(o311, world):
    # given a request accepted, dispatched and given an internal note nobody outside may read
    case = _filed(o311)
    case_services.case_accept(actor=world.users.centre, case=case, note="已受理")
    case_services.case_dispatch(actor=world.users.centre, case=case, units=[world.office])
    CaseEvent.objects.create(case=case, action="note", at=timezone.now(), note="内部意见", internal=True)
    task = case.tasks.get()
    case_services.task_sign(actor=world.users.unit, task=task)
    case_services.task_finish(actor=world.users.unit, task=task, note="已修复", photos=[jpeg()])
    # when the client reads the updates
    updates = o311.get("servicerequestupdates").body
    # then it sees every public step after the report, oldest first, with its status
    assert [(u["external_status_code"], u["status"]) for u in updates] == [
        ("accepted", "OPEN"),
        ("dispatched", "OPEN"),
        ("signed", "OPEN"),
        ("done", "OPEN"),
        ("handled", "OPEN"),
    ]
    assert updates[0]["description"] == "受理：已受理" and updates[0]["service_request_id"] == case.number
    after = Photo.objects.get(case=case, kind="after")
    assert updates[3]["media_url"] == f"http://testserver/open311/v2/media/{after.pk}.jpg"
    assert "内部意见" not in str(updates)
    xml = o311.get("servicerequestupdates", "xml").body
    assert xml.tag == "service_request_updates" and len(xml.findall("request_update")) == 5
    assert [c.tag for c in xml.find("request_update")] == [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
        "external_status_code",
    ]


def test_updates_take_a_date_window_and_a_constant_number_of_queries(o311, world):
    case = _filed(o311)
    case_services.case_reject(actor=world.users.centre, case=case, reason="不属于受理范围")
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert o311.get("servicerequestupdates", start_date=later).body == []
    with CaptureQueriesContext(connection) as queries:
        rows = o311.get("servicerequestupdates").body
    assert len(queries) == 1 and rows[0]["status"] == "CLOSED"
    for _ in range(4):
        other = _filed(o311)
        case_services.case_accept(actor=world.users.centre, case=other)
    with CaptureQueriesContext(connection) as queries:
        assert len(o311.get("servicerequestupdates").body) == 5
    assert len(queries) == 1
    assert o311.get("servicerequestupdates", start_date="2026-01-01", end_date="2026-12-31").status == 400


def test_a_client_adds_a_note_to_its_request_and_the_centre_is_told(
    o311, world, django_capture_on_commit_callbacks
):
    case = _filed(o311)
    # when the client posts an update with a photo, twice (a retry)
    with django_capture_on_commit_callbacks(execute=True):
        first = o311.post(
            "servicerequestupdates",
            service_request_id=case.number,
            description="又坏了一块",
            update_id="fms-77",
            status="open",
            updated_datetime="2026-11-27T10:00:00+08:00",
            media=jpeg(),
        )
    again = o311.post(
        "servicerequestupdates", service_request_id=case.number, description="又坏了一块", update_id="fms-77"
    )
    # then one note is stored and its id returned both times
    assert first.status == 200 and first.body == again.body
    event = CaseEvent.objects.get(case=case, action="comment")
    assert first.body == [{"update_id": str(event.pk)}]
    assert event.note == "又坏了一块" and event.data["status"] == "OPEN" and event.photos.count() == 1
    # and the command centre hears of it
    assert Notification.objects.filter(user=world.users.centre, source=f"event:{event.pk}").exists()
    # and it is in the request's updates and timeline
    assert [u["update_id"] for u in o311.get("servicerequestupdates").body] == [str(event.pk)]
    # and the centre's page shows the note with what the client said of the problem
    o311.client.force_login(world.users.centre)
    page = o311.client.get(f"/cases/{case.number}/").content.decode()
    assert "又坏了一块" in page and "报告方标记为未解决" in page
    xml = o311.post("servicerequestupdates", "xml", service_request_id=case.number, description="再补充")
    assert xml.status == 200 and xml.body.tag == "service_request_updates"


@pytest.mark.parametrize(
    ("data", "with_key", "status", "name"),
    [
        ({"service_request_id": "", "description": "x"}, True, 400, "service_request_id"),
        ({"service_request_id": "20260101000001", "description": "x"}, True, 404, "service_request_id"),
        ({"description": ""}, True, 400, "description"),
        ({"description": "x", "status": "FIXED"}, True, 400, "status"),
        ({"description": "x", "updated_datetime": "soon"}, True, 400, "updated_datetime"),
        ({"description": "x"}, False, 403, "api_key"),
    ],
)
def test_bad_updates_are_refused(o311, data, with_key, status, name):
    case = _filed(o311)
    data = {"service_request_id": case.number, **data}
    answer = o311.post("servicerequestupdates", key=with_key, **{k: v for k, v in data.items() if v != ""})
    assert answer.status == status and answer.errors[0].startswith(f"{name}:"), answer.errors
    assert not CaseEvent.objects.filter(action="comment").exists()


def test_a_client_cannot_add_to_a_request_it_did_not_file(o311):
    case = _filed(o311)
    other_key = client_key_create(name="第三方应用", purpose=TokenPurpose.OPEN311)[1]
    answer = o311.post(
        "servicerequestupdates", key=other_key, service_request_id=case.number, description="不是我的"
    )
    assert answer.status == 403 and not CaseEvent.objects.filter(action="comment").exists()
