import pytest

from gridgov.catalogue.models import Category, SlaPolicy
from gridgov.catalogue.selectors import (
    CATALOGUE,
    categories_reportable,
    category_active,
    category_get,
    routing_suggest,
    sla_policies,
    sla_policy,
)
from gridgov.catalogue.services import routing_rule_set, sla_policy_set
from gridgov.core.cached import generation_bump
from gridgov.core.errors import NotFound


def codes(qs) -> list[str]:
    return [c.code for c in qs]


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("井盖", "C0101"),  # name
        ("c0201", "C0201"),  # code, any case
        ("牛皮癣", "E0201"),  # keyword
        ("红绿灯", "C0202"),  # keyword
        ("燃气 泄漏", "E0401"),  # every term must match
        ("lj", "E0101"),  # the pinyin initials of 垃圾 (暴露垃圾)
        ("JG", "C0101"),  # … of 井盖, any case
        ("yllh", "C0401"),  # … of its major, 园林绿化 (树木倒伏)
        ("jg qs", "C0101"),  # every term, initials too
    ],
)
def test_search_matches_name_code_and_keywords(db, q, expected):
    assert expected in codes(categories_reportable(q=q))


def test_search_by_major_name_lists_its_subcategories(db):
    # When searching by a major's name
    found = codes(categories_reportable(q="园林绿化"))
    # Then every subcategory of 园林绿化 is found, and no major is ever listed
    assert set(Category.objects.filter(parent__code="C04").values_list("code", flat=True)) <= set(found)
    assert all(len(code) == 5 for code in found)


def test_reportable_is_active_subcategories_of_active_majors_in_one_query(db, django_assert_num_queries):
    # Given one subcategory switched off and one major switched off
    Category.objects.filter(code="E0501").update(is_active=False)
    Category.objects.filter(code="C06").update(is_active=False)
    # When listing, with the majors read alongside
    with django_assert_num_queries(1):
        rows = list(categories_reportable())
        majors = {c.parent.code for c in rows}
    # Then neither the switched-off subcategory nor those of the switched-off major are there
    found = codes(rows)
    assert "E0501" not in found
    assert not [c for c in found if c.startswith("C06")]
    assert "C06" not in majors and "E05" in majors
    # And they come in catalogue order, grouped by major
    assert found[0].startswith("E01")


def test_search_with_no_match_is_empty(db):
    assert list(categories_reportable(q="不存在的东西")) == []
    assert list(categories_reportable(q="xqzx")) == []


