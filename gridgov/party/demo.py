"""Demo party work (loaded after the territory, party organisations and users of
``gridgov.orgs.demo``).

- 铁西区 繁荣街道 reaches the article's figures: 654 party members, every one in one of the
  street's 31 grid party organisations (14 grid branches and 17 party groups) and living in
  its grid; 71 central households (党员中心户) looking after 5 to 15 households each, with
  visits over the last two months; four service posts (设岗定责) on each grid branch, taken by
  its members, with activities this quarter; the in-service members (在职党员) registered with
  the community they live in (双报到), most of them having served this quarter; six volunteer
  activities of the last weeks with their members' hours and one next Saturday open for
  sign-up; the points these earned, in the ledger as the services would have written them.
- 盘山县 张家村: ``dangyuan`` (李秀梅) is a member of 张家村第1网格党小组 and a central household
  with 8 households and three visits, and the village branch's activity next Saturday open
  for sign-up; ``zhangjia`` (张国强, the village's secretary) manages them.

Personal data is made up: names from common surnames and given names, phones in the 1390427
range, identity numbers with GB 11643 check characters. Bulk rows carry their paths, as the
models' ``save`` would give them. Loaded once: a second run changes nothing.
"""

import random
import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from gridgov.core.validators import id_number_check_char
from gridgov.orgs.demo import FANRONG, ZHANGJIA
from gridgov.orgs.models import Level, OrgUnit, PartyKind, PartyOrganisation

from . import services
from .models import (
    CentralHousehold,
    DualRegistration,
    Education,
    Gender,
    LinkedHousehold,
    PartyMember,
    PointEntry,
    PointRule,
    PostActivity,
    PostHolder,
    PostKind,
    ServicePost,
    SignUp,
    Visit,
    VolunteerActivity,
)
from .selectors import quarter_of

FANRONG_MEMBERS = 654
FANRONG_CENTRALS = 71
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
GIVEN = "秀英桂兰玉珍凤芝淑华建国志强德安素华丽娟海涛立新晓东国庆振华春梅淑珍丽华建军明辉红梅玉梅金凤永刚桂芝秀兰宝山长林凤英树林洪波"
ASKED = (
    ("楼道灯坏了，晚上看不清台阶", "已报物业，请跟进更换楼道灯"),
    ("老人独居，想办理助餐服务", ""),
    ("下水管道返味，怀疑堵塞", "小区下水主管道堵塞，需疏通"),
    ("询问医保缴费政策", ""),
    ("孩子放学无人看管", "联系社区“四点半课堂”"),
    ("楼下有人私搭乱建", "小区内私搭乱建，需城管核查"),
    ("腿脚不便，想办理代缴水电费", ""),
    ("小区健身器材损坏", "健身器材损坏，需维修更换"),
)
POSTS = (
    (PostKind.POLICY, "政策宣传岗", "向网格群众宣传党的政策和惠民措施，每月入户宣讲一次。"),
    (PostKind.ENVIRONMENT, "环境监督岗", "每周巡查楼道、绿地卫生，发现问题随手拍上报。"),
    (PostKind.MEDIATION, "邻里调解岗", "及时化解邻里纠纷，重大矛盾报网格党支部。"),
    (PostKind.CARE, "关爱帮扶岗", "结对孤寡老人、留守儿童和困难家庭，定期走访。"),
)


def _name(rng: random.Random) -> str:
    given = GIVEN[rng.randrange(0, len(GIVEN) - 1, 2) : None]
    return rng.choice(SURNAMES) + given[: rng.choice((1, 2))]


def _id_number(division: str, birth: date, sequence: int) -> str:
    first17 = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_char(first17)


