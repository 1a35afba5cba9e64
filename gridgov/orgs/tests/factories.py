"""Small territories and users for tests, made through the services."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from gridgov.orgs.models import Level, OrgUnit, PartyKind, Role, UnitKind
from gridgov.orgs.services import (
    command_centre_ensure,
    handling_unit_ensure,
    membership_grant,
    party_organisation_ensure,
)


@dataclass
class Territory:
    province: OrgUnit
    city: OrgUnit
    county: OrgUnit
    sibling_county: OrgUnit
    street: OrgUnit
    sibling_street: OrgUnit
    village: OrgUnit
    sibling_village: OrgUnit
    grid: OrgUnit
    sibling_grid: OrgUnit
    grid3: OrgUnit

    def all(self) -> dict[str, OrgUnit]:
        return dict(vars(self))


def unit(path: str, name: str, level: Level, parent: OrgUnit | None) -> OrgUnit:
    return OrgUnit.objects.create(path=path, name=name, level=level, parent=parent)


def make_territory() -> Territory:
    """辽宁省 › 盘锦市 › 盘山县 (and sibling 兴隆台区) › 太平街道 (and sibling 高升街道) ›
    张家村 (and sibling 常家村) › two level-2 grids, one with a level-3 grid."""
    province = unit("21", "辽宁省", Level.PROVINCE, None)
    city = unit("2111", "盘锦市", Level.CITY, province)
    county = unit("211122", "盘山县", Level.COUNTY, city)
    sibling_county = unit("211103", "兴隆台区", Level.COUNTY, city)
    street = unit("211122001", "太平街道", Level.STREET, county)
    sibling_street = unit("211122002", "高升街道", Level.STREET, county)
    village = unit("211122001211", "张家村", Level.COMMUNITY, street)
    sibling_village = unit("211122001212", "常家村", Level.COMMUNITY, street)
    grid = unit("211122001211001", "张家村第一网格", Level.GRID2, village)
    sibling_grid = unit("211122001211002", "张家村第二网格", Level.GRID2, village)
    grid3 = unit("211122001211001001", "张家村1-1网格", Level.GRID3, grid)
    return Territory(
        province,
        city,
        county,
        sibling_county,
        street,
        sibling_street,
        village,
        sibling_village,
        grid,
        sibling_grid,
        grid3,
    )


def make_user(username: str, *, role: Role | None = None, target=None, **fields):
    user = get_user_model().objects.create_user(username=username, password="Correct-Horse-7", **fields)
    if role is not None:
        membership_grant(user=user, role=role, target=target)
    return user


def attach_units(t: Territory):
    """A command centre on every street and county, a street office, a county bureau, party orgs."""
    centres = {
        u.path: command_centre_ensure(org_unit=u)
        for u in (t.street, t.sibling_street, t.county, t.sibling_county, t.city)
    }
    office = handling_unit_ensure(
        org_unit=t.street, name="太平街道城市管理办公室", kind=UnitKind.STREET_OFFICE
    )
    sibling_office = handling_unit_ensure(
        org_unit=t.sibling_street, name="高升街道城市管理办公室", kind=UnitKind.STREET_OFFICE
    )
    bureau = handling_unit_ensure(org_unit=t.county, name="盘山县住房和城乡建设局", kind=UnitKind.BUREAU)
    committee = party_organisation_ensure(
        org_unit=t.county, name="中共盘山县委员会", kind=PartyKind.COUNTY_COMMITTEE, parent=None
    )
    street_committee = party_organisation_ensure(
        org_unit=t.street,
        name="中共盘山县太平街道工作委员会",
        kind=PartyKind.STREET_COMMITTEE,
        parent=committee,
    )
    branch = party_organisation_ensure(
        org_unit=t.village,
        name="中共张家村支部委员会",
        kind=PartyKind.VILLAGE_BRANCH,
        parent=street_committee,
    )
    group = party_organisation_ensure(
        org_unit=t.grid, name="张家村第一网格党小组", kind=PartyKind.PARTY_GROUP, parent=branch
    )
    return {
        "centres": centres,
        "office": office,
        "sibling_office": sibling_office,
        "bureau": bureau,
        "committee": committee,
        "street_committee": street_committee,
        "branch": branch,
        "group": group,
    }
