"""Demo cases: the article's 张家村 pavement case of 2022-12-28, step by step, and a few dozen
cases of 太平街道 in every state — one overdue, one returned and re-dispatched, one merged as
a duplicate. Everything goes through the services, with the times given; loaded once."""

import io
import random
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw

from gridgov.catalogue.models import Category
from gridgov.geo.models import GridPolygon
from gridgov.orgs.demo import DEMO_RESIDENT_PHONE, TAIPING, ZHANGJIA
from gridgov.orgs.models import HandlingUnit

from . import services
from .models import Case, Task
from .tasks import sla_sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")
ARTICLE_CASE_ID = uuid.UUID("5c1f0000-2022-4c28-9941-000000000001")
DEMO_RESIDENTS = ["13800138000", "13800138001", "13800138002", "13800138003", "13800138004"]


def demo_loaded() -> bool:
    return Case.objects.filter(client_id=ARTICLE_CASE_ID).exists()


def _picture(kind: str, seed: int) -> io.BytesIO:
    """A drawn stand-in photo: paving tiles, some broken ("before") or all whole ("after")."""
    rng = random.Random(seed)
    image = Image.new("RGB", (960, 720), (120, 120, 118))
    draw = ImageDraw.Draw(image)
    for row in range(0, 720, 60):
        for col in range(0, 960, 80):
            shade = (178, 74, 62) if (row // 60 + col // 80) % 2 else (190, 150, 110)
            broken = kind == "before" and rng.random() < 0.18
            colour = (90, 84, 80) if broken else shade
            draw.rectangle([col + 2, row + 2, col + 77, row + 57], fill=colour)
            if broken:
                draw.line([col + 8, row + 10, col + 70, row + 50], fill=(40, 40, 40), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    buffer.seek(0)
    buffer.name = f"{kind}.jpg"
    return buffer


def _at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def load_demo(out) -> None:
    if demo_loaded():
        out.write("Cases: demo cases already loaded.")
        return
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["mengqian", "taiping", "panshan", "chengguan", "zhujian"])
    }
    residents = [
        User.objects.get_or_create(phone=phone, defaults={"username": f"r{phone}"})[0]
        for phone in DEMO_RESIDENTS
    ]
    residents[0] = User.objects.get(phone=DEMO_RESIDENT_PHONE)
    units = {u.name: u for u in HandlingUnit.objects.filter(path__startswith="211122")}
    grids = list(
        GridPolygon.objects.filter(unit__path__startswith=TAIPING)
        .select_related("unit")
        .order_by("unit__path")
    )
    zhangjia = next(g for g in grids if g.unit.path.startswith(ZHANGJIA))
    _article_case(users, residents[0], zhangjia, units)
    count = _other_cases(users, residents, grids, units)
    _patterns(users, zhangjia, units)
    # What the scheduler's first sweep does: the deadlines already past are announced.
    sla_sweep.call()
    out.write(
        f"Cases: the article's 张家村 case and {count} more in every state; a whistle, a joint "
        "command and a directive."
    )


def _article_case(users, resident, grid, units) -> Case:
    """2022-12-28 09:41 a 张家村 resident reports; 孟倩 verifies; the 太平街道 centre accepts and
    dispatches to the urban-management office; it is fixed the next day at 16:00, re-checked,
    closed and rated 满意."""
    office = units["太平街道城市管理办公室"]
    case, _ = services.case_report(
        actor=resident,
        category=Category.objects.get(code="C0201"),
        description="张家村路边彩砖破啦！",
        lon=grid.centroid_lon,
        lat=grid.centroid_lat,
        address="张家村村委会门前人行道",
        answers={"area_m2": 3, "blocks_traffic": False},
        photos=[_picture("before", 1)],
        client_id=ARTICLE_CASE_ID,
        at=_at("2022-12-28 09:41"),
    )
    case = services.case_verify(
        actor=users["mengqian"], case=case, note="已现场核实，彩砖破损约3平方米。", at=_at("2022-12-28 09:55")
    )
    case = services.case_accept(actor=users["taiping"], case=case, at=_at("2022-12-28 10:12"))
    case = services.case_dispatch(
        actor=users["taiping"],
        case=case,
        units=[office],
        instructions="请尽快更换破损彩砖。",
        at=_at("2022-12-28 10:15"),
    )
    task = case.tasks.get()
    services.task_sign(actor=users["chengguan"], task=task, at=_at("2022-12-28 10:40"))
    services.task_finish(
        actor=users["chengguan"],
        task=Task.objects.get(pk=task.pk),
        note="已更换破损彩砖，路面恢复平整。",
        photos=[_picture("after", 2)],
        at=_at("2022-12-29 16:00"),
    )
    case = Case.objects.get(pk=case.pk)
    case = services.case_check(
        actor=users["mengqian"], case=case, passed=True, note="复核通过。", at=_at("2022-12-29 16:45")
    )
    case = services.case_close(actor=users["taiping"], case=case, at=_at("2022-12-29 17:00"))
    return services.case_rate(
        actor=resident, case=case, rating="satisfied", comment="修得又快又好！", at=_at("2022-12-30 09:20")
    )