def load_demo(out) -> None:
    if demo_loaded():
        out.write("Party: already loaded.")
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    admin = get_user_model().objects.get(username="admin")
    fanrong = _fanrong(rng, today)
    zhangjia = _zhangjia(admin, today)
    out.write(
        f"Party: 繁荣街道 {fanrong['members']} members in {fanrong['organisations']} grid party organisations, "
        f"{fanrong['centrals']} central households with {fanrong['households']} households, "
        f"{fanrong['registrations']} dual registrations, {fanrong['posts']} service posts; "
        f"张家村 central household {zhangjia}."
    )


def demo_loaded() -> bool:
    return PartyMember.objects.filter(path__startswith=FANRONG).exists()


def _fanrong(rng: random.Random, today: date) -> dict:
    organisations = list(
        PartyOrganisation.objects.filter(
            path__startswith=FANRONG, kind__in=(PartyKind.GRID_BRANCH, PartyKind.PARTY_GROUP)
        )
        .select_related("org_unit")
        .order_by("path", "pk")
    )
    used_ids: set[str] = set()
    members = []
    for i in range(FANRONG_MEMBERS):
        organisation = organisations[i % len(organisations)]
        grid = organisation.org_unit
        gender = Gender.MALE if rng.random() < 0.55 else Gender.FEMALE
        while True:
            birth = date(1940 + rng.randrange(62), rng.randint(1, 12), rng.randint(1, 28))
            sequence = rng.randrange(0, 499) * 2 + (1 if gender == Gender.MALE else 2)
            id_number = _id_number(FANRONG[:6], birth, sequence)
            if id_number not in used_ids:
                used_ids.add(id_number)
                break
        members.append(
            PartyMember(
                name=_name(rng),
                gender=gender,
                birth_date=birth,
                joined_on=date(birth.year + rng.randint(20, 40), rng.randint(1, 12), 1),
                education=rng.choice(Education.values),
                phone=f"1390427{i:04d}",
                id_number=id_number,
                organisation=organisation,
                grid=grid,
                in_service=birth.year >= 1966 and i % 7 == 0,
                path=grid.path,
            )
        )
    members = PartyMember.objects.bulk_create(members, batch_size=500)

    # Central households: members not in service, spread over the grids.
    candidates = [m for m in members if not m.in_service]
    centrals = [
        CentralHousehold(
            member=m, grid=m.grid, since=today - timedelta(days=rng.randint(90, 900)), path=m.path
        )
        for m in candidates[:: max(len(candidates) // FANRONG_CENTRALS, 1)][:FANRONG_CENTRALS]
    ]
    centrals = CentralHousehold.objects.bulk_create(centrals)
    households, room = [], 0
    for central in centrals:
        for _ in range(rng.randint(5, 15)):
            room += 1
            households.append(
                LinkedHousehold(
                    central=central,
                    head=_name(rng),
                    address=f"{central.grid.name}{room % 40 + 1}栋{room % 6 + 1}单元{room % 30 + 101}室",
                    phone=f"1390428{room:04d}",
                    path=central.path,
                )
            )
    households = LinkedHousehold.objects.bulk_create(households, batch_size=500)
    by_central: dict[int, list[LinkedHousehold]] = {}
    for household in households:
        by_central.setdefault(household.central_id, []).append(household)
    visits = []
    for central in centrals:
        for _ in range(rng.randint(1, 4)):
            asked, follow_up = rng.choice(ASKED)
            visits.append(
                Visit(
                    central=central,
                    household=rng.choice(by_central[central.pk]),
                    visited_on=today - timedelta(days=rng.randint(0, 60)),
                    asked=asked,
                    follow_up=follow_up,
                    path=central.path,
                )
            )
    Visit.objects.bulk_create(visits, batch_size=500)

    # Dual registration: the in-service members, with the community they live in.
    in_service = [m for m in members if m.in_service]
    communities = {c.path: c for c in OrgUnit.objects.filter(path__startswith=FANRONG, level=Level.COMMUNITY)}
    registrations = DualRegistration.objects.bulk_create(
        [
            DualRegistration(
                member=m,
                community=communities[m.path[:12]],
                grid=m.grid,
                registered_at=timezone.make_aware(
                    datetime.combine(today - timedelta(days=rng.randint(10, 400)), time(9))
                ),
                path=m.path,
            )
            for m in in_service
        ]
    )

    # Service posts on the grid branches, taken by their members; activities this quarter.
    branches = [o for o in organisations if o.kind == PartyKind.GRID_BRANCH]
    posts = ServicePost.objects.bulk_create(
        [
            ServicePost(organisation=branch, kind=kind, name=name, duties=duties, path=branch.path)
            for branch in branches
            for kind, name, duties in POSTS
        ]
    )
    members_of: dict[int, list[PartyMember]] = {}
    for m in members:
        members_of.setdefault(m.organisation_id, []).append(m)
    for m in in_service:  # registered members serve where they live: the branch over their grid
        branch = next((b for b in branches if m.path.startswith(b.path)), None)
        if branch is not None and branch.pk != m.organisation_id:
            members_of.setdefault(branch.pk, []).append(m)
    holders = []
    for post in posts:
        for m in rng.sample(
            members_of[post.organisation_id], k=min(3, len(members_of[post.organisation_id]))
        ):
            holders.append(
                PostHolder(post=post, member=m, since=today - timedelta(days=rng.randint(100, 700)))
            )
    holders = PostHolder.objects.bulk_create(holders)
    first, _last = quarter_of(today)
    activities = [
        PostActivity(
            holder=holder,
            on=first + timedelta(days=rng.randint(0, (today - first).days)),
            hours=Decimal(rng.choice(("1.0", "1.5", "2.0", "3.0"))),
            summary=rng.choice(("入户宣讲惠民政策", "清理楼道杂物", "调解邻里噪音纠纷", "看望独居老人")),
            path=holder.post.path,
        )
        for holder in holders
        if rng.random() < 0.85
    ]
    activities = PostActivity.objects.bulk_create(activities)
    volunteering = _volunteering(rng, today, branches, members_of)
    _points(holders, activities, volunteering)
    return {
        "members": len(members),
        "organisations": len(organisations),
        "centrals": len(centrals),
        "households": len(households),
        "registrations": len(registrations),
        "posts": len(posts),
    }


def _volunteering(rng: random.Random, today: date, branches, members_of) -> list[SignUp]:
    """Six activities of the last weeks, on the first grid branches, with their members'
    sign-ups and hours; one next Saturday open for sign-up."""
    zone = timezone.get_current_timezone()
    made = []
    for i, branch in enumerate(branches[:6]):
        day = today - timedelta(days=7 * (i + 1) - 2)
        starts = datetime.combine(day, time(9), tzinfo=zone)
        made.append(
            VolunteerActivity(
                organisation=branch,
                place=branch.org_unit,
                title=("楼道清理", "义诊进社区", "敬老助餐", "垃圾分类宣传", "绿地补植", "反诈宣传")[i],
                description="网格党支部组织党员志愿者参加。",
                location=f"{branch.org_unit.name}党群服务站",
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                slots=12,
                secret=secrets.token_hex(16),
                path=branch.path,
            )
        )
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    starts = datetime.combine(saturday, time(9), tzinfo=zone)
    made.append(
        VolunteerActivity(
            organisation=branches[0],
            place=branches[0].org_unit,
            title="冬季清雪",
            description="清理小区主干道和楼前积雪，请自带手套。",
            location=f"{branches[0].org_unit.name}党群服务站",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            slots=20,
            secret=secrets.token_hex(16),
            path=branches[0].path,
        )
    )
    made = VolunteerActivity.objects.bulk_create(made)
    signups = []
    for activity in made[:-1]:
        for member in rng.sample(
            members_of[activity.organisation_id], k=min(8, len(members_of[activity.organisation_id]))
        ):
            hours = Decimal(rng.choice(("2.0", "2.5", "3.0")))
            signups.append(
                SignUp(
                    activity=activity,
                    member=member,
                    signed_at=activity.starts_at - timedelta(days=2),
                    checked_in_at=activity.starts_at,
                    checked_out_at=activity.starts_at + timedelta(hours=float(hours)),
                    hours=hours,
                )
            )
    return SignUp.objects.bulk_create(signups)


def _points(holders, activities, signups) -> None:
    """The ledger lines the services would have written for the bulk rows above."""
    rules = {r.code: r for r in PointRule.objects.filter(code__in=("post_activity", "volunteer_hour"))}
    members = {h.pk: h.member for h in holders}
    entries = [
        PointEntry(
            member=members[a.holder_id],
            rule=rules["post_activity"],
            points=rules["post_activity"].points,
            reason="岗位履职",
            source=f"party.postactivity:{a.pk}",
            at=timezone.make_aware(datetime.combine(a.on, time(18))),
            path=members[a.holder_id].path,
        )
        for a in activities
    ]
    entries += [
        PointEntry(
            member=s.member,
            rule=rules["volunteer_hour"],
            points=int(rules["volunteer_hour"].points * s.hours),
            reason=f"志愿服务 {s.hours} 小时",
            source=f"party.signup:{s.pk}",
            at=s.checked_out_at,
            path=s.member.path,
        )
        for s in signups
    ]
    PointEntry.objects.bulk_create(entries, batch_size=500)


def _zhangjia(admin, today: date) -> str:
    """李秀梅 (``dangyuan``) of 张家村第1网格党小组, a central household with 8 households."""
    User = get_user_model()
    user = User.objects.get(username="dangyuan")
    group = (
        PartyOrganisation.objects.filter(path__startswith=ZHANGJIA, kind=PartyKind.PARTY_GROUP)
        .order_by("path")
        .first()
    )
    grid = OrgUnit.objects.get(path=group.path)
    member = services.member_create(
        actor=admin,
        organisation=group,
        grid=grid,
        user=user,
        name=user.full_name or "李秀梅",
        gender=Gender.FEMALE,
        birth_date=date(1968, 5, 20),
        joined_on=date(1992, 7, 1),
        education=Education.SENIOR,
        phone="13904270001",
        id_number=_id_number(ZHANGJIA[:6], date(1968, 5, 20), 26),
    )
    central = services.central_designate(actor=admin, member=member, since=date(2023, 3, 1))
    households = [
        services.household_add(
            actor=admin,
            central=central,
            head=head,
            address=f"张家村{i + 1}组{10 + i}号",
            phone=f"1390429{i:04d}",
            note=note,
        )
        for i, (head, note) in enumerate(
            (
                ("姜玉君", "独居老人"),
                ("侯巨", "低保户"),
                ("王桂兰", ""),
                ("张振华", ""),
                ("刘淑珍", "行动不便"),
                ("陈春梅", "留守儿童家庭"),
                ("赵宝山", ""),
                ("孙长林", ""),
            )
        )
    ]
    for days, household, (asked, follow_up) in ((2, 0, ASKED[2]), (9, 1, ASKED[1]), (20, 4, ASKED[6])):
        services.visit_record(
            actor=user,
            central=central,
            household=households[household],
            visited_on=today - timedelta(days=days),
            asked=asked,
            follow_up=follow_up,
        )
    branch = PartyOrganisation.objects.get(path=ZHANGJIA, kind=PartyKind.VILLAGE_BRANCH)
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    starts = datetime.combine(saturday, time(8, 30), tzinfo=timezone.get_current_timezone())
    services.activity_publish(
        actor=admin,
        organisation=branch,
        place=branch.org_unit,
        title="村道清雪志愿服务",
        description="清理村主干道积雪，方便老人出行。",
        location="张家村村委会门口",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        slots=15,
    )
    return f"{member.name} with {len(households)} households"
