"""Demo micro-wishes for 铁西区 繁荣街道 (loaded after the party demo's members).

300 wishes over the street's grids, in every state: waiting for review, not approved,
published and unclaimed (the older ones flagged), partly claimed by several members
(多对一), fully claimed, fulfilled, confirmed and thanked — 230 of them claimed by the
street's party members, the confirmed ones with their points in the ledger. Beneficiaries are
made up (phones in the 1390430 range). Bulk rows carry their paths, as ``save`` would give
them. In 张家村, three wishes collected and approved through the services, for ``dangyuan`` to
claim from the wall. Loaded once: a second run changes nothing.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from gridgov.orgs.demo import FANRONG, ZHANGJIA
from gridgov.orgs.models import Level, OrgUnit
from gridgov.party.models import PartyMember, PointEntry, PointRule

from . import services
from .models import (
    ClaimerKind,
    ClaimMode,
    Pledge,
    PledgeStatus,
    VulnerableGroup,
    Wish,
    WishCategory,
    WishSource,
    WishStatus,
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
GIVEN = "桂兰玉珍凤芝淑华秀英德福长顺宝山春生小雨欣怡子涵浩然金凤树林振华"
_E, _C, _S, _L, _B = (
    VulnerableGroup.ELDERLY_ALONE,
    VulnerableGroup.LEFT_BEHIND_CHILD,
    VulnerableGroup.SICK_OR_DISABLED,
    VulnerableGroup.SUBSISTENCE,
    VulnerableGroup.BEREAVED_ELDERLY,
)
#: (category, title, description, units, the groups it fits)
WISHES = (
    (WishCategory.NECESSITIES, "冬季棉被一床", "老人独居，家中被褥陈旧，希望冬天有一床厚棉被。", 1, (_E, _B)),
    (
        WishCategory.NECESSITIES,
        "大米（10斤装）",
        "家庭收入微薄，希望得到一些大米补贴日常生活。",
        10,
        (_L, _S),
    ),
    (WishCategory.NECESSITIES, "食用油（5升装）", "希望得到几桶食用油。", 4, (_L, _S, _E)),
    (WishCategory.NECESSITIES, "冬季棉衣两件", "天气转冷，希望添置保暖棉衣。", 2, (_E, _C, _L)),
    (WishCategory.STUDY, "书包和文具一套", "孩子父母在外务工，希望新学期有一个新书包。", 1, (_C,)),
    (WishCategory.STUDY, "课外读物", "孩子喜欢看书，希望得到几本适合小学生的课外书。", 5, (_C, _L)),
    (WishCategory.HEALTH, "电子血压计一台", "老人患高血压，需要在家测量血压。", 1, (_E, _B, _S)),
    (WishCategory.HEALTH, "助行器一个", "腿脚不便，出门需要助行器。", 1, (_S, _E)),
    (WishCategory.SERVICE, "每月上门理发", "行动不便，希望有人上门理发。", 4, (_E, _S, _B)),
    (WishCategory.SERVICE, "陪同就医", "需要定期去医院复查，希望有人陪同。", 3, (_E, _B, _S)),
    (WishCategory.OTHER, "一次全家福拍摄", "希望和老伴拍一张全家福。", 1, (_E, _B)),
)
#: Thanks, by who says them.
THANKS = {
    "elderly": ("感谢党员同志送来的温暖，老人家特别高兴！", "谢谢大家惦记着我这个老人。"),
    "child": ("谢谢社区和结对党员的关心，孩子收到礼物很开心。",),
    "family": ("感谢大家帮助我们家渡过难关。", "谢谢党员志愿者，帮了我们大忙。"),
}
THANKS_BY_GROUP = {_E: "elderly", _B: "elderly", _C: "child", _S: "family", _L: "family"}
#: How many wishes in each state (230 claimed: partly, fully, fulfilled, confirmed, thanked).
PLAN = (
    ("pending", 20),
    ("rejected", 10),
    ("unclaimed", 40),
    ("partly", 50),
    ("fully", 30),
    ("fulfilled", 50),
    ("confirmed", 45),
    ("thanked", 55),
)


def demo_loaded() -> bool:
    return Wish.objects.filter(path__startswith=FANRONG).exists()


def load_demo(out) -> None:
    if demo_loaded():
        out.write("Wishes: already loaded.")
        return
    members = list(PartyMember.objects.filter(path__startswith=FANRONG).order_by("pk"))
    grids = list(OrgUnit.objects.filter(path__startswith=FANRONG, level=Level.GRID2).order_by("path"))
    communities = {c.path: c for c in OrgUnit.objects.filter(path__startswith=FANRONG, level=Level.COMMUNITY)}
    if not members or not grids:
        out.write("Wishes: no 繁荣街道 party members or grids to work with; skipped.")
        return
    rng = random.Random(2026)
    now = timezone.now()
    wishes, states = [], []
    n = 0
    for state, count in PLAN:
        for _ in range(count):
            n += 1
            grid = grids[n % len(grids)]
            category, title, description, units, groups = WISHES[n % len(WISHES)]
            if state == "partly" and units == 1:
                category, title, description, units, groups = WISHES[1]
            created = now - timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 12))
            published = None if state in ("pending", "rejected") else created + timedelta(days=1)
            wish = Wish(
                title=title,
                description=description,
                category=category,
                group=rng.choice(groups),
                beneficiary_name=rng.choice(SURNAMES) + GIVEN[rng.randrange(0, len(GIVEN) - 1, 2) :][:2],
                beneficiary_phone=f"1390430{n:04d}",
                beneficiary_address=f"{grid.name}{n % 40 + 1}栋{n % 6 + 1}单元{n % 30 + 101}室",
                community=communities[grid.path[:12]],
                grid=grid,
                units_needed=units,
                source=WishSource.COLLECTED if n % 3 else WishSource.POSTED,
                status={
                    "pending": WishStatus.PENDING,
                    "rejected": WishStatus.REJECTED,
                    "fulfilled": WishStatus.FULFILLED,
                    "confirmed": WishStatus.CONFIRMED,
                    "thanked": WishStatus.THANKED,
                }.get(state, WishStatus.PUBLISHED),
                reviewed_at=None if state == "pending" else created + timedelta(days=1),
                reject_reason="涉及个人隐私信息过多，请修改后重新提交" if state == "rejected" else "",
                published_at=published,
                path=grid.path,
                created_at=created,
            )
            if state == "unclaimed" and published and now - published > timedelta(days=14):
                wish.flagged_at = published + timedelta(days=14)
            if state in ("fulfilled", "confirmed", "thanked"):
                wish.fulfilled_at = published + timedelta(days=rng.randint(2, 10))
            if state in ("confirmed", "thanked"):
                wish.confirmed_at = wish.fulfilled_at + timedelta(days=1)
            if state == "thanked":
                thanks = THANKS[THANKS_BY_GROUP[wish.group]]
                wish.thanks, wish.thanked_at = rng.choice(thanks), wish.confirmed_at + timedelta(hours=5)
            wishes.append(wish)
            states.append(state)
    wishes = Wish.objects.bulk_create(wishes, batch_size=500)

    pledges, turn = [], 0
    for wish, state in zip(wishes, states, strict=True):
        if state in ("pending", "rejected", "unclaimed"):
            continue
        covered = state != "partly"
        needed = wish.units_needed
        if needed == 1 or rng.random() < 0.4:
            shares = [needed] if covered else [needed - 1]
        else:
            cut = sorted(rng.sample(range(1, needed), k=min(2, needed - 1)))
            shares = [b - a for a, b in zip([0, *cut], [*cut, needed], strict=True)]
            if not covered:
                shares = shares[:-1]
        mode = ClaimMode.ONE_TO_ONE if shares == [needed] else ClaimMode.MANY_TO_ONE
        done = state in ("fulfilled", "confirmed", "thanked")
        for units in shares:
            turn += 1
            member = members[(turn * 37) % len(members)]
            at = wish.published_at + timedelta(hours=rng.randint(2, 40))
            pledges.append(
                Pledge(
                    wish=wish,
                    kind=ClaimerKind.MEMBER,
                    mode=mode,
                    member=member,
                    units=units,
                    status=PledgeStatus.FULFILLED if done else PledgeStatus.PLEDGED,
                    fulfilled_at=wish.fulfilled_at if done else None,
                    path=wish.path,
                    created_at=at,
                )
            )
        wish.units_pledged = sum(shares)
    Pledge.objects.bulk_create(pledges, batch_size=500)
    Wish.objects.bulk_update([w for w in wishes if w.units_pledged], ["units_pledged"], batch_size=500)

    # Points for the confirmed wishes, as confirming them would have written.
    rule = PointRule.objects.filter(code="wish_fulfilled", is_active=True).first()
    confirmed = {w.pk: w for w in wishes if w.confirmed_at}
    if rule is not None:
        PointEntry.objects.bulk_create(
            [
                PointEntry(
                    member=p.member,
                    rule=rule,
                    points=rule.points,
                    reason=f"认领并实现微心愿：{confirmed[p.wish_id].title}",
                    source=f"wishes.pledge:{p.pk}",
                    at=confirmed[p.wish_id].confirmed_at,
                    path=p.member.path,
                )
                for p in pledges
                if p.wish_id in confirmed
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
    claimed = sum(1 for w in wishes if w.units_pledged)
    out.write(f"Wishes: 繁荣街道 {len(wishes)} micro-wishes, {claimed} claimed with {len(pledges)} pledges.")
    out.write(f"Wishes: 张家村 {_zhangjia()} published for its members to claim.")


def _zhangjia() -> int:
    """Three wishes 孟倩 (``mengqian``) collected in 张家村第1网格 and 张国强 (``zhangjia``)
    approved, through the services: ``dangyuan`` (李秀梅, a member there) claims them from the
    wall."""
    User = get_user_model()
    worker, secretary = User.objects.get(username="mengqian"), User.objects.get(username="zhangjia")
    grid = OrgUnit.objects.filter(path__startswith=ZHANGJIA, level=Level.GRID2).order_by("path").first()
    made = 0
    for title, description, category, group, units, name in (
        (
            "冬季棉被一床",
            "老人独居，家中被褥陈旧，希望冬天有一床厚棉被。",
            WishCategory.NECESSITIES,
            _E,
            1,
            "姜玉君",
        ),
        (
            "大米（10斤装）",
            "低保家庭，希望得到一些大米补贴日常生活。",
            WishCategory.NECESSITIES,
            _L,
            6,
            "侯巨",
        ),
        ("书包和文具一套", "孩子父母在外务工，希望新学期有一个新书包。", WishCategory.STUDY, _C, 1, "陈小雨"),
    ):
        wish = services.wish_create(
            actor=worker,
            grid=grid,
            title=title,
            description=description,
            category=category,
            group=group,
            beneficiary_name=name,
            beneficiary_phone=f"139043099{made:02d}",
            beneficiary_address=f"张家村{made + 2}组{made + 6}号",
            units_needed=units,
        )
        services.wish_review(actor=secretary, wish=wish, approve=True)
        made += 1
    return made
