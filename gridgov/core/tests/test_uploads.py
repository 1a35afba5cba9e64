"""Every path a file comes in by — 随手拍, a case action, the API, Open311, a wish's fulfilment —
goes through one pipeline (``cases.photos.photo_prepare``): the content decides what a file is
(an SVG or an HTML page named ``photo.jpg`` is refused with a field message), and what is
stored is a re-encoded JPEG without any metadata, under a name the platform chose."""

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.accounts.auth import client_key_create
from gridgov.accounts.models import TokenPurpose
from gridgov.cases import services
from gridgov.cases.models import Photo
from gridgov.cases.tests.conftest import IN_GRID, resident_report, world  # noqa: F401
from gridgov.party.tests.conftest import party  # noqa: F401
from gridgov.wishes import services as wish_services
from gridgov.wishes.models import Pledge
from gridgov.wishes.tests.conftest import cast, published_wish  # noqa: F401

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def photo_with_location(name="photo.jpg") -> SimpleUploadedFile:
    """A phone's photo: its camera model and the GPS position it was taken at, in EXIF."""
    exif = Image.Exif()
    exif[0x0110] = "Redmi Note"
    exif[0x8825] = {1: "N", 2: (41.0, 14.0, 51.0), 3: "E", 4: (121.0, 59.0, 50.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def disguised(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


@dataclass
class Path:
    """One way in: ``send(client, file)`` → response; ``stored()`` → the files it stored."""

    send: object
    stored: object


def _case_photos(case_pk=None):
    def stored():
        rows = Photo.objects.all() if case_pk is None else Photo.objects.filter(case_id=case_pk)
        return [f for p in rows for f in (p.image, p.thumb)]

    return stored


@pytest.fixture
def paths(world, cast, client, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    u = world.users

    def report_page(c, f):
        c.force_login(u.resident)
        data = {"category": "C0301", "description": "垃圾满溢", "lon": IN_GRID[0], "lat": IN_GRID[1]}
        return c.post("/cases/report/", {**data, "photos": [f]})

    reported = resident_report(world)

    def api_add(c, f):
        c.force_login(u.resident)
        return c.post(f"/api/cases/{reported.number}/photos", {"photos": [f]})

    def dispatched_task():
        case = resident_report(world)
        case = services.case_verify(actor=u.grid_worker, case=case)
        case = services.case_accept(actor=u.centre, case=case)
        case = services.case_dispatch(actor=u.centre, case=case, units=[world.office])
        task = case.tasks.get()
        services.task_sign(actor=u.unit, task=task)
        return task

    page_task, api_task = dispatched_task(), dispatched_task()

    def finish_page(c, f):
        c.force_login(u.unit)
        return c.post(f"/cases/tasks/{page_task.pk}/finish/", {"note": "已清运", "photos": [f]})

    def finish_api(c, f):
        c.force_login(u.unit)
        return c.post(f"/api/tasks/{api_task.pk}/finish", {"note": "已清运", "photos": [f]})

    handled = dispatched_task()
    services.task_finish(actor=u.unit, task=handled, note="已清运", photos=[photo_with_location()])

    def check_api(c, f):
        c.force_login(u.grid_worker)
        return c.post(f"/api/cases/{handled.case.number}/check", {"passed": "true", "photos": [f]})

    def check_photos():
        return [
            f
            for p in Photo.objects.filter(case_id=handled.case_id, kind="verification")
            for f in (p.image, p.thumb)
        ]

    key = client_key_create(name="盘锦市数字城管", purpose=TokenPurpose.OPEN311)[1]

    def open311(c, f):
        c.logout()
        return c.post(
            "/open311/v2/requests.json",
            {"api_key": key, "service_code": "C0301", "lat": IN_GRID[1], "long": IN_GRID[0], "media": f},
        )

    pledge = wish_services.pledge_create(actor=cast.member, wish=published_wish(world, cast))
    other = wish_services.pledge_create(
        actor=cast.member, wish=published_wish(world, cast, title="米面油一份")
    )

    def wish_api(c, f):
        c.force_login(cast.member)
        return c.post(f"/api/wishes/pledges/{pledge.pk}/fulfil", {"note": "已送到", "photo": f})

    def wish_page(c, f):
        c.force_login(cast.member)
        return c.post(f"/wishes/pledges/{other.pk}/fulfil/", {"note": "已送到", "photo": f})

    def wish_photos(p):
        def stored():
            p.refresh_from_db()
            return [p.photo] if p.photo else []

        return stored

    return {
        "report page": Path(report_page, _case_photos()),
        "API: add photos": Path(api_add, _case_photos(reported.pk)),
        "task page: finish": Path(finish_page, _case_photos(page_task.case_id)),
        "API: finish": Path(finish_api, _case_photos(api_task.case_id)),
        "API: check": Path(check_api, check_photos),
        "Open311 media": Path(open311, _case_photos()),
        "wish API: fulfil": Path(wish_api, wish_photos(pledge)),
        "wish page: fulfil": Path(wish_page, wish_photos(other)),
    }


PATHS = [
    "report page",
    "API: add photos",
    "task page: finish",
    "API: finish",
    "API: check",
    "Open311 media",
    "wish API: fulfil",
    "wish page: fulfil",
]


@pytest.mark.parametrize("way", PATHS)
@pytest.mark.parametrize(("content", "name"), [(SVG, "photo.jpg"), (HTML, "photo.png")], ids=["svg", "html"])
def test_an_svg_or_html_named_as_a_photo_is_refused_everywhere(paths, client, way, content, name):
    path = paths[way]
    before = len(path.stored())
    # when a file that is not a photo comes by this path under a photo's name and type
    response = path.send(client, disguised(content, name))
    # then it is refused as a bad field (not stored, not a 500)
    assert response.status_code == 400, (way, response.status_code)
    assert len(path.stored()) == before


@pytest.mark.parametrize("way", PATHS)
def test_a_photo_is_stored_re_encoded_without_its_location(paths, client, way):
    path = paths[way]
    # when a phone's photo with its GPS position comes by this path
    response = path.send(client, photo_with_location())
    assert response.status_code in (200, 201, 302), (way, response.status_code)
    # then what is stored is a JPEG without any EXIF, under a name the platform made
    files = path.stored()
    assert files, way
    for f in files:
        with f.open("rb") as stored, Image.open(stored) as image:
            assert image.format == "JPEG"
            assert not image.getexif() and "exif" not in image.info, (way, f.name)
        assert "photo" not in f.name.rsplit("/", 1)[-1], f.name


def test_every_upload_path_is_in_this_sweep():
    # given the views and API operations that take files (found by reading their code), then
    # each is swept above, except the centre's whistle, directive and enterprise-demand pages,
    # whose photos go through the same form field and services (``services._prepare``): a new
    # one fails here until it is added
    import inspect

    from gridgov.cases import api as cases_api
    from gridgov.cases import views as cases_views
    from gridgov.wishes import api as wishes_api
    from gridgov.wishes import views as wishes_views

    def taking(module, mark, *, source=False):
        functions = inspect.getmembers(module, inspect.isfunction)
        found = (inspect.getsource(f) if source else str(inspect.signature(f)) for _n, f in functions)
        return sorted(n for (n, _f), text in zip(functions, found, strict=True) if mark in text)

    assert taking(cases_api, "UploadedFile") == ["case_check", "case_photos_add", "task_finish"]
    assert taking(wishes_api, "UploadedFile") == ["pledge_fulfil"]
    assert taking(wishes_views, "FILES", source=True) == ["pledge_fulfil"]
    assert taking(cases_views, "request.FILES", source=True) == [
        "act",
        "demand",
        "directive",
        "report",
        "task_act",
        "whistle",
    ]
    assert Pledge._meta.get_field("photo").upload_to.__name__ == "_photo_path"
