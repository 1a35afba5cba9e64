"""Territory fixtures and geometry helpers for the geo tests."""

from types import SimpleNamespace

import pytest

from gridgov.orgs.models import Level, OrgUnit

# A 0.01° square is about 0.84 km × 1.1 km at 41° N.
STEP = 0.01
WEST, SOUTH = 121.99, 41.24


def rect(west: float, south: float, east: float, north: float) -> dict:
    """A GeoJSON Polygon for a lon/lat rectangle (counter-clockwise)."""
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def cell(col: int, row: int, size: float = STEP) -> dict:
    """The square ``size`` degrees wide at column/row ``col``/``row`` of a lattice at WEST/SOUTH."""
    west, south = WEST + col * STEP, SOUTH + row * STEP
    return rect(west, south, west + size, south + size)


# A self-intersecting "bow-tie" ring.
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [
        [
            [WEST, SOUTH],
            [WEST + STEP, SOUTH + STEP],
            [WEST + STEP, SOUTH],
            [WEST, SOUTH + STEP],
            [WEST, SOUTH],
        ]
    ],
}


def feature(geometry, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _unit(path: str, name: str, level: str, parent: OrgUnit | None) -> OrgUnit:
    return OrgUnit.objects.create(path=path, name=name, level=level, parent=parent)


@pytest.fixture
def territory(db):
    """辽宁省 → 盘锦市 → 盘山县 → 太平街道 (太平社区, 张家村委会) and 高升街道 (高升社区)."""
    province = _unit("21", "辽宁省", Level.PROVINCE, None)
    city = _unit("2111", "盘锦市", Level.CITY, province)
    county = _unit("211122", "盘山县", Level.COUNTY, city)
    street = _unit("211122001", "太平街道", Level.STREET, county)
    community = _unit("211122001001", "太平社区", Level.COMMUNITY, street)
    village = _unit("211122001211", "张家村委会", Level.COMMUNITY, street)
    other_street = _unit("211122002", "高升街道", Level.STREET, county)
    other_community = _unit("211122002001", "高升社区居委会", Level.COMMUNITY, other_street)
    return SimpleNamespace(
        province=province,
        city=city,
        county=county,
        street=street,
        community=community,
        village=village,
        other_street=other_street,
        other_community=other_community,
    )


@pytest.fixture
def fanrong(db):
    """鞍山市 铁西区 繁荣街道 and its 14 communities (2021 statistical codes)."""
    province = _unit("21", "辽宁省", Level.PROVINCE, None)
    city = _unit("2103", "鞍山市", Level.CITY, province)
    county = _unit("210303", "铁西区", Level.COUNTY, city)
    street = _unit("210303002", "繁荣街道", Level.STREET, county)
    names = [
        "虹桥",
        "新华",
        "利洲",
        "清真寺",
        "千龙户",
        "公群",
        "三街口",
        "六街口",
        "工焦",
        "立交",
        "北粮",
        "文化",
        "制药",
        "器材",
    ]
    communities = [
        _unit(f"210303002{i:03d}", f"{name}社区居民委员会", Level.COMMUNITY, street)
        for i, name in enumerate(names, start=1)
    ]
    return SimpleNamespace(street=street, communities=communities)
