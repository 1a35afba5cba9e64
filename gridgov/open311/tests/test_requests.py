"""POST and GET requests: filing a case through Open311 (located → id, unlocated → token),
the errors the spec names, idempotency, media, and the search with its filters, windows,
pages, extensions and privacy."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.accounts.auth import api_token_create
from gridgov.accounts.models import ApiToken
from gridgov.cases import services as case_services
from gridgov.cases.models import Case, CaseStatus, Channel, Photo
from gridgov.cases.selectors import cases_list
from gridgov.catalogue.models import Category

from .conftest import IN_GRID, NOWHERE, jpeg

#: What a client may tell of the person behind a report.
CONTACT = {
    "first_name": "秀兰",
    "last_name": "王",
    "phone": "13800138000",
    "email": "wxl@example.cn",
    "device_id": "dev-1",
    "account_id": "acc-9",
}


def test_a_located_request_is_filed_as_an_open311_case_in_the_centres_queue(o311, world, key):
    # given a client with a key and a report inside 张家村第一网格
    # when it posts the request
    answer = o311.report(**CONTACT)
    # then the case is registered at once and its number returned
    assert answer.status == 201
    number = answer.body[0]["service_request_id"]
    assert answer.body[0]["account_id"] == "acc-9" and "token" not in answer.body[0]
    case = Case.objects.get(number=number)
    assert case.channel == Channel.OPEN311 and case.status == CaseStatus.SUBMITTED
    assert case.grid == world.t.grid and case.reporter == key[0].user
    assert case.answers == {"area_m2": 2.0, "blocks_traffic": True}
    assert case.contact_phone == "13800138000" and case.contact_name == "王秀兰"
    assert case.contact["email"] == "wxl@example.cn" and case.contact["device_id"] == "dev-1"
    # and it waits in the street command centre's incoming queue
    assert [c.number for c in cases_list(world.users.centre, queue="incoming")] == [number]


def test_an_unlocated_request_gets_a_token_resolved_once_the_centre_registers_it(o311, world):
    # given a request whose point lies outside every grid
    answer = o311.report(lat=NOWHERE[1], long=NOWHERE[0])
    assert answer.status == 201 and "service_request_id" not in answer.body[0]
    token = answer.body[0]["token"]
    case = Case.objects.get(client_id=token)
    assert case.grid is None and case.centre.org_unit == world.t.city
    # when the client asks before the city centre registered it
    pending = o311.get(f"tokens/{token}")
    # then the token is known but has no request id yet, and the request is not public
    assert pending.status == 200 and pending.body == [{"service_request_id": None, "token": token}]
    assert o311.get(f"requests/{case.number}").status == 404
    # when the city centre accepts it
    case_services.case_accept(actor=world.users.city_centre, case=case)
    # then the token resolves to the request id, which can be read
    assert o311.get(f"tokens/{token}").body == [{"service_request_id": case.number, "token": token}]
    assert o311.get(f"requests/{case.number}").body[0]["status"] == "open"


def test_an_address_only_request_is_kept_with_its_address_and_gets_a_token(o311):
    answer = o311.report(lat=None, long=None, address_string="太平街道张家村委会东侧")
    assert answer.status == 201 and answer.body[0]["token"]
    assert Case.objects.get(client_id=answer.body[0]["token"]).address == "太平街道张家村委会东侧"


def test_an_address_id_places_the_request_in_that_grid(o311, world):
    answer = o311.report(lat=None, long=None, address_id=world.t.sibling_grid.path)
    assert answer.status == 201
    case = Case.objects.get(number=answer.body[0]["service_request_id"])
    assert case.grid == world.t.sibling_grid and case.street == world.t.street and case.lat is None


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("change", "status", "names"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "X9999"}, 404, "service_code"),
        ({"lat": None, "long": None}, 400, "lat/long, address_string or address_id"),
        ({"long": None}, 400, "lat/long"),
        ({"lat": "north"}, 400, "lat"),
        ({"lat": "91"}, 400, "lat"),
        ({"address_id": "999999999999999", "lat": None, "long": None}, 400, "address_id"),
        ({"attribute[blocks_traffic]": None}, 400, "attribute[blocks_traffic]"),
        ({"attribute[area_m2]": "a lot"}, 400, "attribute[area_m2]"),
        ({"attribute[colour]": "red"}, 400, "attribute[colour]"),
        ({"attribute[area_m2][]": ["1", "2"], "attribute[area_m2]": None}, 400, "attribute[area_m2]"),
        ({"email": "not-an-address"}, 400, "email"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"description": "x" * 4001}, 400, "description"),
        ({"client_id": "not-a-uuid"}, 400, "client_id"),
        ({"jurisdiction_id": "nowhere.example"}, 404, "jurisdiction_id"),
    ],
)
def test_bad_requests_are_refused_naming_the_parameter_and_nothing_is_stored(
    o311, fmt, change, status, names
):
    answer = o311.report(fmt, **change)
    assert answer.status == status
    assert any(e.startswith(f"{names}:") for e in answer.errors), answer.errors
    assert not Case.objects.exists()


def test_a_value_outside_a_list_is_refused(o311, all_types):
    answer = o311.report(
        service_code="C0299",
        **{
            "attribute[count]": "1",
            "attribute[kind]": "丙",
            "attribute[blocks_traffic]": None,
            "attribute[area_m2]": None,
        },
    )
    assert answer.status == 400 and answer.errors[0].startswith("attribute[kind]:")


def test_every_datatype_is_accepted_as_defined(o311, all_types):
    answer = o311.report(
        service_code="C0299",
        **{
            "attribute[area_m2]": None,
            "attribute[blocks_traffic]": None,
            "attribute[pole]": "A-17",
            "attribute[detail]": "第一行\n第二行",
            "attribute[count]": "3",
            "attribute[seen_at]": "2026-11-27T21:30:00+08:00",
            "attribute[kind]": "乙",
            "attribute[waste][]": ["建筑垃圾", "生活垃圾"],
            "attribute[urgent]": "false",
        },
    )
    assert answer.status == 201, answer.errors
    case = Case.objects.get(number=answer.body[0]["service_request_id"])
    assert case.answers["waste"] == ["生活垃圾", "建筑垃圾"] and case.answers["count"] == 3.0
    assert case.answers["detail"] == "第一行\n第二行" and case.answers["urgent"] is False
    assert case.answers["seen_at"].startswith("2026-11-27T21:30")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_wrong_or_revoked_key_is_a_403(o311, key, world, fmt):
    assert o311.post("requests", fmt, key=False, service_code="C0201").status == 403
    assert o311.post("requests", fmt, key="gg_wrong", service_code="C0201").status == 403
    # a platform API token opens no Open311 door
    platform = api_token_create(user=world.users.centre, name="script")[1]
    assert o311.post("requests", fmt, key=platform, service_code="C0201").status == 403
    ApiToken.objects.filter(pk=key[0].pk).update(revoked_at=timezone.now())
    revoked = o311.report(fmt)
    assert revoked.status == 403 and revoked.errors[0].startswith("api_key:")
    assert not Case.objects.exists()


def test_the_key_may_come_in_the_query_string(o311, key):
    response = o311.client.post(
        f"/open311/v2/requests.json?api_key={key[1]}",
        {
            "service_code": "C0201",
            "address_string": "张家村",
            "description": "路面破损",
            "attribute[blocks_traffic]": "false",
        },
    )
    assert response.status_code == 201


def test_a_key_over_its_rate_limit_gets_a_429_with_retry_after(o311, settings):
    settings.GRIDGOV_OPEN311_RATE_LIMIT = 2
    assert o311.get("services", api_key=o311.key).status == 200
    assert o311.get("services", api_key=o311.key).status == 200
    limited = o311.report("xml")
    assert limited.status == 429 and int(limited.response["Retry-After"]) >= 1
    assert limited.body.findtext("error/code") == "429"
    # without a key a reader is not counted against it
    assert o311.get("services").status == 200


def test_a_retried_post_with_the_same_client_id_files_one_case(o311):
    client_id = str(uuid.uuid4())
    first = o311.report(client_id=client_id)
    again = o311.report(client_id=client_id)
    assert (first.status, again.status) == (201, 200) and first.body == again.body
    assert Case.objects.count() == 1
    other = o311.report(client_id=client_id, description="另一处问题")
    assert other.status == 409 and Case.objects.count() == 1


def test_media_is_uploaded_multipart_and_served_as_the_public_derivative(o311, client):
    answer = o311.report(media=jpeg("before.jpg"))
    assert answer.status == 201
    number = answer.body[0]["service_request_id"]
    photo = Photo.objects.get(case__number=number)
    media_url = o311.get(f"requests/{number}").body[0]["media_url"]
    assert media_url == f"http://testserver/open311/v2/media/{photo.pk}.jpg"
    image = client.get(media_url.removeprefix("http://testserver"))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image["Cache-Control"].startswith("public")


def test_a_photo_that_is_not_an_image_or_too_large_is_refused(o311, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = o311.report(media=SimpleUploadedFile("x.jpg", b"<svg/>", content_type="image/jpeg"))
    assert bad.status == 400 and bad.errors[0].startswith("media")
    settings.GRIDGOV_PHOTO_MAX_BYTES = 100
    large = o311.report(media=jpeg(size=(300, 300)))
    assert large.status == 413
    assert not Case.objects.exists()


def test_a_media_url_is_kept_and_given_back_when_there_is_no_photo(o311):
    answer = o311.report(media_url="https://img.example.cn/a.jpg")
    number = answer.body[0]["service_request_id"]
    assert o311.get(f"requests/{number}").body[0]["media_url"] == "https://img.example.cn/a.jpg"


# --- GET requests ----------------------------------------------------------------------------------


def _file(world, *, at=None, **kwargs) -> Case:
    lon, lat = kwargs.pop("point", (None, None))
    case, _created = case_services.case_report(
        actor=world.users.grid_worker,
        category=world.pavement,
        description=kwargs.pop("description", "路面破损"),
        channel=Channel.PATROL,
        lon=lon,
        lat=lat,
        answers={"blocks_traffic": False},
        at=at,
    )
    return case


def test_a_request_shows_status_notes_agency_and_expected_time(o311, world):
    case = _file(world, point=IN_GRID, description="破损，联系人13800138000，身份证210103199001011234")
    case_services.case_accept(actor=world.users.centre, case=case)
    case_services.case_dispatch(
        actor=world.users.centre, case=case, units=[world.office], instructions="请今日处理"
    )
    row = o311.get(f"requests/{case.number}").body[0]
    assert row["status"] == "open" and row["agency_responsible"] == world.office.name
    assert row["status_notes"] == "请今日处理"
    assert row["expected_datetime"].endswith("Z") and row["address_id"] == world.t.grid.path
    # the phone and ID numbers typed into the text are masked
    assert "13800138000" not in row["description"] and "138****8000" in row["description"]
    assert "210103199001011234" not in row["description"]
    # and nobody's identity or contact appears
    text = str(o311.get(f"requests/{case.number}", extensions="true").body)
    for secret in ("孟倩", "mengqian", world.users.grid_worker.username):
        assert secret not in text


def test_reporter_and_contact_never_appear(o311):
    answer = o311.report(**CONTACT)
    number = answer.body[0]["service_request_id"]
    for fmt in ("json", "xml"):
        raw = o311.client.get(f"/open311/v2/requests/{number}.{fmt}", {"extensions": "true"}).content.decode()
        raw += o311.client.get(f"/open311/v2/requests.{fmt}").content.decode()
        for secret in ("秀兰", "13800138000", "wxl@example.cn", "acc-9", "dev-1", "盘锦市数字城管"):
            assert secret not in raw


def test_unverified_and_withdrawn_reports_are_not_published(o311, world):
    resident_case, _ = case_services.case_report(
        actor=world.users.resident,
        category=world.pavement,
        description="路面破损",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        answers={"blocks_traffic": False},
    )
    assert resident_case.status == CaseStatus.REPORTED
    assert o311.get(f"requests/{resident_case.number}").status == 404
    assert o311.get("requests").body == []
    case_services.case_verify(actor=world.users.grid_worker, case=resident_case)
    assert o311.get(f"requests/{resident_case.number}").status == 200
    case_services.case_withdraw(actor=world.users.resident, case=resident_case)
    assert o311.get(f"requests/{resident_case.number}").status == 404


def test_search_filters_by_ids_codes_status_and_dates(o311, world):
    now = timezone.now()
    old = _file(world, point=IN_GRID, at=now - timedelta(days=100))
    recent = _file(world, point=IN_GRID, at=now - timedelta(days=3))
    closed = _file(world, point=IN_GRID, at=now - timedelta(days=1))
    case_services.case_reject(actor=world.users.centre, case=closed, reason="重复")

    def numbers(**params):
        answer = o311.get("requests", **params)
        assert answer.status == 200, answer.errors
        return [r["service_request_id"] for r in answer.body]

    # the default window is the last 90 days, newest first
    assert numbers() == [closed.number, recent.number]
    assert numbers(status="closed") == [closed.number]
    assert numbers(status="open") == [recent.number]
    assert numbers(status="open,closed") == [closed.number, recent.number]
    assert numbers(service_code="C0201,C0202") == [closed.number, recent.number]
    # ids override every other filter
    assert numbers(service_request_id=f"{old.number},{recent.number}", status="closed") == [
        recent.number,
        old.number,
    ]
    start = (now - timedelta(days=120)).strftime("%Y-%m-%d")
    end = (now - timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert numbers(start_date=start, end_date=end) == [old.number]
    assert numbers(end_date=(now - timedelta(days=20)).isoformat()) == [old.number]
    # updated_after finds what changed lately, whenever it was reported
    assert numbers(updated_after=(now - timedelta(hours=1)).isoformat()) == [closed.number]


@pytest.mark.parametrize(
    ("params", "status", "name"),
    [
        ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, 400, "start_date/end_date"),
        ({"start_date": "2026-06-01", "end_date": "2026-01-01"}, 400, "end_date"),
        ({"status": "pending"}, 400, "status"),
        ({"service_code": "C0201,NOPE"}, 404, "service_code"),
        ({"page_size": "1001"}, 400, "page_size"),
        ({"page": "0"}, 400, "page"),
        ({"jurisdiction_id": "999900"}, 404, "jurisdiction_id"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_bad_search_is_refused_naming_the_parameter(o311, params, status, name, fmt):
    answer = o311.get("requests", fmt, **params)
    assert answer.status == status and answer.errors[0].startswith(f"{name}:"), answer.errors


def test_unknown_request_and_token_are_404_in_both_formats(o311):
    for fmt in ("json", "xml"):
        assert o311.get("requests/20260101000001", fmt).status == 404
        assert o311.get(f"tokens/{uuid.uuid4()}", fmt).status == 404
        assert o311.get("tokens/not-a-token", fmt).status == 404


def test_pages_and_page_size(o311, world):
    cases = [_file(world, point=IN_GRID) for _ in range(5)]
    newest_first = [c.number for c in reversed(cases)]
    page = lambda n: [r["service_request_id"] for r in o311.get("requests", page=n, page_size=2).body]  # noqa: E731
    assert page(1) + page(2) + page(3) == newest_first and page(4) == []


def test_jurisdiction_narrows_to_a_city_or_county(o311, world, settings):
    case = _file(world, point=IN_GRID)
    settings.GRIDGOV_OPEN311_JURISDICTIONS = ["panjin.example.cn"]
    for jurisdiction in ("211100", "211100000000", "211122", "panjin.example.cn"):
        assert [r["service_request_id"] for r in o311.get("requests", jurisdiction_id=jurisdiction).body] == [
            case.number
        ]
    assert o311.get("requests", jurisdiction_id="211103").body == []  # the sibling county
    assert o311.get("services", jurisdiction_id="other.example.cn").status == 404


def test_the_list_takes_a_constant_number_of_queries(o311, world):
    def count(extensions: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert o311.get("requests", extensions=extensions).status == 200
        return len(queries)

    case = _file(world, point=IN_GRID)
    case_services.case_accept(actor=world.users.centre, case=case)
    case_services.case_dispatch(actor=world.users.centre, case=case, units=[world.office])
    count("")  # the first read also fills the catalogue cache
    few, few_ext = count(""), count("true")
    for _ in range(6):
        other = _file(world, point=IN_GRID)
        case_services.case_accept(actor=world.users.centre, case=other)
        case_services.case_dispatch(actor=world.users.centre, case=other, units=[world.office, world.bureau])
    assert count("") == few == 2
    assert count("true") == few_ext == 4


def test_extensions_add_attributes_channel_photos_and_the_public_timeline(o311, world):
    answer = o311.report(media=jpeg())
    number = answer.body[0]["service_request_id"]
    case = Case.objects.get(number=number)
    case_services.case_accept(actor=world.users.centre, case=case, note="已受理")
    plain = o311.get(f"requests/{number}").body[0]
    assert "notes" not in plain
    row = o311.get(f"requests/{number}", extensions="true").body[0]
    assert row["attributes"] == [
        {"code": "area_m2", "description": "破损面积（平方米）", "value": 2},
        {"code": "blocks_traffic", "description": "是否影响通行", "value": "true"},
    ]
    assert row["extended_attributes"]["channel"] == "open311"
    assert [p["kind"] for p in row["extended_attributes"]["photos"]] == ["before"]
    assert [n["action"] for n in row["notes"]] == ["report", "accept"]
    assert row["notes"][1]["description"] == "已受理" and row["notes"][1]["status"] == "open"
    xml = o311.get(f"requests/{number}", "xml", extensions="true").body
    assert xml.find("request/attributes/attribute/code").text == "area_m2"
    assert xml.find("request/extended_attributes/photos/photo/kind").text == "before"
    assert [n.findtext("action") for n in xml.findall("request/notes/note")] == ["report", "accept"]


def test_the_centre_sees_the_contact_in_full_and_others_masked(o311, world, client):
    # given an Open311 request with the reporter's contact
    answer = o311.report(**CONTACT, media_url="https://img.example.cn/a.jpg")
    number = answer.body[0]["service_request_id"]
    # when the street centre reads it, on the page and in the API
    client.force_login(world.users.centre)
    page = client.get(f"/cases/{number}/").content.decode()
    api = client.get(f"/api/cases/{number}").json()
    # then the contact is shown in full, and the client system is named as the reporter
    assert (
        "王秀兰" in page and "wxl@example.cn" in page and "13800138000" in page and "盘锦市数字城管" in page
    )
    assert (api["contact_name"], api["contact_email"], api["phone"]) == (
        "王秀兰",
        "wxl@example.cn",
        "13800138000",
    )
    assert api["media_url"] == "https://img.example.cn/a.jpg"
    # and a leader of the county, who may read the case, sees it masked
    client.force_login(world.users.leader)
    page = client.get(f"/cases/{number}/").content.decode()
    api = client.get(f"/api/cases/{number}").json()
    assert "秀兰" not in page and "wxl@example.cn" not in page and "13800138000" not in page
    assert (api["contact_name"], api["contact_email"], api["phone"]) == (
        "王**",
        "w**@example.cn",
        "138****8000",
    )


def test_demands_whistles_and_directives_are_not_public(o311, world):
    u = world.users
    # given a public appeal, a whistle and a directive of 盘山县
    appeal = _file(world, point=IN_GRID)
    case_services.case_accept(actor=u.centre, case=appeal)
    case_services.case_whistle(
        actor=u.centre,
        units=[world.bureau],
        category=Category.objects.get(code="C0101"),
        title="排水涵洞坍塌",
        description="涵洞坍塌，街道无力独自处置",
    )
    case_services.directive_issue(
        actor=u.county_centre,
        unit_kinds=["street_office"],
        category=Category.objects.get(code="W0101"),
        title="冬季供暖排查",
        description="排查供暖设施",
        due_at=timezone.now() + timedelta(days=3),
    )
    # when a client lists the requests, then only the appeal is there
    assert [r["service_request_id"] for r in o311.get("requests").body] == [appeal.number]
