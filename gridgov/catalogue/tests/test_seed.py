from django.apps import apps

from gridgov.catalogue.models import Category, CategoryKind, SlaPolicy, Stage, Urgency, question_errors
from gridgov.catalogue.seed import MAJORS, SUBCATEGORIES, seed_apply


def test_migrations_seed_every_major_and_at_least_40_subcategories(db):
    # Given a freshly migrated database
    majors = Category.objects.filter(parent__isnull=True)
    subs = Category.objects.filter(parent__isnull=False).select_related("parent")
    # Then the twelve majors are there, six of each kind
    assert sorted(majors.values_list("code", "name")) == sorted((c, n) for c, n, _ in MAJORS)
    assert majors.filter(kind=CategoryKind.EVENT).count() == 6
    assert majors.filter(kind=CategoryKind.COMPONENT).count() == 6
    # And at least 40 subcategories, every one under the major its code names, with its kind
    assert subs.count() == len(SUBCATEGORIES) >= 40
    for sub in subs:
        assert sub.code[:3] == sub.parent.code and sub.kind == sub.parent.kind
        assert sub.keyword_list
    # And every major has subcategories
    assert set(subs.values_list("parent__code", flat=True)) == {c for c, _, _ in MAJORS}


def test_seed_includes_the_common_cases_with_sensible_urgency_and_valid_questions(db):
    names = dict(Category.objects.values_list("name", "parent__name"))
    for name, major in [
        ("破损路面/彩砖", "道路交通"),
        ("井盖缺失/破损", "公用设施"),
        ("路灯不亮", "公用设施"),
        ("垃圾满溢", "市容环境"),
        ("暴露垃圾", "市容环境"),
        ("占道经营", "街面秩序"),
        ("违章搭建", "市容环境"),
        ("乱贴乱画/小广告", "宣传广告"),
        ("道路积水", "突发事件"),
        ("树木倒伏", "园林绿化"),
        ("绿地破坏", "园林绿化"),
        ("施工扰民", "施工管理"),
        ("渣土撒漏", "施工管理"),
        ("消防通道堵塞", "街面秩序"),
        ("违规停车", "街面秩序"),
        ("燃气/管道泄漏", "突发事件"),
        ("房屋安全隐患", "房屋土地"),
    ]:
        assert names[name] == major, name
    assert Category.objects.get(name="燃气/管道泄漏").default_urgency == Urgency.CRITICAL
    road = Category.objects.get(name="破损路面/彩砖")
    assert {(q["key"], q["type"]) for q in road.questions} == {
        ("area_m2", "number"),
        ("blocks_traffic", "yesno"),
    }
    manhole = Category.objects.get(name="井盖缺失/破损")
    assert manhole.questions[0]["type"] == "choice" and "雨水" in manhole.questions[0]["choices"]
    for category in Category.objects.all():
        assert question_errors(category.questions) == [], category.code


def test_every_urgency_and_stage_has_a_default_policy_tighter_when_more_urgent(db):
    defaults = {(p.urgency, p.stage): p for p in SlaPolicy.objects.filter(category__isnull=True)}
    assert set(defaults) == {(u, s) for u in Urgency.values for s in Stage.values}
    for stage in Stage.values:
        normal, urgent, critical = (defaults[(u, stage)].limit_minutes for u in Urgency.values)
        assert normal > urgent > critical > 0
    assert all(p.warn_ratio == 0.8 for p in defaults.values())


def test_seeding_again_adds_nothing_and_keeps_edits(db):
    # Given an administrator edited a seeded category and a default limit
    Category.objects.filter(code="C0201").update(name="道路破损")
    SlaPolicy.objects.filter(category__isnull=True, urgency="normal", stage="handle").update(
        limit_minutes=900
    )
    before = (Category.objects.count(), SlaPolicy.objects.count())
    # When the seed is applied again
    created = seed_apply(apps)
    # Then nothing is created and the edits stay
    assert created == {"categories": 0, "sla_policies": 0}
    assert (Category.objects.count(), SlaPolicy.objects.count()) == before
    assert Category.objects.get(code="C0201").name == "道路破损"
    assert SlaPolicy.objects.get(category=None, urgency="normal", stage="handle").limit_minutes == 900


def test_seeding_restores_a_missing_row(db):
    # Given a default policy was deleted
    SlaPolicy.objects.filter(category__isnull=True, urgency="critical", stage="sign").delete()
    # When the seed is applied again, it comes back
    assert seed_apply(apps) == {"categories": 0, "sla_policies": 1}
    assert SlaPolicy.objects.get(category=None, urgency="critical", stage="sign").limit_minutes == 20