# (category code, description, answers)
REPORTS = [
    ("C0201", "村道路面坑洼，雨后积水", {"area_m2": 6, "blocks_traffic": True}),
    ("C0301", "村口垃圾桶满了没人清", {}),
    ("C0101", "路边井盖缺失，很危险", {}),
    ("C0102", "村北路灯晚上不亮", {}),
    ("E0101", "河边有暴露垃圾", {}),
    ("E0501", "商店门前占道经营", {}),
    ("E0301", "施工工地夜间噪音扰民", {}),
    ("E0202", "电线杆上小广告很多", {}),
    ("C0401", "大风把路边树刮倒了", {}),
    ("E0502", "违规停车堵住消防通道", {}),
]


def _report_payload(i: int):
    code, description, answers = REPORTS[i % len(REPORTS)]
    category = (
        Category.objects.filter(code=code).first() or Category.objects.filter(parent__isnull=False).first()
    )
    questions = {q["key"]: q for q in category.questions or []}
    answers = {k: v for k, v in answers.items() if k in questions}
    for key, q in questions.items():
        if q.get("required") and key not in answers:
            answers[key] = (q.get("choices") or [1])[0] if q["type"] != "yesno" else False
    return category, description, answers


def _other_cases(users, residents, grids, units) -> int:
    """Cases reported over the last days in the grids of 太平街道, brought to every state."""
    rng = random.Random(2022)
    now = timezone.now()
    office = units["太平街道城市管理办公室"]
    bureau = units["盘山县住房和城乡建设局"]
    centre, worker, handler = users["taiping"], users["mengqian"], users["chengguan"]
    # (final state, days ago it was reported)
    plan = (
        [("reported", 0)] * 3
        + [("submitted", 0)] * 3
        + [("accepted", 0)] * 2
        + [("dispatched", 0)] * 3
        + [("signed", 0)] * 3
        + [("handled", 1)] * 2
        + [("checked", 2)] * 2
        + [("closed", 3)] * 2
        + [("rated", 5)] * 8
        + [("rejected", 2)] * 2
        + [("withdrawn", 1)]
        + [("overdue", 12), ("redispatched", 2), ("merged", 0)]
    )
    made = 0
    home = next(g for g in grids if g.unit.path.startswith(ZHANGJIA))
    for i, (final, days) in enumerate(plan):
        grid = (
            home
            if i % 3 == 0 or final in ("reported", "rejected", "withdrawn")
            else grids[rng.randrange(len(grids))]
        )
        category, description, answers = _report_payload(i)
        # Twelve steps seven minutes apart, all of them before now.
        start = now - timedelta(days=days, minutes=rng.randrange(90, 150))
        at = [start + timedelta(minutes=7 * k) for k in range(12)]
        resident = residents[i % len(residents)]
        # In 孟倩's grid residents snap and she patrols; elsewhere cases come by the 12345 hotline.
        if grid is home:
            channel, reporter = ("patrol", worker) if i % 4 == 0 else ("app", resident)
        else:
            channel, reporter = "hotline", centre
        checker = worker if grid is home else centre
        case, _ = services.case_report(
            actor=reporter,
            channel=channel,
            category=category,
            description=description,
            lon=grid.centroid_lon + rng.uniform(-0.0005, 0.0005),
            lat=grid.centroid_lat + rng.uniform(-0.0005, 0.0005),
            answers=answers,
            contact_phone=resident.phone if channel == "hotline" else "",
            at=at[0],
        )
        made += 1
        if final == "reported" and case.status == "reported":
            continue
        if case.status == "reported":
            if final == "rejected":
                services.case_reject(actor=worker, case=case, reason="经核实，问题已不存在。", at=at[1])
                continue
            case = services.case_verify(actor=worker, case=case, at=at[1])
        if final in ("submitted", "reported"):
            continue
        if final == "withdrawn":
            services.case_withdraw(actor=case.reporter, case=case, reason="已自行解决", at=at[2])
            continue
        if final == "rejected":
            services.case_reject(actor=centre, case=case, reason="不属于受理范围，已告知诉求人。", at=at[2])
            continue
        if final == "merged":
            into = (
                Case.objects.filter(status="dispatched", path__startswith=TAIPING).order_by("-number").first()
            )
            services.case_merge(actor=centre, case=case, into=into, note="与已派遣案件重复", at=at[2])
            continue
        case = services.case_accept(actor=centre, case=case, at=at[2])
        if final == "accepted":
            continue
        first = office if final != "redispatched" else bureau
        case = services.case_dispatch(actor=centre, case=case, units=[first], at=at[3])
        task = case.tasks.get()
        if final == "redispatched":
            services.task_return(
                actor=users["zhujian"], task=task, reason="属于街道城管职责，请改派城管办。", at=at[4]
            )
            case = services.case_dispatch(
                actor=centre, case=Case.objects.get(pk=case.pk), units=[office], at=at[5]
            )
            services.task_sign(actor=handler, task=case.tasks.get(unit=office), at=at[6])
            continue
        if final in ("dispatched",):
            continue
        task = services.task_sign(actor=handler, task=task, at=at[4])
        if final in ("signed", "overdue"):
            continue
        services.task_finish(
            actor=handler, task=task, note="已处置完毕。", photos=[_picture("after", i)], at=at[6]
        )
        case = Case.objects.get(pk=case.pk)
        if final == "handled":
            continue
        case = services.case_check(actor=checker, case=case, passed=True, at=at[7])
        if final == "checked":
            continue
        case = services.case_close(actor=centre, case=case, at=at[8])
        if final == "closed":
            continue
        rating = rng.choice(["satisfied", "satisfied", "satisfied", "basic", "unsatisfied"])
        # The resident rates in the app; hotline callers are asked by phone (回访) by the centre.
        rater = case.reporter if case.channel == "app" else centre
        services.case_rate(actor=rater, case=case, rating=rating, at=at[9])
    return made


