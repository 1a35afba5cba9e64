"""The demo territory: 盘锦市 (盘山县 with every street/town and village, 太平街道, 张家村) and
鞍山市 (铁西区 繁荣街道 with the article's 23 level-2 and 224 level-3 grids, 14 grid party
branches and 17 party groups), their command centres, handling units, party organisations,
grids, and one demo user for every role. Re-runnable: every step is an upsert."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from gridgov.geo.demo import tile_grids

from .models import Level, OrgUnit, PartyKind, PartyOrganisation, Role, UnitKind
from .services import (
    command_centre_ensure,
    divisions_import,
    handling_unit_ensure,
    membership_grant,
    party_organisation_ensure,
)

DEMO_PASSWORD = "Gridgov-2026"
DEMO_RESIDENT_PHONE = "13800138000"
CITIES = ["2111", "2103"]

PANSHAN = "211122"
TAIPING = "211122001"
ZHANGJIA = "211122001211"
TIEXI = "210303"
FANRONG = "210303002"
SANJIEKOU = "210303002007"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role_label: str
    where: str


def load_demo(out) -> None:
    report = divisions_import(city_codes=CITIES)
    out.write(f"Territory: {report.total_created} units created, {report.total_updated} updated.")
    units = {
        u.path: u for u in OrgUnit.objects.filter(path__in=["2111", "2103", PANSHAN, TIEXI, TAIPING, FANRONG])
    }
    centres = _command_centres(units)
    handling = _handling_units(units)
    grids = _grids(out)
    party = _party_organisations(units, grids)
    _users(centres, handling, party, grids)
    out.write(f"Demo users: {len(demo_users())} (password {DEMO_PASSWORD}).")


def demo_loaded() -> bool:
    return (
        get_user_model().objects.filter(username="admin").exists()
        and OrgUnit.objects.filter(path__startswith=FANRONG, level=Level.GRID3).exists()
    )


def _command_centres(units):
    centres = {
        path: command_centre_ensure(org_unit=units[path])
        for path in ("2111", "2103", PANSHAN, TIEXI, FANRONG)
    }
    for street in OrgUnit.objects.filter(parent__path=PANSHAN, level=Level.STREET):
        centres[street.path] = command_centre_ensure(org_unit=street)
    return centres


def _handling_units(units):
    specs = [
        (TAIPING, "太平街道城市管理办公室", UnitKind.STREET_OFFICE, "0427-3512001"),
        (TAIPING, "太平街道社会事务办公室", UnitKind.STREET_OFFICE, "0427-3512002"),
        (PANSHAN, "盘山县住房和城乡建设局", UnitKind.BUREAU, "0427-3622101"),
        (PANSHAN, "盘山县交通运输局", UnitKind.BUREAU, "0427-3622102"),
        (PANSHAN, "盘山县水利局", UnitKind.BUREAU, "0427-3622103"),
        (PANSHAN, "盘山县民政局", UnitKind.BUREAU, "0427-3622104"),
        (PANSHAN, "国网盘山县供电公司", UnitKind.UTILITY, "0427-95598"),
        (PANSHAN, "盘山县自来水公司", UnitKind.UTILITY, "0427-3622105"),
        (FANRONG, "繁荣街道城市管理办公室", UnitKind.STREET_OFFICE, "0412-8512001"),
        (TIEXI, "铁西区城市管理综合行政执法局", UnitKind.BUREAU, "0412-8512101"),
    ]
    return {
        name: handling_unit_ensure(org_unit=units[path], name=name, kind=kind, phone=phone)
        for path, name, kind, phone in specs
    }


def _grids(out) -> dict[str, list[OrgUnit]]:
    """Level-2 grids for every village of 盘山县 and both levels for 繁荣街道."""
    panshan = tile_grids(
        communities=list(OrgUnit.objects.filter(path__startswith=PANSHAN, level=Level.COMMUNITY)),
        centre_lon=121.99,
        centre_lat=41.24,
        grid2_per_community=2,
    )
    fanrong = tile_grids(
        communities=list(OrgUnit.objects.filter(parent__path=FANRONG, level=Level.COMMUNITY)),
        centre_lon=122.97,
        centre_lat=41.12,
        grid2_total=23,
        grid3_total=224,
    )
    out.write(
        f"Grids: 盘山县 {len(panshan.grid2)} level-2; 繁荣街道 {len(fanrong.grid2)} level-2, "
        f"{len(fanrong.grid3)} level-3 ({panshan.created + fanrong.created} created)."
    )
    units = {
        u.path: u for u in OrgUnit.objects.filter(path__in=panshan.grid2 + fanrong.grid2 + fanrong.grid3)
    }
    return {
        "panshan": [units[p] for p in panshan.grid2],
        "fanrong2": [units[p] for p in fanrong.grid2],
        "fanrong3": [units[p] for p in fanrong.grid3],
    }


def _party_organisations(units, grids):
    panshan_committee = party_organisation_ensure(
        org_unit=units[PANSHAN], name="中共盘山县委员会", kind=PartyKind.COUNTY_COMMITTEE, parent=None
    )
    committees = {}
    for street in OrgUnit.objects.filter(parent__path=PANSHAN, level=Level.STREET):
        suffix = "工作委员会" if street.name.endswith("街道") else "委员会"
        committees[street.path] = party_organisation_ensure(
            org_unit=street,
            name=f"中共盘山县{street.name}{suffix}",
            kind=PartyKind.STREET_COMMITTEE,
            parent=panshan_committee,
        )
    branches = {}
    for village in OrgUnit.objects.filter(parent__path=TAIPING, level=Level.COMMUNITY):
        name = (
            f"中共{village.name}委员会" if village.name.endswith("社区") else f"中共{village.name}支部委员会"
        )
        branches[village.path] = party_organisation_ensure(
            org_unit=village, name=name, kind=PartyKind.VILLAGE_BRANCH, parent=committees[TAIPING]
        )
    for grid in grids["panshan"]:
        if grid.path[:12] in branches:
            party_organisation_ensure(
                org_unit=grid,
                name=f"{grid.name}党小组",
                kind=PartyKind.PARTY_GROUP,
                parent=branches[grid.path[:12]],
            )

    # 铁西区 繁荣街道: 14 community committees, 14 grid party branches and 17 party groups on
    # the 23 level-2 grids (the article's figures): the first 14 level-2 grids get a branch,
    # the other 9 a party group under their community committee, and 8 level-3 grids of the
    # branch grids a party group under their branch.
    tiexi_committee = party_organisation_ensure(
        org_unit=units[TIEXI], name="中共鞍山市铁西区委员会", kind=PartyKind.COUNTY_COMMITTEE, parent=None
    )
    fanrong_committee = party_organisation_ensure(
        org_unit=units[FANRONG],
        name="中共鞍山市铁西区繁荣街道工作委员会",
        kind=PartyKind.STREET_COMMITTEE,
        parent=tiexi_committee,
    )
    community_committees = {
        c.path: party_organisation_ensure(
            org_unit=c, name=f"中共{c.name}委员会", kind=PartyKind.VILLAGE_BRANCH, parent=fanrong_committee
        )
        for c in OrgUnit.objects.filter(parent__path=FANRONG, level=Level.COMMUNITY)
    }
    grid2 = sorted(grids["fanrong2"], key=lambda g: g.path)
    grid_branches = {}
    for grid in grid2[:14]:
        grid_branches[grid.path] = party_organisation_ensure(
            org_unit=grid,
            name=f"{grid.name}党支部",
            kind=PartyKind.GRID_BRANCH,
            parent=community_committees[grid.path[:12]],
        )
    for grid in grid2[14:]:
        party_organisation_ensure(
            org_unit=grid,
            name=f"{grid.name}党小组",
            kind=PartyKind.PARTY_GROUP,
            parent=community_committees[grid.path[:12]],
        )
    first_children = []
    for grid3 in sorted(grids["fanrong3"], key=lambda g: g.path):
        if grid3.path[:15] in grid_branches and grid3.path.endswith("001"):
            first_children.append(grid3)
    for grid3 in first_children[:8]:
        party_organisation_ensure(
            org_unit=grid3,
            name=f"{grid3.name}党小组",
            kind=PartyKind.PARTY_GROUP,
            parent=grid_branches[grid3.path[:15]],
        )
    return {
        "zhangjia_branch": branches[ZHANGJIA],
        "zhangjia_group": PartyOrganisation.objects.filter(
            path__startswith=ZHANGJIA, kind=PartyKind.PARTY_GROUP
        )
        .order_by("path")
        .first(),
        "sanjiekou": community_committees[SANJIEKOU],
    }


def demo_users() -> list[DemoUser]:
    return [
        DemoUser("admin", "系统管理员", "administrator", "全部"),
        DemoUser("mengqian", "孟倩", Role.GRID_WORKER, "张家村第1网格"),
        DemoUser("taiping", "刘晓东", Role.CENTRE_OPERATOR, "太平街道指挥中心"),
        DemoUser("panshan", "王海涛", Role.CENTRE_OPERATOR, "盘山县指挥中心"),
        DemoUser("panjin", "陈立新", Role.CENTRE_OPERATOR, "盘锦市指挥中心"),
        DemoUser("chengguan", "赵志刚", Role.UNIT_HANDLER, "太平街道城市管理办公室"),
        DemoUser("zhujian", "孙丽华", Role.UNIT_HANDLER, "盘山县住房和城乡建设局"),
        DemoUser("zhangjia", "张国强", Role.PARTY_SECRETARY, "中共张家村支部委员会"),
        DemoUser("dangyuan", "李秀梅", Role.PARTY_MEMBER, "张家村第1网格党小组"),
        DemoUser("lingdao", "陈峰", Role.LEADER, "盘山县"),
        DemoUser("fanrong", "周静", Role.CENTRE_OPERATOR, "繁荣街道指挥中心"),
        DemoUser("sanjie", "赵素华", Role.PARTY_SECRETARY, "中共三街口社区委员会"),
    ]


def _users(centres, handling, party, grids) -> None:
    User = get_user_model()
    zhangjia_grid = min((g for g in grids["panshan"] if g.path.startswith(ZHANGJIA)), key=lambda g: g.path)
    targets = {
        "mengqian": zhangjia_grid,
        "taiping": centres[TAIPING],
        "panshan": centres[PANSHAN],
        "panjin": centres["2111"],
        "chengguan": handling["太平街道城市管理办公室"],
        "zhujian": handling["盘山县住房和城乡建设局"],
        "zhangjia": party["zhangjia_branch"],
        "dangyuan": party["zhangjia_group"],
        "lingdao": OrgUnit.objects.get(path=PANSHAN),
        "fanrong": centres[FANRONG],
        "sanjie": party["sanjiekou"],
    }
    for spec in demo_users():
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "full_name": spec.full_name,
                "is_staff": spec.username == "admin",
                "is_superuser": spec.username == "admin",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if spec.username in targets:
            membership_grant(user=user, role=spec.role_label, target=targets[spec.username])
    User.objects.get_or_create(
        phone=DEMO_RESIDENT_PHONE, defaults={"username": f"r{DEMO_RESIDENT_PHONE}", "full_name": "张大爷"}
    )
