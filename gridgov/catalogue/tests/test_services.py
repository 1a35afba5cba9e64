import pytest
from django.utils import translation

from gridgov.catalogue.models import Category, SlaPolicy, question_errors
from gridgov.catalogue.services import category_create, routing_rule_set, sla_policy_set
from gridgov.core.errors import ValidationFailed


def fields_of(excinfo) -> set[str]:
    return set(excinfo.value.fields)


def test_category_create_adds_a_subcategory_with_questions(db):
    # Given the major 街面秩序
    major = Category.objects.get(code="E05")
    # When an administrator adds a subcategory with a question
    category = category_create(
        code="e0590",
        name="宠物扰民",
        parent=major,
        keywords="宠物 狗 遛狗 不拴绳",
        questions=[{"key": "dog_leashed", "label": "是否拴绳", "type": "yesno"}],
    )
    # Then it takes the major's kind, an upper-case code and is reportable
    category.refresh_from_db()
    assert (category.code, category.kind, category.is_reportable) == ("E0590", "event", True)
    assert category.keyword_list == ["宠物", "狗", "遛狗", "不拴绳"]


def test_category_create_adds_a_major_taking_the_kind_from_the_code(db):
    category = category_create(code="C07", name="扩展部件")
    assert category.kind == "component" and category.is_major and not category.is_reportable


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "E0101", "name": "重复"}, "code"),  # already exists
        ({"code": "E0199", "name": "错号", "parent_code": "C01"}, "code"),  # not under its major's code
        ({"code": "E0199", "name": "错类", "parent_code": "E01", "kind": "component"}, "kind"),
        ({"code": "E019", "name": "短号", "parent_code": "E01"}, "code"),
        ({"code": "X01", "name": "未知"}, "code"),
        ({"code": "E010199", "name": "三级", "parent_code": "E0101"}, "parent"),  # no third level
        ({"code": "E0199", "name": "", "parent_code": "E01"}, "name"),
        ({"code": "E0199", "name": "问", "parent_code": "E01", "questions": [{"key": "a"}]}, "questions"),
    ],
)
def test_category_create_refuses_bad_input(db, kwargs, field):
    parent_code = kwargs.pop("parent_code", None)
    parent = Category.objects.get(code=parent_code) if parent_code else None
    with pytest.raises(ValidationFailed) as excinfo:
        category_create(parent=parent, **kwargs)
    assert field in fields_of(excinfo)
    assert not Category.objects.filter(name=kwargs["name"]).exclude(code="E0101").exists()


@pytest.mark.parametrize(
    ("questions", "fragment"),
    [
        ({"key": "a"}, "must be a list"),
        (["text"], "must be an object"),
        ([{"key": "A b", "label": "面积", "type": "number"}], "snake_case"),
        ([{"key": "a", "label": "", "type": "number"}], "label"),
        ([{"key": "a", "label": "面积", "type": "date"}], "type must be one of"),
        ([{"key": "a", "label": "类型", "type": "choice"}], "needs a list"),
        ([{"key": "a", "label": "类型", "type": "choice", "choices": ["x", "x"]}], "needs a list"),
        ([{"key": "a", "label": "面积", "type": "number", "choices": ["1"]}], "only choice"),
        ([{"key": "a", "label": "面积", "type": "number", "required": "yes"}], "required"),
        ([{"key": "a", "label": "面积", "type": "number", "unit": "m2"}], "unknown entries unit"),
        (
            [
                {"key": "a", "label": "面积", "type": "number"},
                {"key": "a", "label": "宽度", "type": "number"},
            ],
            "used twice",
        ),
    ],
)
def test_question_shape_is_validated(questions, fragment):
    with translation.override("en"):
        errors = question_errors(questions)
    assert errors and fragment in " ".join(errors)


def test_well_formed_questions_pass():
    assert (
        question_errors(
            [
                {"key": "area_m2", "label": "破损面积", "type": "number"},
                {
                    "key": "kind",
                    "label": "类型",
                    "type": "choice",
                    "choices": ["雨水", "污水"],
                    "required": True,
                },
                {"key": "note", "label": "说明", "type": "text", "choices": []},
                {"key": "blocks", "label": "是否影响通行", "type": "yesno", "required": False},
            ]
        )
        == []
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"urgency": "whenever"}, "urgency"),
        ({"stage": "ponder"}, "stage"),
        ({"limit_minutes": 0}, "limit_minutes"),
        ({"limit_minutes": -5}, "limit_minutes"),
        ({"limit_minutes": 1.5}, "limit_minutes"),
        ({"limit_minutes": True}, "limit_minutes"),
        ({"warn_ratio": 0}, "warn_ratio"),
        ({"warn_ratio": 1}, "warn_ratio"),
        ({"warn_ratio": 1.2}, "warn_ratio"),
        ({"warn_ratio": "0.8"}, "warn_ratio"),
    ],
)
def test_sla_policy_set_refuses_bad_input(db, kwargs, field):
    args = {"category": None, "urgency": "normal", "stage": "accept", "limit_minutes": 60, "warn_ratio": 0.8}
    before = list(SlaPolicy.objects.values_list("pk", "limit_minutes", "warn_ratio"))
    with pytest.raises(ValidationFailed) as excinfo:
        sla_policy_set(**{**args, **kwargs})
    assert fields_of(excinfo) == {field}
    assert list(SlaPolicy.objects.values_list("pk", "limit_minutes", "warn_ratio")) == before


def test_sla_policy_set_updates_the_default_in_place(db):
    # When the default normal accept limit is changed
    count = SlaPolicy.objects.count()
    policy = sla_policy_set(
        category=None, urgency="normal", stage="accept", limit_minutes=45, warn_ratio=0.75
    )
    # Then the one default row is updated, none added
    assert SlaPolicy.objects.count() == count
    assert SlaPolicy.objects.get(category=None, urgency="normal", stage="accept") == policy
    assert (policy.limit_minutes, policy.warn_ratio, policy.warn_minutes) == (45, 0.75, 33)


def test_routing_rule_set_refuses_a_unit_that_does_not_cover_the_area(territory, attached):
    category = Category.objects.get(code="C02")
    # A street office cannot be the default for the whole county
    with pytest.raises(ValidationFailed) as excinfo:
        routing_rule_set(category=category, area=territory.county, handling_unit=attached["office"])
    assert fields_of(excinfo) == {"handling_unit"}
    # Nor for a neighbouring street
    with pytest.raises(ValidationFailed):
        routing_rule_set(category=category, area=territory.sibling_street, handling_unit=attached["office"])
    # Nor may an inactive unit be named
    attached["bureau"].is_active = False
    attached["bureau"].save()
    with pytest.raises(ValidationFailed):
        routing_rule_set(category=category, area=territory.street, handling_unit=attached["bureau"])
    assert not category.routing_rules.exists()
