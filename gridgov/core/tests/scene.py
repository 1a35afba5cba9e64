"""One world for the access-control table and the personal-information sweep, built once per
test module: 太平街道 (张家村 and its first grid, the street's centre and urban-management
office, the village's party branch) is *in scope*; 高升街道 next to it (高升村 and its grid,
its own centre, office and branch) is the *other* street, out of scope for every role of
张家村 and in scope for the other grid worker and the other centre.

Every kind of record an URL can take is made twice, once in each street, and holds personal
information on purpose (residents' phones, a hotline caller's number, members' ID numbers and
phones, linked households, wishes' beneficiaries, an enterprise's contact)."""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gridgov.accounts.models import Notification
from gridgov.cases import services as cases
from gridgov.cases.models import Channel
from gridgov.catalogue.models import Category
from gridgov.catalogue.services import routing_rule_set
from gridgov.enterprises.models import Industry, Size
from gridgov.enterprises.services import enterprise_create
from gridgov.geo.services import grid_create, grid_polygon_set
from gridgov.orgs.models import Level, OrgUnit, PartyKind, Role, UnitKind
from gridgov.orgs.services import party_organisation_ensure
from gridgov.orgs.tests.factories import attach_units, make_territory, make_user
from gridgov.party import services as party
from gridgov.party.models import PostKind
from gridgov.wishes import services as wishes

WEST, SOUTH, STEP = 121.99, 41.24, 0.01
#: 张家村第一网格 and a point inside it.
IN_GRID = (WEST + 0.5 * STEP, SOUTH + 0.5 * STEP)
#: 高升村第一网格, two squares east, and a point inside it.
OTHER_WEST = WEST + 3 * STEP
IN_OTHER_GRID = (OTHER_WEST + 0.5 * STEP, SOUTH + 0.5 * STEP)

#: The roles of the table, in the order of its status strings.
ROLES = (
    "anonymous",
    "resident",
    "other_resident",
    "grid_worker",
    "other_grid_worker",
    "centre",
    "other_centre",
    "unit",
    "leader",
    "member",
    "secretary",
    "admin",
)

# Personal information held by the scene (valid GB 11643 check characters; mainland mobiles).
PHONE_RESIDENT = "13800138000"
PHONE_OTHER_RESIDENT = "13900139000"
PHONE_CALLER = "13704271111"  # a 12345 hotline caller, entered by the centre
PHONE_CONTACT = "13604272222"  # a report's contact phone
PHONE_MEMBER = "13904271234"  # 王德安, the party member
PHONE_OTHER_MEMBER = "13504273333"
PHONE_HOUSEHOLD = "13904290000"  # a household linked to the central household
PHONE_BENEFICIARY = "13904300001"  # a wish's beneficiary
PHONE_OTHER_BENEFICIARY = "13904300002"
PHONE_ENTERPRISE = "13800138011"  # the rice mill's contact
PHONE_OTHER_ENTERPRISE = "13800138012"
ID_MEMBER = "211122196503120014"  # 王德安
ID_OTHER_MEMBER = "211122198807150027"


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def rect(west, south, east, north) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def _uscc(body: str) -> str:
    from gridgov.core.validators import uscc_check_char

    return body + uscc_check_char(body)


@dataclass
class Scene:
    users: dict  # role -> user (None for anonymous)
    ids: dict = field(default_factory=dict)  # "{name}" in a URL template -> value


