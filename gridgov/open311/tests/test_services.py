"""GET services and services/{code}: the reportable categories, and their extra questions as
attributes in all six datatypes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.catalogue.models import REPORTABLE_KINDS, Category


def test_services_list_every_reportable_category(o311):
    # given the seeded catalogue, one major switched off
    Category.objects.filter(code="C05").update(is_active=False)
    with CaptureQueriesContext(connection) as queries:
        services = o311.get("services").body
    assert len(queries) == 1
    codes = [s["service_code"] for s in services]
    reportable = Category.objects.filter(
        parent__isnull=False, is_active=True, parent__is_active=True, kind__in=REPORTABLE_KINDS
    )
    assert sorted(codes) == sorted(reportable.values_list("code", flat=True))
    assert not any(code.startswith("C05") for code in codes)
    pavement = next(s for s in services if s["service_code"] == "C0201")
    assert pavement == {
        "service_code": "C0201",
        "service_name": "破损路面/彩砖",
        "description": "道路交通 · 破损路面/彩砖",
        "metadata": True,
        "type": "realtime",
        "keywords": pavement["keywords"],
        "group": "道路交通",
    }
    assert "彩砖" in pavement["keywords"]
    xml = o311.get("services", "xml").body
    assert len(xml.findall("service")) == len(codes)
    assert xml.find("service/metadata").text in ("true", "false")


def test_a_service_definition_has_all_six_datatypes(o311, all_types):
    definition = o311.get("services/C0299").body
    assert definition["service_code"] == "C0299"
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert {a["datatype"] for a in attributes.values()} == {
        "string",
        "text",
        "number",
        "datetime",
        "singlevaluelist",
        "multivaluelist",
    }
    assert [a["order"] for a in definition["attributes"]] == list(range(1, 8))
    assert attributes["kind"]["required"] is True and attributes["pole"]["required"] is False
    assert attributes["kind"]["values"] == [{"key": "甲", "name": "甲"}, {"key": "乙", "name": "乙"}]
    assert attributes["urgent"]["values"] == [{"key": "true", "name": "是"}, {"key": "false", "name": "否"}]
    assert (
        attributes["waste"]["datatype"] == "multivaluelist"
        and "attribute[waste][]" in (attributes["waste"]["datatype_description"])
    )
    assert attributes["count"]["values"] == [] and attributes["seen_at"]["description"] == "发现时间"
    assert all(a["variable"] is True for a in attributes.values())
    xml = o311.get("services/C0299", "xml").body
    values = xml.findall("attributes/attribute[code='kind']/values/value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [("甲", "甲"), ("乙", "乙")]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_singular_path_answers_for_older_clients(o311, fmt):
    assert o311.get("service/C0201", fmt).status == 200


@pytest.mark.parametrize("code", ["NOPE", "C02", "c0201x"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_or_unreportable_service_is_a_404(o311, code, fmt):
    answer = o311.get(f"services/{code}", fmt)
    assert answer.status == 404 and answer.errors[0].startswith("service_code:")


def test_a_category_without_questions_has_no_attributes(o311):
    body = o311.get("services/C0202").body
    assert body == {"service_code": "C0202", "attributes": []}
    assert o311.get("services/C0202", "xml").body.find("attributes") is not None
