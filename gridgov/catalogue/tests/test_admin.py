import pytest
from django.urls import reverse

from gridgov.catalogue.models import Category, RoutingRule, SlaPolicy
from gridgov.catalogue.services import routing_rule_set
from gridgov.orgs.tests.factories import make_user

MODELS = [Category, SlaPolicy, RoutingRule]


@pytest.fixture
def admin_client(client, territory, attached):
    routing_rule_set(
        category=Category.objects.get(code="C02"), area=territory.street, handling_unit=attached["office"]
    )
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_lists_search_and_forms_render(admin_client, model):
    assert admin_client.get(url(model, "changelist"), {"q": "道路"}).status_code == 200
    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "add")).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200


def test_category_changelist_filters_and_shows_chinese(admin_client):
    major = Category.objects.get(code="C02")
    response = admin_client.get(url(Category, "changelist"), {"major": major.pk, "level": "sub"})
    body = response.content.decode()
    assert "破损路面/彩砖" in body and "公交站亭损坏" in body and "井盖缺失/破损" not in body
    assert "部件" in body and "分类编码" in body


def test_category_form_refuses_malformed_questions(admin_client):
    major = Category.objects.get(code="C02")
    response = admin_client.post(
        url(Category, "add"),
        {
            "code": "C0299",
            "name": "测试",
            "kind": "component",
            "parent": major.pk,
            "default_urgency": "normal",
            "keywords": "",
            "questions": '[{"key": "a", "label": "类型", "type": "choice"}]',
            "is_active": "on",
            "sort_order": 0,
            **{
                f"{prefix}-{k}": v
                for prefix in ("sla_policies", "routing_rules")
                for k, v in MANAGEMENT.items()
            },
        },
    )
    assert response.status_code == 200
    assert "选项" in response.content.decode()
    assert not Category.objects.filter(code="C0299").exists()


MANAGEMENT = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def test_second_default_policy_for_the_same_urgency_and_stage_is_refused(admin_client):
    response = admin_client.post(
        url(SlaPolicy, "add"),
        {"urgency": "normal", "stage": "accept", "limit_minutes": 30, "warn_ratio": 0.8},
    )
    assert response.status_code == 200
    assert "已有" in response.content.decode()
    assert SlaPolicy.objects.filter(category=None, urgency="normal", stage="accept").count() == 1


def test_routing_rule_form_refuses_a_unit_that_does_not_cover_the_area(admin_client, territory, attached):
    response = admin_client.post(
        url(RoutingRule, "add"),
        {
            "category": Category.objects.get(code="E01").pk,
            "area": territory.county.pk,
            "handling_unit": attached["office"].pk,
            "note": "",
        },
    )
    assert response.status_code == 200
    assert not RoutingRule.objects.filter(area=territory.county).exists()