def build_scene() -> Scene:
    t = make_territory()
    u = attach_units(t)
    centres = u["centres"]
    grid_polygon_set(actor=None, unit=t.grid, geometry=rect(WEST, SOUTH, WEST + STEP, SOUTH + STEP))
    grid_polygon_set(
        actor=None, unit=t.sibling_grid, geometry=rect(WEST + STEP, SOUTH, WEST + 2 * STEP, SOUTH + STEP)
    )
    other_village = OrgUnit.objects.create(
        path="211122002201", name="高升村", level=Level.COMMUNITY, parent=t.sibling_street
    )
    other_grid = grid_create(
        actor=None,
        parent=other_village,
        name="高升村第一网格",
        geometry=rect(OTHER_WEST, SOUTH, OTHER_WEST + STEP, SOUTH + STEP),
    )
    pavement = Category.objects.get(code="C0201")
    bins = Category.objects.get(code="C0301")
    routing_rule_set(category=pavement.parent, area=t.street, handling_unit=u["office"])
    other_street_committee = party_organisation_ensure(
        org_unit=t.sibling_street,
        name="中共盘山县高升街道工作委员会",
        kind=PartyKind.STREET_COMMITTEE,
        parent=u["committee"],
    )
    other_branch = party_organisation_ensure(
        org_unit=other_village,
        name="中共高升村支部委员会",
        kind=PartyKind.VILLAGE_BRANCH,
        parent=other_street_committee,
    )

    User = get_user_model()
    users = {
        "anonymous": None,
        "resident": make_user("r13800138000", phone=PHONE_RESIDENT, full_name="王秀兰"),
        "other_resident": make_user("r13900139000", phone=PHONE_OTHER_RESIDENT, full_name="赵春梅"),
        "grid_worker": make_user("mengqian", role=Role.GRID_WORKER, target=t.grid, full_name="孟倩"),
        "other_grid_worker": make_user(
            "gaoshenggw", role=Role.GRID_WORKER, target=other_grid, full_name="高晓燕"
        ),
        "centre": make_user(
            "taiping", role=Role.CENTRE_OPERATOR, target=centres[t.street.path], full_name="刘晓东"
        ),
        "other_centre": make_user(
            "gaosheng", role=Role.CENTRE_OPERATOR, target=centres[t.sibling_street.path], full_name="何平"
        ),
        "unit": make_user("chengguan", role=Role.UNIT_HANDLER, target=u["office"], full_name="赵志刚"),
        "leader": make_user("lingdao", role=Role.LEADER, target=t.street, full_name="陈峰"),
        "member": make_user("wangdean", role=Role.PARTY_MEMBER, target=u["group"], full_name="王德安"),
        "secretary": make_user("zhishu", role=Role.PARTY_SECRETARY, target=u["branch"], full_name="许大刚"),
        "admin": User.objects.create_superuser("root", password="Correct-Horse-7", full_name="系统管理员"),
    }
    # Not in the table, but acting in the other street: its branch's secretary and a member.
    other_secretary = make_user("gaoshengsj", role=Role.PARTY_SECRETARY, target=other_branch)
    other_member_user = make_user("gaoshengdy", role=Role.PARTY_MEMBER, target=other_branch)
    county_centre = make_user("panshan", role=Role.CENTRE_OPERATOR, target=centres[t.county.path])
    stranger = make_user("r13700137000", phone="13700137000")

    ids: dict = {}

    # --- Cases: a resident's report, verified, accepted and dispatched (a task, a photo) in
    # each street; a hotline call entered by the centre; a directive of the county's centre.
    def dispatched(reporter, lon_lat, grid_worker, centre, office, contact_phone):
        case, _ = cases.case_report(
            actor=reporter,
            category=pavement,
            description="路面塌陷，请尽快处理",
            lon=lon_lat[0],
            lat=lon_lat[1],
            address="张家村3组门前",
            photos=[jpeg()],
            contact_phone=contact_phone,
        )
        case = cases.case_verify(actor=grid_worker, case=case)
        case = cases.case_accept(actor=centre, case=case)
        case = cases.case_dispatch(actor=centre, case=case, units=[office])
        return case

    case = dispatched(
        users["resident"], IN_GRID, users["grid_worker"], users["centre"], u["office"], PHONE_CONTACT
    )
    other_case = dispatched(
        users["other_resident"],
        IN_OTHER_GRID,
        users["other_grid_worker"],
        users["other_centre"],
        u["sibling_office"],
        "",
    )
    reported, _ = cases.case_report(
        actor=users["resident"], category=bins, description="垃圾满溢", lon=IN_GRID[0], lat=IN_GRID[1]
    )
    hotline, _ = cases.case_report(
        actor=users["centre"],
        category=bins,
        channel=Channel.HOTLINE,
        description=f"市民来电：垃圾桶满溢，回电 {PHONE_CALLER}",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
        contact_phone=PHONE_CALLER,
    )
    directive = cases.directive_issue(
        actor=county_centre,
        unit_kinds=[UnitKind.STREET_OFFICE],
        category=Category.objects.get(code="W0101"),
        title="冬季供暖排查",
        description="排查供暖设施",
        due_at=timezone.now() + timedelta(days=3),
    )
    ids.update(
        case=case.number,
        other_case=other_case.number,
        reported=reported.number,
        hotline=hotline.number,
        directive=directive.number,
        task=case.tasks.get().pk,
        other_task=other_case.tasks.get().pk,
        photo=case.photos.first().pk,
        other_photo=other_case.photos.first().pk,
    )

    # --- Enterprises: a rice mill in 张家村, a shop in 高升村.
    mill = enterprise_create(
        actor=users["centre"],
        name="盘锦太平米业有限公司",
        uscc=_uscc("91211122MA0UB5LK2"),
        industry=Industry.MANUFACTURING,
        size=Size.MEDIUM,
        org_unit=t.village,
        address="张家村5组",
        contact_name="刘建国",
        contact_phone=PHONE_ENTERPRISE,
    )
    shop = enterprise_create(
        actor=users["other_centre"],
        name="盘锦瑞丰农机销售有限公司",
        uscc=_uscc("91211122MA10C6UP5"),
        industry=Industry.TRADE,
        size=Size.SMALL,
        org_unit=other_village,
        address="高升村2组",
        contact_name="周立",
        contact_phone=PHONE_OTHER_ENTERPRISE,
    )
    ids.update(enterprise=mill.pk, other_enterprise=shop.pk)

    # --- Party: 王德安 (the member) in 张家村's group, a central household with a linked
    # household and a visit, a post he holds, an activity; the same in 高升村.
    secretary = users["secretary"]
    wang = party.member_create(
        actor=secretary,
        organisation=u["group"],
        grid=t.grid,
        user=users["member"],
        name="王德安",
        gender="male",
        birth_date=date(1965, 3, 12),
        joined_on=date(1990, 7, 1),
        phone=PHONE_MEMBER,
        id_number=ID_MEMBER,
    )
    gao = party.member_create(
        actor=other_secretary,
        organisation=other_branch,
        grid=other_grid,
        user=other_member_user,
        name="高建业",
        gender="male",
        birth_date=date(1988, 7, 15),
        phone=PHONE_OTHER_MEMBER,
        id_number=ID_OTHER_MEMBER,
        in_service=True,
    )
    records = {}
    for key, actor, member, org, place, head in (
        ("", secretary, wang, u["branch"], t.village, "姜玉君"),
        ("other_", other_secretary, gao, other_branch, other_village, "侯巨"),
    ):
        central = party.central_designate(actor=actor, member=member)
        household = party.household_add(
            actor=actor, central=central, head=head, address=f"{place.name}1组1号", phone=PHONE_HOUSEHOLD
        )
        visit = party.visit_record(
            actor=actor,
            central=central,
            household=household,
            visited_on=timezone.localdate(),
            asked="下水管堵了",
            follow_up="排水沟堵塞，需疏通",
        )
        post = party.post_create(
            actor=actor, organisation=org, kind=PostKind.CARE, name="关爱帮扶岗", duties="看望独居老人"
        )
        holder = party.post_take(actor=actor, post=post, member=member)
        now = timezone.now()
        activity = party.activity_publish(
            actor=actor,
            organisation=org,
            place=place,
            title="村道清雪",
            location="村委会",
            starts_at=now + timedelta(minutes=10),
            ends_at=now + timedelta(hours=2),
            slots=5,
        )
        records.update(
            {
                f"{key}member": member.pk,
                f"{key}central": central.pk,
                f"{key}household": household.pk,
                f"{key}visit": visit.pk,
                f"{key}post": post.pk,
                f"{key}holder": holder.pk,
                f"{key}activity": activity.pk,
            }
        )
    # 高建业 serves at a county bureau and lives in 张家村: he registered there (双报到).
    registration = party.registration_create(actor=secretary, member=gao, community=t.village)
    ids.update(
        records, registration=registration.pk, village=t.village.path, other_village=other_village.path
    )

    # --- Wishes: a published wish in 张家村 that 王德安 claimed; one in 高升村 claimed by 高建业.
    def wish_for(poster, grid, reviewer, claimer, phone):
        wish = wishes.wish_create(
            actor=poster,
            grid=grid,
            title="冬季棉被一床",
            description="老人独居，被褥陈旧。",
            category="necessities",
            group="elderly_alone",
            units_needed=2,
            beneficiary_name="姜玉君",
            beneficiary_phone=phone,
            beneficiary_address=f"{grid.parent.name}3组12号",
        )
        wish = wishes.wish_review(actor=reviewer, wish=wish, approve=True)
        pledge = wishes.pledge_create(actor=claimer, wish=wish, units=1)
        return wish, pledge

    wish, pledge = wish_for(users["resident"], t.grid, secretary, users["member"], PHONE_BENEFICIARY)
    other_wish, other_pledge = wish_for(
        users["other_resident"], other_grid, other_secretary, other_member_user, PHONE_OTHER_BENEFICIARY
    )
    ids.update(wish=wish.pk, other_wish=other_wish.pk, pledge=pledge.pk, other_pledge=other_pledge.pk)

    # --- An inbox message of the resident's, and a stranger's.
    def message(user):
        return Notification.objects.create(
            user=user, kind="case_update", title="您的诉求有进展", url="/", source="scene"
        )

    ids.update(notification=message(users["resident"]).pk, other_notification=message(stranger).pk)

    # --- Places: the street's office and the other street's (insights), the village (orgs).
    ids.update(
        office=u["office"].pk,
        other_office=u["sibling_office"].pk,
        street=t.street.path,
        other_street=t.sibling_street.path,
        grid=t.grid.path,
        other_grid=other_grid.path,
        centre_id=centres[t.street.path].pk,
        branch=u["branch"].pk,
        other_branch=other_branch.pk,
        category="C0201",
    )
    return Scene(users=users, ids=ids)