def test_a_pinyin_search_takes_one_query_more(db, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert "C0101" in codes(categories_reportable(q="jg"))
    with django_assert_num_queries(1):
        assert "C0101" in codes(categories_reportable(q="井盖"))


def test_category_get_by_code_or_404(db):
    category = category_get(code=" c0101 ")
    assert category.name == "井盖缺失/破损" and category.parent.code == "C01"
    assert category.is_reportable
    with pytest.raises(NotFound):
        category_get(code="X9999")


# --- routing ------------------------------------------------------------------------------


@pytest.fixture
def cats(db):
    return Category.objects.select_related("parent").in_bulk(
        ["C02", "C0201", "C0202", "E01"], field_name="code"
    )


def test_routing_most_specific_area_wins(territory, attached, cats):
    # Given roads are the county bureau's, but within 太平街道 the street office's
    routing_rule_set(category=cats["C02"], area=territory.county, handling_unit=attached["bureau"])
    routing_rule_set(category=cats["C02"], area=territory.street, handling_unit=attached["office"])
    # Then a pothole in a 张家村 grid goes to the street office
    assert routing_suggest(category=cats["C0201"], path=territory.grid3.path) == attached["office"]
    # And one in the sibling street goes to the county bureau
    assert routing_suggest(category=cats["C0201"], path=territory.sibling_street.path) == attached["bureau"]
    # And one in another county has no default unit
    assert routing_suggest(category=cats["C0201"], path=territory.sibling_county.path + "001") is None


def test_routing_subcategory_rule_beats_major_rule_at_the_same_area(territory, attached, cats):
    # Given roads within the street are the street office's, but traffic lights the bureau's
    routing_rule_set(category=cats["C02"], area=territory.street, handling_unit=attached["office"])
    routing_rule_set(category=cats["C0202"], area=territory.street, handling_unit=attached["bureau"])
    # Then traffic lights go to the bureau and potholes fall back to the major's rule
    assert routing_suggest(category=cats["C0202"], path=territory.grid.path) == attached["bureau"]
    assert routing_suggest(category=cats["C0201"], path=territory.grid.path) == attached["office"]


def test_routing_more_specific_area_beats_subcategory_rule(territory, attached, cats):
    # Given a county rule for traffic lights and a street rule for the whole major
    routing_rule_set(category=cats["C0202"], area=territory.county, handling_unit=attached["bureau"])
    routing_rule_set(category=cats["C02"], area=territory.street, handling_unit=attached["office"])
    # Then within the street the street's major rule wins
    assert routing_suggest(category=cats["C0202"], path=territory.village.path) == attached["office"]


def test_routing_skips_inactive_units_and_other_categories(
    territory, attached, cats, django_assert_num_queries
):
    # Given the street office is inactive and the county bureau covers roads
    routing_rule_set(category=cats["C02"], area=territory.county, handling_unit=attached["bureau"])
    routing_rule_set(category=cats["C02"], area=territory.street, handling_unit=attached["office"])
    routing_rule_set(category=cats["E01"], area=territory.grid, handling_unit=attached["office"])
    attached["office"].is_active = False
    attached["office"].save()
    # Then the bureau is suggested, in one query
    with django_assert_num_queries(1):
        unit = routing_suggest(category=cats["C0201"], path=territory.grid.path)
    assert unit == attached["bureau"]


def test_routing_rule_set_is_an_upsert(territory, attached, cats):
    first = routing_rule_set(category=cats["C02"], area=territory.street, handling_unit=attached["office"])
    second = routing_rule_set(category=cats["C02"], area=territory.street, handling_unit=attached["bureau"])
    assert first.pk == second.pk and second.handling_unit == attached["bureau"]
    assert second.area_path == territory.street.path


# --- SLA ----------------------------------------------------------------------------------


def test_sla_policy_falls_back_from_category_to_major_to_default(db, django_assert_num_queries):
    pothole = Category.objects.select_related("parent").get(code="C0201")
    lights = Category.objects.select_related("parent").get(code="C0202")
    default = SlaPolicy.objects.get(category=None, urgency="normal", stage="handle")
    # Given only the default, the default applies
    with django_assert_num_queries(1):
        assert sla_policy(category=pothole, urgency="normal", stage="handle") == default
    with django_assert_num_queries(0):  # kept in the cache
        assert sla_policy(category=pothole, urgency="normal", stage="handle") == default
    # Given a policy for the major 道路交通, it applies to its subcategories
    major = sla_policy_set(category=pothole.parent, urgency="normal", stage="handle", limit_minutes=1350)
    assert sla_policy(category=pothole, urgency="normal", stage="handle") == major
    assert sla_policy(category=lights, urgency="normal", stage="handle") == major
    # Given a policy for the subcategory itself, it wins for that subcategory only
    own = sla_policy_set(
        category=pothole, urgency="normal", stage="handle", limit_minutes=900, warn_ratio=0.5
    )
    assert sla_policy(category=pothole, urgency="normal", stage="handle") == own
    assert sla_policy(category=lights, urgency="normal", stage="handle") == major
    assert own.warn_minutes == 450
    # And other urgencies and stages still use the default
    assert sla_policy(category=pothole, urgency="urgent", stage="handle").category is None


def test_an_active_category_is_kept_in_the_cache_until_it_changes(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert category_active(" c0201 ").name == "破损路面/彩砖"
    with django_assert_num_queries(0):
        assert category_active("C0201").parent.code == "C02"
    # When an administrator renames it (saved through the ORM), it is read afresh at once
    category = Category.objects.get(code="C0201")
    category.name = "道路破损"
    category.save()
    assert category_active("C0201").name == "道路破损"
    # and a bulk change is seen once its generation is bumped
    Category.objects.filter(code="C0201").update(is_active=False)
    generation_bump(CATALOGUE)
    assert category_active("C0201") is None and category_active("NOPE") is None


def test_sla_policy_is_none_without_any_policy(db):
    SlaPolicy.objects.all().delete()
    assert sla_policy(category=Category.objects.get(code="C0201"), urgency="normal", stage="accept") is None


def test_sla_policies_resolves_every_stage_in_one_query(db, django_assert_num_queries):
    pothole = Category.objects.select_related("parent").get(code="C0201")
    sla_policy_set(category=pothole.parent, urgency="urgent", stage="handle", limit_minutes=300)
    sla_policy_set(category=pothole, urgency="urgent", stage="sign", limit_minutes=45)
    with django_assert_num_queries(1):
        policies = sla_policies(category=pothole, urgency="urgent")
    limits = {stage: p.limit_minutes for stage, p in policies.items()}
    assert limits == {"accept": 30, "dispatch": 30, "sign": 45, "handle": 300, "verify": 120}
