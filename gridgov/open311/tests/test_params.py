"""Reading parameters: W3C datetimes with any offset, fractional seconds and bare dates;
comma lists; empty values as absent; attribute[CODE] and attribute[CODE][]."""

from datetime import UTC, datetime

import pytest
from django.test import RequestFactory

from gridgov.open311.params import Open311Error, Params


def params(query: str, method: str = "get") -> Params:
    factory = RequestFactory()
    if method == "post":
        return Params.of(factory.post("/", query, content_type="application/x-www-form-urlencoded"))
    return Params.of(factory.get("/?" + query))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-27T08:00:00Z", datetime(2026, 11, 27, 8, tzinfo=UTC)),
        ("2026-11-27T16:00:00%2B08:00", datetime(2026, 11, 27, 8, tzinfo=UTC)),
        ("2026-11-27T03:00:00-05:00", datetime(2026, 11, 27, 8, tzinfo=UTC)),
        ("2026-11-27T08:00:00.250Z", datetime(2026, 11, 27, 8, 0, 0, 250000, tzinfo=UTC)),
        # a "+" sent unencoded arrives as a space
        ("2026-11-27T16:00:00+08:00", datetime(2026, 11, 27, 8, tzinfo=UTC)),
        # no offset: the platform's time (Asia/Shanghai)
        ("2026-11-27T16:00:00", datetime(2026, 11, 27, 8, tzinfo=UTC)),
        # a bare date: the start of that day in Asia/Shanghai
        ("2026-11-27", datetime(2026, 11, 26, 16, tzinfo=UTC)),
    ],
)
def test_datetimes_are_read_in_every_w3c_form(value, expected):
    assert params(f"start_date={value}").moment("start_date") == expected


def test_a_bare_end_date_includes_that_whole_day():
    assert params("end_date=2026-11-27").moment("end_date", end=True) == datetime(
        2026, 11, 27, 16, tzinfo=UTC
    )


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-11-27T25:00:00Z", "27/11/2026"])
def test_a_malformed_datetime_is_a_400_naming_the_parameter(value):
    with pytest.raises(Open311Error) as error:
        params(f"start_date={value}").moment("start_date")
    assert error.value.status == 400 and error.value.descriptions[0].startswith("start_date:")


def test_an_empty_parameter_is_absent_and_lists_are_comma_separated():
    p = params(
        "service_code=&status=open,%20closed&jurisdiction_id=&service_request_id=1&service_request_id=2,3"
    )
    assert p.get("service_code") is None and p.get("jurisdiction_id") is None
    assert p.items("status") == ["open", "closed"]
    assert p.items("service_request_id") == ["1", "2", "3"]


def test_attributes_single_and_multiple_values():
    p = params(
        "attribute[area_m2]=3&attribute[waste][]=a&attribute[waste][]=b&attribute[kind]=x&attribute[kind]=y"
        "&attribute[empty]=&attributes=no",
        "post",
    )
    answers, listed = p.attributes()
    assert answers == {"area_m2": "3", "waste": ["a", "b"], "kind": ["x", "y"]}
    assert listed == {"waste", "kind"}


def test_query_string_and_body_are_both_read_on_post():
    factory = RequestFactory()
    p = Params.of(factory.post("/?api_key=k1", {"service_code": "C0201"}))
    assert p.get("api_key") == "k1" and p.get("service_code") == "C0201"


@pytest.mark.parametrize("value", ["0", "1001", "x", "-1"])
def test_page_size_out_of_range_is_a_400(value):
    with pytest.raises(Open311Error):
        params(f"page_size={value}").whole("page_size", default=1000, low=1, high=1000)


def test_control_characters_are_dropped_from_values():
    p = params("description=a%00b%1Bc%0Ad%09e&service_code=%00", "post")
    assert p.get("description") == "abc\nd\te" and p.get("service_code") is None


def test_an_inclusive_end_includes_its_own_moment_and_a_bare_date_its_whole_day():
    p = params("end_date=2026-11-27T08:00:00Z&updated_before=2026-11-27")
    assert p.moment("end_date", end=True, inclusive=True) == datetime(2026, 11, 27, 8, 0, 0, 1, tzinfo=UTC)
    assert p.moment("end_date", end=True) == datetime(2026, 11, 27, 8, tzinfo=UTC)
    assert p.moment("updated_before", end=True, inclusive=True) == datetime(2026, 11, 27, 16, tzinfo=UTC)
