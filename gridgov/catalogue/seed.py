"""Reference data loaded by migrations: the categories after GB/T 30428.2 (数字化城市管理
部件和事件分类) as practised by city-management and 12345 platforms, and the default SLA
limits. Needed in production, so it is a migration, not demo data.

``seed_apply`` is idempotent and never overwrites: it creates the categories (by code) and
default policies (by urgency × stage) that are missing and leaves existing rows, which
administrators may have edited, as they are. A later change to this data ships as a new
migration that calls ``seed_apply`` again; a question added to an existing category ships as a
migration that calls ``seed_questions_add`` with its code and key (``QUESTIONS_0004``).

SLA limits are in working minutes on the work calendar (特急 ones around the clock). With the
default working hours (``GRIDGOV_WORK_HOURS`` 08:30–12:00, 13:30–17:30) a working day has 450
working minutes.
"""

# (code, name, keywords) of the majors; the kind follows from the code's first letter.
MAJORS = [
    ("E01", "市容环境", "市容 环境 卫生 垃圾"),
    ("E02", "宣传广告", "广告 宣传 张贴"),
    ("E03", "施工管理", "施工 工地 工程"),
    ("E04", "突发事件", "突发 抢险 险情 应急"),
    ("E05", "街面秩序", "秩序 占道 摊贩 停车"),
    ("E06", "其他事件", "其他"),
    ("C01", "公用设施", "设施 井盖 路灯 管线"),
    ("C02", "道路交通", "道路 交通 马路"),
    ("C03", "市容环境", "市容 环卫 垃圾桶 公厕"),
    ("C04", "园林绿化", "绿化 树木 绿地 公园"),
    ("C05", "房屋土地", "房屋 土地 建筑"),
    ("C06", "其他设施", "其他"),
    # Not reported by residents: the types of an enterprise's demand (企业需求·党政呼应) and the
    # kinds of work a directive (上级号召) orders.
    ("D01", "企业需求", "企业 助企 营商环境"),
    ("W01", "上级号召", "号召 部署 专项 行动"),
]


def _q(key, label, kind, *, choices=None, required=False):
    question = {"key": key, "label": label, "type": kind, "required": required}
    if choices:
        question["choices"] = choices
    return question


BLOCKS_TRAFFIC = _q("blocks_traffic", "是否影响通行", "yesno", required=True)
WASTE_KINDS = _q(
    "waste_kinds",
    "垃圾种类",
    "multichoice",
    choices=["生活垃圾", "建筑垃圾", "大件垃圾", "园林垃圾", "其他"],
    required=True,
)

