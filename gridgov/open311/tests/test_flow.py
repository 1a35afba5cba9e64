"""The acceptance story over real HTTP: a 数字城管 system files a request through Open311, the
street command centre finds it in its queue and works it through the platform API, and the
client follows every change in ``requests/{id}`` and ``servicerequestupdates``."""

import json
import xml.etree.ElementTree as ET
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from gridgov.accounts.auth import api_token_create

from .conftest import IN_GRID


def call(url: str, data: dict | None = None, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = None
    if data is not None:
        body = (json.dumps(data) if token else urlencode(data, doseq=True)).encode()
        headers["Content-Type"] = "application/json" if token else "application/x-www-form-urlencoded"
    try:
        with urlopen(Request(url, data=body, headers=headers), timeout=30) as response:
            raw, kind, status = response.read(), response.headers["Content-Type"], response.status
    except HTTPError as error:
        raw, kind, status = error.read(), error.headers["Content-Type"], error.code
    return status, (json.loads(raw) if "json" in kind else ET.fromstring(raw))


@pytest.mark.django_db(transaction=True)
def test_an_open311_request_is_worked_by_the_centre_and_followed_by_its_client(live_server, world, key):
    base = f"{live_server.url}/open311/v2/"
    centre = api_token_create(user=world.users.centre, name="desk")[1]
    unit = api_token_create(user=world.users.unit, name="desk")[1]
    # given a 数字城管 system with an Open311 key, reporting broken paving in 张家村
    status, created = call(
        base + "requests.json",
        {
            "api_key": key[1],
            "service_code": "C0201",
            "lat": IN_GRID[1],
            "long": IN_GRID[0],
            "address_string": "张家村村委会门前",
            "description": "人行道彩砖破损约两平方米",
            "attribute[area_m2]": "2",
            "attribute[blocks_traffic]": "false",
            "phone": "13800138000",
        },
    )
    assert status == 201
    number = created[0]["service_request_id"]
    # when the street command centre opens its incoming queue
    status, queue = call(f"{live_server.url}/api/cases/?queue=incoming", token=centre)
    # then the request is there, from the Open311 channel, with the reporter's number masked
    assert status == 200 and [c["number"] for c in queue["items"]] == [number]
    assert queue["items"][0]["channel"] == "open311"

    def followed():
        status, rows = call(f"{base}requests/{number}.xml")
        assert status == 200
        request = rows.find("request")
        status, updates = call(base + "servicerequestupdates.json")
        return request.findtext("status"), request.findtext("agency_responsible"), updates

    assert followed()[0] == "open"
    # when the centre accepts and dispatches it, and the office signs and finishes it
    assert call(f"{live_server.url}/api/cases/{number}/accept", {"note": "已受理"}, centre)[0] == 200
    status, case = call(
        f"{live_server.url}/api/cases/{number}/dispatch", {"unit_ids": [world.office.pk]}, centre
    )
    assert status == 200
    state, agency, updates = followed()
    assert (state, agency) == ("open", world.office.name)
    assert [u["external_status_code"] for u in updates] == ["accepted", "dispatched"]
    task = case["tasks"][0]["id"]
    assert call(f"{live_server.url}/api/tasks/{task}/sign", {}, unit)[0] == 200
    # the centre re-checks and closes it (the finish needs a photo, sent as a form below)
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: F401

    from gridgov.cases import services
    from gridgov.cases.models import Case, Task

    from .conftest import jpeg

    services.task_finish(
        actor=world.users.unit, task=Task.objects.get(pk=task), note="已更换彩砖", photos=[jpeg()]
    )
    services.case_check(actor=world.users.centre, case=Case.objects.get(number=number), passed=True)
    assert call(f"{live_server.url}/api/cases/{number}/close", {}, centre)[0] == 200
    # then the client sees it closed, with every step in the updates
    state, agency, updates = followed()
    assert state == "closed"
    assert [u["external_status_code"] for u in updates] == [
        "accepted",
        "dispatched",
        "signed",
        "done",
        "handled",
        "checked",
        "closed",
    ]
    assert updates[-1]["status"] == "CLOSED" and updates[3]["media_url"].endswith(".jpg")
    # and the after-photo is public
    status, _ = 200, None
    with urlopen(updates[3]["media_url"], timeout=30) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "image/jpeg"