def _patterns(users, grid, units) -> None:
    """The other dispatch patterns, under way: 太平街道 whistles two county bureaus (one has
    answered), a road collapse is a joint command led by the street office, and 盘山县 has
    ordered the winter heating check of its street offices and utilities (a live board)."""
    now = timezone.now()
    centre, county = users["taiping"], users["panshan"]
    handler, bureau_handler = users["chengguan"], users["zhujian"]
    housing, water = units["盘山县住房和城乡建设局"], units["盘山县水利局"]
    whistle = services.case_whistle(
        actor=centre,
        units=[housing, water],
        category=Category.objects.get(code="E0405"),
        title="张家村排水涵洞坍塌",
        description="村北排水涵洞坍塌，雨水倒灌农田，街道无力独自处置，请县住建局、水利局报到。",
        address="张家村村北排水渠",
        photos=[_picture("before", 31)],
        at=now - timedelta(days=1, hours=3),
    )
    task = whistle.tasks.get(unit=housing)
    services.task_sign(actor=bureau_handler, task=task, at=now - timedelta(days=1, hours=2))
    services.task_finish(
        actor=bureau_handler,
        task=Task.objects.get(pk=task.pk),
        note="已组织施工队临时加固涵洞，下周完成重建设计。",
        photos=[_picture("after", 32)],
        at=now - timedelta(hours=20),
    )
    services.task_assess(
        actor=centre,
        task=Task.objects.get(pk=task.pk),
        rating="satisfied",
        comment="当天到场，处置及时。",
        at=now - timedelta(hours=19),
    )
    services.task_assess(
        actor=bureau_handler,
        task=Task.objects.get(pk=task.pk),
        rating="satisfied",
        comment="问题描述清楚，现场有人对接。",
        by_unit=True,
        at=now - timedelta(hours=18),
    )
    joint, _ = services.case_report(
        actor=users["mengqian"],
        channel="patrol",
        category=Category.objects.get(code="C0201"),
        description="村道塌陷约6平方米，下方供水管破裂。",
        lon=grid.centroid_lon,
        lat=grid.centroid_lat,
        answers={"area_m2": 6, "blocks_traffic": True},
        photos=[_picture("before", 33)],
        at=now - timedelta(hours=5),
    )
    joint = services.case_accept(actor=centre, case=joint, at=now - timedelta(hours=4, minutes=50))
    office = units["太平街道城市管理办公室"]
    services.case_dispatch(
        actor=centre,
        case=joint,
        units=[office, housing],
        lead=office,
        instructions="城管办牵头围挡并恢复路面，住建局协办修复管线。",
        at=now - timedelta(hours=4, minutes=45),
    )
    services.task_sign(actor=handler, task=joint.tasks.get(unit=office), at=now - timedelta(hours=4))
    directive = services.directive_issue(
        actor=county,
        unit_kinds=["street_office", "utility"],
        category=Category.objects.get(code="W0101"),
        title="冬季供暖设施安全排查",
        description="各单位于本周内完成辖区供暖管线、换热站和老旧小区供暖设施排查，上传排查照片。",
        due_at=now + timedelta(days=3),
        at=now - timedelta(days=2),
    )
    task = directive.tasks.get(unit=office)
    services.task_sign(actor=handler, task=task, at=now - timedelta(days=2) + timedelta(hours=1))
    services.task_finish(
        actor=handler,
        task=Task.objects.get(pk=task.pk),
        note="排查供暖管线12处、老旧小区3个，整改隐患2处。",
        photos=[_picture("after", 34)],
        at=now - timedelta(days=1),
    )
