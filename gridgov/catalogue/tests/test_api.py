import pytest

from gridgov.catalogue.models import REPORTABLE_KINDS, Category
from gridgov.catalogue.services import category_create
from gridgov.orgs.tests.factories import make_user


@pytest.fixture
def signed_in(client, db):
    client.force_login(make_user("resident"))
    return client


def test_anonymous_gets_401(client, db):
    response = client.get("/api/catalogue/categories")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_list_has_reportable_categories_with_major_urgency_and_questions(signed_in):
    body = signed_in.get("/api/catalogue/categories").json()
    assert len(body) == Category.objects.filter(parent__isnull=False, kind__in=REPORTABLE_KINDS).count()
    road = next(c for c in body if c["code"] == "C0201")
    assert road["name"] == "破损路面/彩砖"
    assert road["major"] == {"code": "C02", "name": "道路交通"}
    assert (road["kind"], road["kind_display"]) == ("component", "部件")
    assert (road["default_urgency"], road["default_urgency_display"]) == ("normal", "一般")
    assert "彩砖" in road["keywords"]
    assert road["questions"][0] == {
        "key": "area_m2",
        "label": "破损面积（平方米）",
        "type": "number",
        "choices": [],
        "required": False,
    }
    gas = next(c for c in body if c["code"] == "E0401")
    assert gas["default_urgency_display"] == "特急"


def test_questions_of_the_new_types_are_listed(signed_in):
    # Given the seeded categories, when the list is read
    body = {c["code"]: c for c in signed_in.get("/api/catalogue/categories").json()}
    # Then the multichoice, datetime and longtext questions come with their type (and choices)
    assert body["E0101"]["questions"] == [
        {
            "key": "waste_kinds",
            "label": "垃圾种类",
            "type": "multichoice",
            "choices": ["生活垃圾", "建筑垃圾", "大件垃圾", "园林垃圾", "其他"],
            "required": True,
        }
    ]
    assert body["E0301"]["questions"][1] == {
        "key": "happened_at",
        "label": "扰民施工发生的时间",
        "type": "datetime",
        "choices": [],
        "required": False,
    }
    assert body["E0508"]["questions"][0]["type"] == "longtext"


def test_list_searches(signed_in):
    body = signed_in.get("/api/catalogue/categories", {"q": "井盖"}).json()
    assert [c["code"] for c in body] == ["C0101"]
    assert signed_in.get("/api/catalogue/categories", {"q": "x" * 101}).status_code == 400


def test_list_query_count_does_not_grow_with_rows(signed_in, django_assert_num_queries):
    # (session, user, categories with their majors)
    with django_assert_num_queries(3):
        before = len(signed_in.get("/api/catalogue/categories").json())
    major = Category.objects.get(code="E05")
    for n in range(90, 99):
        category_create(code=f"E05{n}", name=f"测试{n}", parent=major)
    with django_assert_num_queries(3):
        after = len(signed_in.get("/api/catalogue/categories").json())
    assert after == before + 9


def test_detail_and_404(signed_in):
    assert signed_in.get("/api/catalogue/categories/C0101").json()["name"] == "井盖缺失/破损"
    assert signed_in.get("/api/catalogue/categories/c0101").status_code == 200
    unknown = signed_in.get("/api/catalogue/categories/X9999")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    # Majors and switched-off categories are not reportable
    assert signed_in.get("/api/catalogue/categories/C01").status_code == 404
    Category.objects.filter(code="C0102").update(is_active=False)
    assert signed_in.get("/api/catalogue/categories/C0102").status_code == 404
