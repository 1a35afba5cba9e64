"""A small world for the case loop: 张家村's two grids with polygons, the street centre, the
street's urban-management office, and one user for every role (and some outside the scope)."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.catalogue.models import Category
from gridgov.catalogue.services import routing_rule_set
from gridgov.geo.services import grid_create, grid_polygon_set
from gridgov.orgs.models import Role
from gridgov.orgs.tests.factories import attach_units, make_territory, make_user

WEST, SOUTH, STEP = 121.99, 41.24, 0.01
#: A point inside 张家村第一网格 (the level-2 grid, outside its level-3 grid).
IN_GRID = (WEST + 0.75 * STEP, SOUTH + 0.75 * STEP)
#: A point inside 张家村第二网格.
IN_SIBLING_GRID = (WEST + 1.5 * STEP, SOUTH + 0.5 * STEP)
#: Far from every grid.
NOWHERE = (100.0, 30.0)


def rect(west, south, east, north) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def jpeg(name: str = "photo.jpg", size=(64, 48), colour=(200, 80, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def roadside_town() -> SimpleNamespace:
    """张家村 with a grid of its own drawn, 张家村路边网格 (``WEST``, ``SOUTH``, one ``STEP``
    square), 张家村第二网格 beside it, and the street's urban-management office as the routing table's choice for roads:
    the place of the page and browser tests (each adds its people)."""
    t = make_territory()
    units = attach_units(t)
    grid = grid_create(
        actor=None,
        parent=t.village,
        name="张家村路边网格",
        geometry=rect(WEST, SOUTH, WEST + STEP, SOUTH + STEP),
    )
    grid_polygon_set(
        actor=None, unit=t.sibling_grid, geometry=rect(WEST + STEP, SOUTH, WEST + 2 * STEP, SOUTH + STEP)
    )
    pavement = Category.objects.get(code="C0201")
    routing_rule_set(category=pavement.parent, area=t.street, handling_unit=units["office"])
    return SimpleNamespace(t=t, units=units, grid=grid, pavement=pavement)


@pytest.fixture
def world(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    t = make_territory()
    units = attach_units(t)
    grid_polygon_set(actor=None, unit=t.grid, geometry=rect(WEST, SOUTH, WEST + STEP, SOUTH + STEP))
    grid_polygon_set(
        actor=None, unit=t.sibling_grid, geometry=rect(WEST + STEP, SOUTH, WEST + 2 * STEP, SOUTH + STEP)
    )
    centres = units["centres"]
    pavement = Category.objects.get(code="C0201")
    routing_rule_set(category=pavement.parent, area=t.street, handling_unit=units["office"])
    users = SimpleNamespace(
        resident=make_user("r13800138000", phone="13800138000", full_name="王秀兰"),
        other_resident=make_user("r13900139000", phone="13900139000"),
        grid_worker=make_user("mengqian", role=Role.GRID_WORKER, target=t.grid, full_name="孟倩"),
        sibling_grid_worker=make_user("gw2", role=Role.GRID_WORKER, target=t.sibling_grid),
        centre=make_user("taiping", role=Role.CENTRE_OPERATOR, target=centres[t.street.path]),
        sibling_centre=make_user(
            "gaosheng", role=Role.CENTRE_OPERATOR, target=centres[t.sibling_street.path]
        ),
        county_centre=make_user("panshan", role=Role.CENTRE_OPERATOR, target=centres[t.county.path]),
        city_centre=make_user("panjin", role=Role.CENTRE_OPERATOR, target=centres[t.city.path]),
        unit=make_user("chengguan", role=Role.UNIT_HANDLER, target=units["office"]),
        sibling_unit=make_user("gscg", role=Role.UNIT_HANDLER, target=units["sibling_office"]),
        bureau=make_user("zhujian", role=Role.UNIT_HANDLER, target=units["bureau"]),
        leader=make_user("lingdao", role=Role.LEADER, target=t.county),
        party=make_user("dangyuan", role=Role.PARTY_MEMBER, target=units["group"]),
    )
    return SimpleNamespace(
        t=t,
        units=units,
        centres=centres,
        users=users,
        pavement=pavement,
        office=units["office"],
        bureau=units["bureau"],
        sibling_office=units["sibling_office"],
    )


def resident_report(world, **kwargs):
    """Given: a resident's report of overflowing bins in 张家村第一网格, waiting for its grid
    worker to verify it (``kwargs`` go to ``case_report``)."""
    from gridgov.cases import services

    case, _created = services.case_report(
        **{
            "actor": world.users.resident,
            "category": Category.objects.get(code="C0301"),
            "description": "垃圾满溢",
            "lon": IN_GRID[0],
            "lat": IN_GRID[1],
            **kwargs,
        }
    )
    return case