# (code, name, default urgency, keywords, extra questions); the major is the code's first three
# characters.
SUBCATEGORIES = [
    # 公用设施
    (
        "C0101",
        "井盖缺失/破损",
        "urgent",
        "井盖 窨井 检查井 下水井 雨水井 污水井 井盖丢失 井盖破损 井圈 雨水箅子",
        [
            _q(
                "manhole_type",
                "井盖类型",
                "choice",
                choices=["上水", "污水", "雨水", "电力", "通信", "燃气", "热力", "不清楚"],
                required=True,
            ),
            _q(
                "damage",
                "井盖情况",
                "choice",
                choices=["缺失", "破损", "松动/移位", "下沉/凸起"],
                required=True,
            ),
            _q("on_roadway", "是否位于机动车道", "yesno"),
        ],
    ),
    (
        "C0102",
        "路灯不亮",
        "normal",
        "路灯 灯不亮 路灯坏 路灯损坏 照明 灯杆 夜里黑",
        [
            _q("lamp_count", "不亮的路灯数量", "number"),
            _q("pole_number", "灯杆编号（如有）", "text"),
        ],
    ),
    ("C0103", "消防栓损坏/漏水", "urgent", "消防栓 消火栓 漏水 撞坏", []),
    ("C0104", "电力/通信设施损坏", "urgent", "电线杆 电箱 配电箱 变压器 电线 线缆 飞线 通信箱 光缆 垂落", []),
    # 道路交通
    (
        "C0201",
        "破损路面/彩砖",
        "normal",
        "路面破损 坑洼 坑槽 裂缝 彩砖 步道砖 人行道砖 地砖 松动 盲道",
        [_q("area_m2", "破损面积（平方米）", "number"), BLOCKS_TRAFFIC],
    ),
    ("C0202", "交通信号灯故障", "urgent", "红绿灯 信号灯 交通灯 不亮 故障 黄灯闪", []),
    ("C0203", "交通标志/标线损坏", "normal", "交通标志 指示牌 路名牌 标线 斑马线 模糊", []),
    ("C0204", "道路护栏损坏", "normal", "护栏 隔离栏 隔离墩 防撞桶 栏杆", []),
    ("C0205", "公交站亭损坏", "normal", "公交站 站亭 候车亭 站牌", []),
    # 市容环境 (部件)
    ("C0301", "垃圾满溢", "normal", "垃圾桶 垃圾箱 果皮箱 满溢 溢出 满了 没人清", []),
    ("C0302", "垃圾箱损坏/缺失", "normal", "垃圾桶 垃圾箱 果皮箱 损坏 缺失 破损", []),
    ("C0303", "公厕设施损坏", "normal", "公厕 厕所 公共厕所 堵塞 不开门 无水", []),
    ("C0304", "广告牌匾破损/脱落隐患", "urgent", "广告牌 牌匾 招牌 灯箱 松动 脱落 摇晃", []),
    # 园林绿化
    (
        "C0401",
        "树木倒伏",
        "urgent",
        "倒树 大树倒 树倒了 树枝折断 断枝 倒伏 歪倒",
        [BLOCKS_TRAFFIC, _q("hit_something", "是否压到车辆、电线或房屋", "yesno")],
    ),
    ("C0402", "绿地破坏", "normal", "绿地 草坪 踩踏 毁绿 黄土裸露 种菜 毁坏绿化", []),
    ("C0403", "行道树枯死/缺株", "normal", "行道树 枯死 死树 缺株 树坑", []),
    ("C0404", "健身/游乐设施损坏", "normal", "健身器材 游乐设施 滑梯 秋千 座椅 长椅", []),
    # 房屋土地
    (
        "C0501",
        "房屋安全隐患",
        "urgent",
        "危房 房屋 墙体开裂 裂缝 外墙脱落 墙皮脱落 倾斜 漏雨 屋顶",
        [
            _q(
                "part",
                "隐患部位",
                "choice",
                choices=["墙体", "屋顶", "外墙饰面", "阳台/雨篷", "地基", "其他"],
                required=True,
            ),
            _q("occupied", "是否有人居住", "yesno", required=True),
        ],
    ),
    ("C0502", "围墙破损/倒塌", "urgent", "围墙 院墙 倒塌 坍塌 破损 歪斜", []),
    ("C0503", "宣传栏损坏", "normal", "宣传栏 公告栏 橱窗 阅报栏", []),
    # 其他设施
    ("C0601", "监控设施损坏", "normal", "监控 摄像头 探头 天网", []),
    ("C0602", "电动车充电设施损坏", "normal", "充电桩 充电棚 充电柜 电动车充电", []),
    # 市容环境 (事件)
    ("E0101", "暴露垃圾", "normal", "垃圾 乱倒 乱扔 垃圾堆 生活垃圾 随意丢弃", [WASTE_KINDS]),
    (
        "E0102",
        "违章搭建",
        "normal",
        "违建 私搭乱建 搭建 违章建筑 彩钢房 加盖 圈占",
        [
            _q("ongoing", "是否正在施工", "yesno", required=True),
            _q("location", "搭建位置（楼顶、院内、公共绿地等）", "text"),
        ],
    ),
    ("E0103", "道路不洁", "normal", "路面脏 油污 泥土 清扫 道路脏", []),
    ("E0104", "积存渣土/建筑垃圾", "normal", "渣土 建筑垃圾 装修垃圾 堆放", []),
    ("E0105", "废弃车辆", "normal", "僵尸车 废弃车辆 长期停放 报废车", []),
    ("E0106", "水域不洁", "normal", "河道 水面 漂浮物 水体发臭 垃圾 沟渠", []),
    # 宣传广告
    ("E0201", "乱贴乱画/小广告", "normal", "小广告 牛皮癣 乱贴 乱画 涂鸦 喷涂 办证 张贴", []),
    ("E0202", "违规户外广告", "normal", "户外广告 违规广告 擅自设置 大型广告", []),
    ("E0203", "占道广告牌/横幅", "normal", "横幅 条幅 落地广告牌 立式广告 拱门 占道", []),
    # 施工管理
    (
        "E0301",
        "施工扰民",
        "normal",
        "施工 噪音 噪声 夜间施工 扰民 吵",
        [
            _q("at_night", "是否夜间施工（22时至次日6时）", "yesno", required=True),
            _q("happened_at", "扰民施工发生的时间", "datetime"),
        ],
    ),
    ("E0302", "渣土撒漏", "urgent", "渣土车 撒漏 遗撒 抛洒 泥土 带泥上路", []),
    ("E0303", "工地扬尘", "normal", "扬尘 灰尘 未苫盖 裸土 未围挡", []),
    ("E0304", "道路挖掘未恢复", "normal", "挖掘 开挖 占道施工 未恢复 回填 围挡", []),
    # 突发事件
    (
        "E0401",
        "燃气/管道泄漏",
        "critical",
        "燃气 煤气 天然气 液化气 漏气 泄漏 燃气味 管道",
        [
            _q(
                "location",
                "泄漏位置",
                "choice",
                choices=["室外管道", "楼道/立管", "室内", "燃气井", "不清楚"],
                required=True,
            ),
            _q("smell", "是否闻到明显燃气味", "yesno"),
        ],
    ),
    (
        "E0402",
        "道路积水",
        "urgent",
        "积水 内涝 下雨 淹水 排水 雨水",
        [_q("depth_cm", "积水深度（厘米）", "number"), BLOCKS_TRAFFIC],
    ),
    ("E0403", "路面塌陷", "critical", "塌陷 地陷 坍塌 坑洞 下沉", [BLOCKS_TRAFFIC]),
    ("E0404", "供水管道破裂", "urgent", "自来水 水管 爆管 破裂 跑水 冒水 漏水 停水", []),
    ("E0405", "下水道堵塞/冒溢", "urgent", "下水道 堵塞 返水 冒水 污水外溢 化粪池", []),
    ("E0406", "道路积雪结冰", "urgent", "积雪 结冰 路滑 冰雪 除雪", []),
    # 街面秩序
    ("E0501", "占道经营", "normal", "摆摊 地摊 流动摊贩 游商 小贩 占道 早市 夜市", []),
    ("E0502", "店外经营", "normal", "出店经营 店外 门前 占用人行道 摆放商品", []),
    ("E0503", "违规停车", "normal", "乱停车 违停 违章停车 占用人行道 堵门 占用盲道", []),
    ("E0504", "非机动车乱停放", "normal", "共享单车 电动车 自行车 乱停 乱放", []),
    ("E0505", "消防通道堵塞", "urgent", "消防通道 生命通道 占用 堵塞 楼道堆物", []),
    ("E0506", "露天烧烤", "normal", "烧烤 油烟 露天 夜市", []),
    ("E0507", "占道堆物", "normal", "堆物 堆放 杂物 占道 乱堆", []),
    (
        "E0508",
        "流浪乞讨人员",
        "normal",
        "流浪 乞讨 露宿 救助",
        [_q("person", "人员情况（人数、性别、大致年龄、衣着、身体状况等）", "longtext")],
    ),
    # 其他事件
    ("E0601", "电动车飞线充电", "urgent", "飞线 充电 楼道 电动车 私拉电线", []),
    ("E0602", "其他问题", "normal", "其他 不知道 不清楚", []),
    # 企业需求
    ("D0101", "融资", "normal", "融资 贷款 资金 担保 授信", []),
    ("D0102", "用工", "normal", "用工 招聘 招工 社保 培训", []),
    ("D0103", "开工", "normal", "开工 复工 水电气 施工许可", []),
    ("D0104", "审批", "normal", "审批 办证 许可 备案 手续", []),
    ("D0105", "政策", "normal", "政策 补贴 减税 奖励 申报", []),
    ("D0106", "其他", "normal", "其他 诉求", []),
    # 上级号召
    ("W0101", "专项排查", "normal", "排查 隐患 检查 供暖", []),
    ("W0102", "集中行动", "normal", "集中 整治 行动 清理", []),
    ("W0103", "走访服务", "normal", "走访 入户 认证 慰问", []),
    ("W0104", "宣传动员", "normal", "宣传 动员 通知 告知", []),
    ("W0105", "其他部署", "normal", "其他 部署", []),
]

