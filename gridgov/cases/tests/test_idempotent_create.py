"""Every page and API call that creates a case is idempotent on a client id: the same request
sent twice (a double tap, a retry after a timeout or a dropped connection) files one case, and
the same id with a different request is a 409 that files nothing."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.cases.models import Case
from gridgov.enterprises.tests.conftest import MILL, register
from gridgov.orgs.tests.factories import make_user

from .conftest import IN_GRID

pytestmark = pytest.mark.django_db


def _shown_client_id(client, url: str) -> str:
    """The request id the page's form carries (made when the form is shown)."""
    html = client.get(url).content.decode()
    return re.search(r'name="client_id" value="([0-9a-f-]{36})"', html).group(1)


def _report(description="垃圾桶满了，无人清运"):
    return {
        "category": "C0301",
        "description": description,
        "lon": f"{IN_GRID[0]:.6f}",
        "lat": f"{IN_GRID[1]:.6f}",
        "contact_phone": "13900001111",
    }


def _whistle(world, description="涵洞坍塌，街道无力独自处置"):
    return {
        "title": "排水涵洞坍塌",
        "category": "C0101",
        "description": description,
        "units": [world.bureau.pk],
    }


def _directive(description="排查供暖设施"):
    due = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    return {
        "title": "冬季供暖排查",
        "category": "W0101",
        "description": description,
        "unit_kinds": ["street_office"],
        "due_at": due,
    }


def _demand_user(world):
    owner = make_user("mill-owner", phone="13700137000")
    mill = register(world.users.centre, world.t.village, MILL, "盘山县张家村米业有限公司")
    mill.accounts.add(owner)
    return owner, mill


@pytest.mark.parametrize(
    ("who", "url", "form"),
    [
        ("resident", "/cases/report/", lambda world, d: _report(d)),
        ("grid_worker", "/cases/patrol/", lambda world, d: _report(d)),
        ("centre", "/cases/hotline/", lambda world, d: _report(d)),
        ("centre", "/cases/whistle/", lambda world, d: _whistle(world, d)),
        ("county_centre", "/cases/directive/", lambda world, d: _directive(d)),
        ("enterprise", "/cases/demand/", None),
    ],
)
def test_a_page_sent_twice_files_one_case_and_another_request_with_its_id_is_409(
    client, world, who, url, form
):
    if who == "enterprise":
        user, mill = _demand_user(world)

        def form(world, d):
            return {"enterprise": mill.pk, "category": "D0101", "description": d}
    else:
        user = getattr(world.users, who)
    client.force_login(user)
    # given the page's form with the request id it was shown with
    client_id = _shown_client_id(client, url)
    data = {**form(world, "第一次提交的内容"), "client_id": client_id}
    # when it is sent, and sent again (a double tap, a retry after a timeout)
    first = client.post(url, data)
    again = client.post(url, data)
    # then both land on the one case it filed
    case = Case.objects.get()
    assert first.status_code == again.status_code == 302
    assert again.url == first.url and case.number in first.url and str(case.client_id) == client_id
    # when the same id comes with something else, then it is a 409 and nothing more is filed
    other = client.post(url, {**form(world, "另一件事"), "client_id": client_id})
    assert other.status_code == 409 and Case.objects.count() == 1
    # and a fresh form (a new id) files a new case
    fresh = {**form(world, "第二件事"), "client_id": _shown_client_id(client, url)}
    assert client.post(url, fresh).status_code == 302 and Case.objects.count() == 2


@pytest.mark.parametrize(
    ("who", "url", "body"),
    [
        (
            "centre",
            "/api/cases/whistles",
            lambda world, d: {
                "title": "排水涵洞坍塌",
                "category": "C0101",
                "description": d,
                "unit_ids": [world.bureau.pk],
            },
        ),
        (
            "county_centre",
            "/api/cases/directives",
            lambda world, d: {
                "title": "冬季供暖排查",
                "category": "W0101",
                "description": d,
                "unit_kinds": ["street_office"],
                "due_at": (timezone.now() + timedelta(days=5)).replace(microsecond=0).isoformat(),
            },
        ),
    ],
)
def test_a_whistle_or_directive_posted_twice_to_the_api_is_sent_once(client, world, who, url, body):
    client.force_login(getattr(world.users, who))
    payload = {**body(world, "第一次提交的内容"), "client_id": str(uuid.uuid4())}
    # when the same request is posted twice
    first = client.post(url, payload, content_type="application/json")
    again = client.post(url, payload, content_type="application/json")
    # then the second answers as the first did, with the one case it made and its tasks
    assert first.status_code == again.status_code == 201, first.json()
    assert again.json()["number"] == first.json()["number"] and Case.objects.count() == 1
    assert len(again.json()["tasks"]) == Case.objects.get().tasks.count() >= 1
    # when the same id comes with another body, then it is a 409 and nothing more is sent
    other = client.post(url, {**payload, "description": "另一件事"}, content_type="application/json")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert Case.objects.count() == 1
