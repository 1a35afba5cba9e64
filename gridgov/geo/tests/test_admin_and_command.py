"""The admin pages and ``manage.py import_grids``: the same service, the same errors."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext as _

from gridgov.accounts.models import User
from gridgov.geo.models import GridPolygon
from gridgov.geo.services import grid_create
from gridgov.orgs.models import OrgUnit

from .conftest import BOW_TIE, SOUTH, STEP, WEST, cell, collection, feature, rect


@pytest.fixture
def admin_client(client, db):
    user = User.objects.create_superuser(username="root", password="a-long-password-1")
    client.force_login(user)
    return client


def upload(data) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "grids.geojson", json.dumps(data, ensure_ascii=False).encode(), "application/geo+json"
    )


@pytest.mark.django_db
def test_the_changelist_lists_polygons_with_their_grid(admin_client, territory):
    # given a grid with a polygon
    grid_create(actor=None, parent=territory.community, name="太平社区第1网格", geometry=cell(0, 0))
    # when an administrator opens the polygon list
    response = admin_client.get("/admin/geo/gridpolygon/")
    # then the grid, its code and the import link are shown
    page = response.content.decode()
    assert response.status_code == 200
    assert "太平社区第1网格" in page and "211122001001001" in page
    assert "/admin/geo/gridpolygon/import/" in page


@pytest.mark.django_db
def test_the_admin_upload_imports_a_file(admin_client, territory):
    # given a valid FeatureCollection
    data = collection(
        feature(cell(0, 0), parent="211122001001", name="一"), feature(cell(1, 0), code="211122001001002")
    )
    # when it is uploaded
    response = admin_client.post("/admin/geo/gridpolygon/import/", {"file": upload(data)}, follow=True)
    # then the grids exist and the result is shown
    assert GridPolygon.objects.count() == 2
    with translation.override("zh-hans"):
        expected = _("Grids imported: %(created)d created, %(updated)d updated.") % {
            "created": 2,
            "updated": 0,
        }
    assert [str(m) for m in response.context["messages"]] == [expected]
    assert expected in response.content.decode()


@pytest.mark.django_db
def test_the_admin_upload_shows_the_reason_and_writes_nothing(admin_client, territory):
    # given a file with a bow-tie polygon
    data = collection(
        feature(cell(0, 0), parent="211122001001", name="一"),
        feature(BOW_TIE, parent="211122001001", name="二"),
    )
    # when it is uploaded
    response = admin_client.post("/admin/geo/gridpolygon/import/", {"file": upload(data)})
    # then the page shows why and nothing was written
    assert response.status_code == 200
    assert "Self-intersection" in response.content.decode()
    assert not GridPolygon.objects.exists()
    # and a file that is not JSON gets a form error
    bad = admin_client.post(
        "/admin/geo/gridpolygon/import/", {"file": SimpleUploadedFile("x.geojson", b"{oops")}
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["file"]


@pytest.mark.django_db
def test_editing_a_polygon_in_the_admin_is_validated(admin_client, territory):
    # given two neighbouring grids
    first = grid_create(actor=None, parent=territory.community, name="一", geometry=cell(0, 0))
    grid_create(actor=None, parent=territory.community, name="二", geometry=cell(1, 0))
    url = f"/admin/geo/gridpolygon/{first.pk}/change/"
    # when the first is edited to overlap the second
    overlapping = rect(WEST, SOUTH, WEST + 1.5 * STEP, SOUTH + STEP)
    response = admin_client.post(url, {"geometry": json.dumps(overlapping)})
    # then the form shows the overlap and keeps the old polygon
    assert response.status_code == 200
    assert "211122001001002" in str(response.context["adminform"].form.errors["geometry"])
    assert GridPolygon.objects.get(pk=first.pk).geometry == cell(0, 0)
    # and a good edit is saved through the service
    response = admin_client.post(url, {"geometry": json.dumps(cell(0, 1))})
    assert response.status_code == 302
    assert GridPolygon.objects.get(pk=first.pk).min_lat == pytest.approx(SOUTH + STEP)


@pytest.mark.django_db
def test_import_grids_command_prints_the_result(territory, tmp_path, capsys):
    # given a GeoJSON file
    path = tmp_path / "grids.geojson"
    path.write_text(
        json.dumps(collection(feature(cell(0, 0), code="211122001211001", name="张家村第一网格")))
    )
    # when the command imports it twice
    call_command("import_grids", str(path))
    call_command("import_grids", str(path))
    # then it reports what it created and updated
    assert capsys.readouterr().out.splitlines() == ["created 1, updated 0", "created 0, updated 1"]
    assert OrgUnit.objects.get(path="211122001211001").name == "张家村第一网格"


@pytest.mark.django_db
def test_import_grids_command_fails_and_writes_nothing_on_error(territory, tmp_path):
    # given a file whose second feature overlaps the first
    path = tmp_path / "grids.geojson"
    data = collection(
        feature(cell(0, 0), parent="211122001001", name="一"),
        feature(
            rect(WEST + STEP / 2, SOUTH, WEST + 1.5 * STEP, SOUTH + STEP), parent="211122001001", name="二"
        ),
    )
    path.write_text(json.dumps(data))
    # when the command imports it, then it fails with the reason and nothing is written
    with pytest.raises(CommandError, match="211122001001"):
        call_command("import_grids", str(path))
    assert not GridPolygon.objects.exists()
    # and unreadable or non-JSON files fail too
    with pytest.raises(CommandError):
        call_command("import_grids", str(tmp_path / "missing.geojson"))
    (tmp_path / "bad.geojson").write_text("not json")
    with pytest.raises(CommandError):
        call_command("import_grids", str(tmp_path / "bad.geojson"))
