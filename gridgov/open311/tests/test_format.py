"""The spec's shapes: XML well-formed with the declaration, elements in the order of the
GeoReport v2 examples, root elements present when empty, JSON lists for list answers, W3C
datetimes in UTC, and errors as ``<errors><error><code/><description/>``."""

import re
from datetime import UTC, datetime

import pytest

from gridgov.open311.render import Many, to_json, to_xml

# Element order of the GeoReport v2 examples (open311.org).
DISCOVERY = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT = ["specification", "url", "changeset", "type", "formats"]
SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
DEFINITION = ["service_code", "attributes"]
ATTRIBUTE = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
REQUEST = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
CREATED = ["service_request_id", "service_notice", "account_id"]
CREATED_WITH_TOKEN = ["token", "service_notice", "account_id"]
TOKEN = ["service_request_id", "token"]
ERROR = ["code", "description"]
W3C_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def tags(element) -> list[str]:
    return [child.tag for child in element]


def test_xml_has_the_declaration_and_escapes_text_and_drops_characters_xml_cannot_carry():
    # given text with markup and control characters (pasted from elsewhere)
    body = Many(
        "request",
        [{"description": "a < b & c\x00\x1b > d", "when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)}],
    )
    # when it is rendered
    xml = to_xml("service_requests", body)
    # then it is well-formed UTF-8 XML with the text intact but for the control characters
    assert xml.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    assert root.find("request/description").text == "a < b & c > d"
    assert root.find("request/when").text == "2026-01-02T03:04:05Z"


def test_an_empty_list_keeps_its_root_element_and_json_is_an_empty_list():
    assert to_xml("service_requests", Many("request", [])).endswith(b"<service_requests></service_requests>")
    assert to_json(Many("request", [])) == b"[]"


def test_discovery_in_both_formats(o311):
    xml = o311.get("discovery", "xml")
    assert xml.status == 200 and xml.response["Content-Type"] == "text/xml; charset=utf-8"
    assert xml.body.tag == "discovery" and tags(xml.body) == DISCOVERY
    endpoint = xml.body.find("endpoints/endpoint")
    assert tags(endpoint) == ENDPOINT
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert W3C_UTC.match(xml.body.findtext("changeset"))
    js = o311.get("discovery", "json")
    assert js.response["Content-Type"] == "application/json; charset=utf-8"
    assert list(js.body) == DISCOVERY and list(js.body["endpoints"][0]) == ENDPOINT
    # and the bare endpoint answers with the discovery document in XML
    assert o311.client.get("/open311/v2/").content.startswith(b"<?xml")


def test_element_order_of_every_answer_follows_the_spec(o311, all_types):
    # given a located request and one whose place matched no grid (a token)
    assert o311.report(client_id="0b6d3ad2-1c27-4a53-9d43-12e3d6d1f6a1").status == 201
    created = o311.report("xml")
    assert created.status == 201 and tags(created.body.find("request")) == CREATED
    lon, lat = 100.0, 30.0
    tokened = o311.report("xml", lat=lat, long=lon)
    assert tags(tokened.body.find("request")) == CREATED_WITH_TOKEN
    token = tokened.body.findtext("request/token")
    # then every method answers in the spec's element order
    services = o311.get("services", "xml").body
    assert services.tag == "services" and tags(services.find("service")) == SERVICE
    definition = o311.get("services/C0299", "xml").body
    assert definition.tag == "service_definition" and tags(definition) == DEFINITION
    for attribute in definition.findall("attributes/attribute"):
        assert tags(attribute) == ATTRIBUTE
    requests = o311.get("requests", "xml").body
    assert requests.tag == "service_requests"
    assert all(tags(r) == REQUEST for r in requests.findall("request")) and len(requests) == 2
    assert W3C_UTC.match(requests.findtext("request/requested_datetime"))
    one = o311.get(f"requests/{created.body.findtext('request/service_request_id')}", "xml").body
    assert one.tag == "service_requests" and len(one) == 1
    assert tags(o311.get(f"tokens/{token}", "xml").body.find("request")) == TOKEN
    error = o311.get("services/NOPE", "xml")
    assert error.status == 404 and error.body.tag == "errors" and tags(error.body.find("error")) == ERROR
    assert error.body.findtext("error/code") == "404"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_format_or_method_is_refused_in_the_spec_error_shape(o311, fmt):
    unknown = o311.client.get("/open311/v2/services.csv")
    assert unknown.status_code == 404 and unknown.content.startswith(b"<?xml")
    wrong_method = o311.client.put(f"/open311/v2/services.{fmt}")
    assert wrong_method.status_code == 405 and "GET" in wrong_method["Allow"]
    assert o311._answer(wrong_method).errors


def test_no_format_suffix_means_xml(o311):
    response = o311.client.get("/open311/v2/services")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
