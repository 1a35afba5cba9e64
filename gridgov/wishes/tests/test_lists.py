"""Every list takes the same number of queries for few rows and many: the staff list, the
public wall (JSON and page), a wish's pledges and the claimer's own pledges."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.wishes import services

from .conftest import post_wish, published_wish


def queries(client, user, url: str) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def more(world, cast, n: int) -> None:
    for i in range(n):
        wish = published_wish(world, cast, title=f"心愿{i}", units=3)
        services.pledge_create(actor=cast.member, wish=wish, units=1)
        post_wish(world, cast, title=f"待审{i}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("secretary", "/api/wishes/"),
        ("poster", "/api/wishes/?status=published"),
        ("anonymous", "/api/wishes/public"),
        ("anonymous", "/wishes/"),
        ("member", "/wishes/"),
        ("member", "/api/wishes/pledges/mine"),
    ],
)
def test_lists_take_the_same_queries_for_few_and_many(client, world, cast, who, url):
    user = getattr(cast, who)
    more(world, cast, 1)
    few = queries(client, user, url)
    more(world, cast, 6)
    assert queries(client, user, url) == few


@pytest.mark.django_db
def test_a_wishs_pledges_take_the_same_queries_for_few_and_many(client, world, party, cast):
    wish = published_wish(world, cast, units=10)
    services.pledge_create(actor=cast.member, wish=wish, units=1)
    few = queries(client, cast.secretary, f"/api/wishes/{wish.pk}")
    services.pledge_create(actor=cast.other_member, wish=wish, units=2)
    services.pledge_create(actor=cast.deputy, wish=wish, units=2)
    services.pledge_create(actor=cast.unit_secretary, wish=wish, units=2, organisation_id=cast.power.pk)
    assert queries(client, cast.secretary, f"/api/wishes/{wish.pk}") == few
    client.force_login(cast.secretary)
    claimers = [p["claimer"] for p in client.get(f"/api/wishes/{wish.pk}").json()["pledges"]]
    assert claimers == ["党员 王**", "党员 李**", "代表 刘**", "兴隆台供电公司党委"]
