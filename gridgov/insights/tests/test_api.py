"""The figures over HTTP: each endpoint for the roles that read figures, a scope outside the
reader's is a 404, a resident gets a 403, bad periods are 400 with the field named, an empty
period gives zeros and explanations, and every endpoint takes the same number of queries
however many rows it sums."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.insights.models import Rollup
from gridgov.insights.services import months_rebuild, rollups_refresh

from .factories import DAY

ENDPOINTS = [
    "kpis",
    "breakdown?by=unit",
    "breakdown?by=community",
    "rankings?by=unit",
    "rankings?by=street",
    "red-list",
    "series?step=week",
    "units/OFFICE",
]
MONDAY = f"start={DAY.isoformat()}&end={(DAY + timedelta(days=1)).isoformat()}"


def get(client, user, path: str):
    client.force_login(user)
    response = client.get(f"/api/insights/{path}")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_the_street_centre_reads_its_figures(client, world, street_month):
    rollups_refresh()
    street = world.t.street.path
    status, body = get(client, world.users.centre, f"kpis?scope={street}&{MONDAY}")
    assert status == 200, body
    figures = {f["code"]: f for f in body["figures"]}
    assert body["counts"]["cases"] == 4 and body["scope_name"] == "太平街道"
    assert figures["response"]["value"] == pytest.approx(3 / 5)  # A, C×2 in time; B late; D missed
    assert figures["satisfaction"]["value"] == pytest.approx((1 + 0.9) / 3)
    assert figures["response"]["formula"]
    # and its units ranked, the office first of the two with the change from the week before
    status, body = get(
        client, world.users.county_centre, f"rankings?by=unit&scope={world.t.county.path}&{MONDAY}"
    )
    assert status == 200 and [r["name"] for r in body["rows"]][:1] == ["太平街道城市管理办公室"]
    assert body["previous"]["end"] == (DAY - timedelta(days=1)).isoformat()
    # and the red list names the office for D
    status, body = get(client, world.users.centre, f"red-list?scope={street}&{MONDAY}")
    assert [(r["name"], r["overdue"]) for r in body["rows"]] == [("太平街道城市管理办公室", 1)]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["sibling_centre", "grid_worker"])
def test_a_scope_outside_the_readers_is_404(client, world, who):
    status, _body = get(client, getattr(world.users, who), f"kpis?scope={world.t.street.path}")
    assert status == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["resident", "unit"])
def test_who_reads_no_territory_gets_403(client, world, who):
    assert get(client, getattr(world.users, who), "kpis")[0] == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-01-01&end=2028-01-31", "end"),  # over the maximum
        ("start=2026-02-01&end=2026-01-01", "end"),  # backwards
        ("start=2026-02-01", "end"),  # half a range
        ("period=year", "period"),
        ("start=someday&end=2026-01-01", "start"),
    ],
)
def test_bad_periods_are_400_naming_the_field(client, world, query, field):
    status, body = get(client, world.users.centre, f"kpis?{query}")
    assert status == 400 and field in body["fields"], body


@pytest.mark.django_db
def test_an_empty_period_gives_zeros_and_explanations(client, world):
    status, body = get(client, world.users.centre, "kpis?period=month&on=2020-02-10")
    assert status == 200
    assert body["period"] == {"start": "2020-02-01", "end": "2020-02-29", "days": 29}
    assert set(body["counts"].values()) == {0}
    rates = [f for f in body["figures"] if f["unit"] == "%"]
    assert all(f["value"] is None and f["explanation"] for f in rates)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "unit", "status"),
    [
        ("unit", "office", 200),  # its own unit
        ("unit", "bureau", 404),  # another unit
        ("bureau", "bureau", 200),
        ("centre", "office", 200),  # a unit of the street
        ("centre", "bureau", 404),  # the county's bureau is above the street
        ("sibling_centre", "office", 404),
        ("county_centre", "bureau", 200),
        ("county_centre", "sibling_office", 200),
        ("leader", "office", 200),
        ("grid_worker", "bureau", 404),
        ("resident", "office", 403),
        ("party", "office", 403),
    ],
)
def test_a_handling_units_figures_for_its_people_and_its_territorys_readers(
    client, world, street_month, who, unit, status
):
    rollups_refresh()
    # when a user asks for a unit's figures over the street's two days
    found, body = get(client, getattr(world.users, who), f"units/{getattr(world, unit).pk}?{MONDAY}")
    # then they are the unit's for whoever reads it, and no one else learns it exists
    assert found == status, body
    if status == 200 and unit == "office":
        assert (body["name"], body["counts"]["tasks"], body["counts"]["missed"]) == (
            "太平街道城市管理办公室",
            4,
            1,
        )
        assert body["previous"]["end"] == (DAY - timedelta(days=1)).isoformat()
        assert {f["code"] for f in body["previous_figures"]} == {f["code"] for f in body["figures"]}


@pytest.mark.django_db
def test_a_missing_unit_is_404(client, world):
    assert get(client, world.users.county_centre, "units/999999")[0] == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "points"),
    [
        # day by day around the street's Monday: nothing the day before, 3 on Monday, D on Tuesday
        (f"step=day&start={DAY - timedelta(days=1)}&end={DAY + timedelta(days=1)}", [0, 3, 1]),
        # by weeks from Monday, the first cut to the range
        (
            "step=week&start=2026-11-20&end=2026-12-06",
            [
                ("2026-11-20", "2026-11-22", 0),
                ("2026-11-23", "2026-11-29", 4),
                ("2026-11-30", "2026-12-06", 0),
            ],
        ),
        # by calendar months, the first cut to the range
        (
            "step=month&start=2026-10-15&end=2026-11-30",
            [("2026-10-15", "2026-10-31", 0), ("2026-11-01", "2026-11-30", 4)],
        ),
    ],
)
def test_a_scopes_figures_step_by_step(client, world, street_month, query, points):
    rollups_refresh()
    status, body = get(client, world.users.centre, f"series?scope={world.t.street.path}&{query}")
    assert status == 200, body
    if isinstance(points[0], int):
        assert [p["counts"]["cases"] for p in body["points"]] == points
    else:
        assert [(p["start"], p["end"], p["counts"]["cases"]) for p in body["points"]] == points
    assert all(
        {"response", "resolution", "satisfaction"} <= {f["code"] for f in p["figures"]}
        for p in body["points"]
    )


@pytest.mark.django_db
def test_a_series_step_must_be_a_day_a_week_or_a_month(client, world):
    status, body = get(client, world.users.centre, "series?step=year")
    assert status == 400 and "step" in body["fields"]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_endpoint_takes_the_same_queries_for_few_and_many_rows(client, world, endpoint):
    client.force_login(world.users.county_centre)
    endpoint = endpoint.replace("OFFICE", str(world.office.pk))
    url = f"/api/insights/{endpoint}{'&' if '?' in endpoint else '?'}scope={world.t.county.path}&start=2026-01-15&end=2026-12-20"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def days(n: int):
        Rollup.objects.all().delete()
        rows = []
        for i in range(n):
            day = date(2026, 1, 15) + timedelta(days=i)
            for unit in (world.office, world.bureau, world.sibling_office):
                rows.append(
                    Rollup(
                        day=day, dimension="unit", key=str(unit.pk), scope=unit.path, tasks=3, overdue=i % 2
                    )
                )
            for path in (world.t.county.path, world.t.street.path, world.t.village.path, world.t.grid.path):
                rows.append(
                    Rollup(day=day, dimension="area", key=path, scope=path, cases=2, rated=1, satisfied=1)
                )
        Rollup.objects.bulk_create(rows)
        months_rebuild({row.day.replace(day=1) for row in rows})

    days(2)
    few = count()
    days(60)
    assert count() == few


@pytest.mark.django_db
def test_the_live_picture_of_a_scope(client, world, street_month):
    # given the street's day (D is unanswered and overdue), read now
    status, body = get(client, world.users.centre, f"live?scope={world.t.street.path}")
    assert status == 200
    # then D is open, overdue, on the map in its grid, and loads the office
    d = street_month["d"].number
    assert d in [c["number"] for c in body["overdue"]]
    assert body["open_by_status"] == {"dispatched": 1}
    assert body["grid_density"] == {world.t.grid.path: 1}
    assert [p[0] for p in body["points"]] == [d]
    assert [(u["name"], u["open"], u["overdue"]) for u in body["unit_load"]] == [
        ("太平街道城市管理办公室", 1, 1)
    ]
    # and a scope outside the centre's is a 404
    assert get(client, world.users.centre, f"live?scope={world.t.sibling_street.path}")[0] == 404


@pytest.mark.django_db
def test_the_dashboard_page_for_the_centre_and_not_for_a_resident(client, world, street_month):
    rollups_refresh()
    client.force_login(world.users.centre)
    page = client.get("/insights/")
    assert page.status_code == 200
    text = page.content.decode()
    # the month's figures with their formulas, the map, the live panel
    assert "响应率" in text and "应响应的任务数" in text and 'data-map="density"' in text
    live = client.get("/insights/?partial=live")
    assert live.status_code == 200 and b"<html" not in live.content
    assert client.get(f"/insights/?scope={world.t.sibling_street.path}").status_code == 404
    client.force_login(world.users.resident)
    assert client.get("/insights/").status_code == 403


@pytest.mark.django_db
def test_the_big_screen_payload_in_one_answer(client, world, street_month):
    rollups_refresh()
    status, body = get(client, world.users.county_centre, f"screen?scope={world.t.county.path}")
    assert status == 200
    # the month's figures, 30 days of intake, the mixes, the rankings, now, and party building
    assert [f["code"] for f in body["figures"]][:3] == ["response", "resolution", "satisfaction"]
    assert len(body["trend"]) == 30 and body["scope_name"] == "盘山县"
    assert body["open"] == 1 and body["overdue_now"] == 1
    assert {c["name"] for c in body["contributions"]} == {
        "党组织",
        "党员",
        "网格",
        "网格员",
        "党员中心户",
        "联系户",
        "双报到党员",
        "微心愿认领",
    }
    # and a page to show it, for the scope's readers
    client.force_login(world.users.county_centre)
    page = client.get(f"/insights/screen/?scope={world.t.county.path}")
    assert page.status_code == 200 and b"echarts.min.js" in page.content
    assert get(client, world.users.centre, f"screen?scope={world.t.county.path}")[0] == 404


@pytest.mark.django_db
def test_the_dashboard_shows_a_chosen_month_and_drills_down(client, world, street_month):
    rollups_refresh()
    client.force_login(world.users.county_centre)
    # given the county's dashboard for the month of the street's day
    text = client.get(f"/insights/?month={DAY:%Y-%m}").content.decode()
    # then the month's figures are there, and the street links to its own dashboard
    assert "盘山县" in text and f"?scope={world.t.street.path}&amp;month={DAY:%Y-%m}" in text
    assert (
        "太平街道" in client.get(f"/insights/?scope={world.t.street.path}&month={DAY:%Y-%m}").content.decode()
    )
    assert client.get("/insights/?month=2026-13").status_code == 400


@pytest.mark.django_db
def test_the_dashboard_picks_an_area_below_goes_back_up_and_reads_a_range(client, world, street_month):
    rollups_refresh()
    client.force_login(world.users.county_centre)
    # given the county's dashboard, then its streets are offered as areas to look at
    text = client.get("/insights/").content.decode()
    assert f'<option value="{world.t.street.path}">太平街道</option>' in text
    # when the operator looks at the street for the two days of its cases
    street = client.get(f"/insights/?scope={world.t.street.path}&start={DAY}&end={DAY + timedelta(days=1)}")
    text = street.content.decode()
    # then the figures are the range's, and the way back up keeps the range
    assert street.status_code == 200 and "本期指标" in text
    assert f"{DAY} 至 {DAY + timedelta(days=1)}" in text
    assert (
        f'<a href="?scope={world.t.county.path}&amp;month={DAY:%Y-%m}&amp;start={DAY}&amp;end={DAY + timedelta(days=1)}">盘山县</a>'
        in text
    )
    assert f'<option value="{world.t.village.path}">' in text
    # and a bad or too long range is a 400 that says why
    bad = client.get("/insights/?start=2026-02-30&end=2026-03-01")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
    assert client.get("/insights/?start=2020-01-01&end=2026-01-01").status_code == 400
    assert client.get(f"/insights/?start={DAY}").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [
        "/api/insights/live",
        "/api/insights/screen",
        "/insights/",
        "/insights/?partial=live",
        "/insights/report/",
        "/insights/report.xlsx",
    ],
)
def test_each_live_endpoint_and_page_takes_the_same_queries_for_few_and_many_cases(client, world, page):
    from .factories import dispatched

    client.force_login(world.users.county_centre)
    url = f"{page}{'&' if '?' in page else '?'}scope={world.t.county.path}&month={DAY:%Y-%m}"

    def count() -> int:
        rollups_refresh()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    dispatched(world, [world.office])
    few = count()
    for _ in range(6):
        dispatched(world, [world.office, world.bureau])
    assert count() == few