#: The questions migration 0004 adds to existing databases (category code → question keys), the
#: first users of the longtext, datetime and multichoice types.
QUESTIONS_0004 = {
    "E0101": ["waste_kinds"],
    "E0301": ["happened_at"],
    "E0508": ["person"],
}

# Default limits (category = null) in working minutes: (accept, dispatch, sign, handle, verify).
STAGES = ("accept", "dispatch", "sign", "handle", "verify")
DEFAULT_SLA = {
    # 一般: accepted and dispatched within an hour, signed within two, handled within five
    # working days (5 × 450), re-checked within one working day.
    "normal": (60, 60, 120, 2250, 450),
    # 紧急: half an hour to accept and dispatch, an hour to sign, one working day to handle,
    # two hours to re-check.
    "urgent": (30, 30, 60, 450, 120),
    # 特急: minutes to accept, dispatch and sign, four hours to make safe, an hour to
    # re-check — around the clock (see AROUND_THE_CLOCK).
    "critical": (10, 10, 20, 240, 60),
}
#: Urgencies whose default limits run around the clock rather than in working minutes.
AROUND_THE_CLOCK = {"critical"}
DEFAULT_WARN_RATIO = 0.8


def seed_apply(apps) -> dict[str, int]:
    """Create the missing seed categories and default SLA policies; return what was created.

    ``apps`` is a migration's app registry (or ``django.apps.apps``).
    """
    Category = apps.get_model("catalogue", "Category")
    SlaPolicy = apps.get_model("catalogue", "SlaPolicy")
    # Migrations before catalogue 0006 know only events and components: the rest waits for it.
    known = {value for value, _label in Category._meta.get_field("kind").choices}
    kinds = {
        prefix: kind
        for prefix, kind in {"E": "event", "C": "component", "D": "demand", "W": "directive"}.items()
        if kind in known
    }
    created = {"categories": 0, "sla_policies": 0}
    existing = set(Category.objects.values_list("code", flat=True))
    existing |= {code for code, *_rest in [*MAJORS, *SUBCATEGORIES] if code[0] not in kinds}
    for order, (code, name, keywords) in enumerate(MAJORS, start=1):
        if code not in existing:
            Category.objects.create(
                code=code, kind=kinds[code[0]], name=name, keywords=keywords, sort_order=order * 10
            )
            created["categories"] += 1
    majors = dict(Category.objects.filter(parent__isnull=True).values_list("code", "pk"))
    for order, (code, name, urgency, keywords, questions) in enumerate(SUBCATEGORIES, start=1):
        if code not in existing:
            Category.objects.create(
                code=code,
                kind=kinds[code[0]],
                name=name,
                parent_id=majors[code[:3]],
                keywords=keywords,
                questions=questions,
                default_urgency=urgency,
                sort_order=order * 10,
            )
            created["categories"] += 1
    defaults = set(SlaPolicy.objects.filter(category__isnull=True).values_list("urgency", "stage"))
    # Migrations before 0003 know no around-the-clock flag.
    has_clock = any(f.name == "around_the_clock" for f in SlaPolicy._meta.get_fields())
    for urgency, limits in DEFAULT_SLA.items():
        for stage, limit in zip(STAGES, limits, strict=True):
            if (urgency, stage) not in defaults:
                SlaPolicy.objects.create(
                    category=None,
                    urgency=urgency,
                    stage=stage,
                    limit_minutes=limit,
                    warn_ratio=DEFAULT_WARN_RATIO,
                    **({"around_the_clock": urgency in AROUND_THE_CLOCK} if has_clock else {}),
                )
                created["sla_policies"] += 1
    return created


def seed_questions_add(apps, wanted: dict[str, list[str]]) -> int:
    """Append the seed's questions named in ``wanted`` (category code → question keys) to those
    categories; return how many were added.

    Like ``seed_apply`` it never overwrites: a category that is missing or already has a
    question with that key (an administrator's own, maybe) is left as it is, so it is
    idempotent. ``apps`` is a migration's app registry (or ``django.apps.apps``).
    """
    Category = apps.get_model("catalogue", "Category")
    seeded = {code: {q["key"]: q for q in questions} for code, _n, _u, _k, questions in SUBCATEGORIES}
    added = 0
    for category in Category.objects.filter(code__in=wanted):
        questions = list(category.questions or [])
        keys = {q.get("key") for q in questions if isinstance(q, dict)}
        new = [dict(seeded[category.code][key]) for key in wanted[category.code] if key not in keys]
        if new:
            category.questions = questions + new
            category.save(update_fields=["questions"])
            added += len(new)
    return added
