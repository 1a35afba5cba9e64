"""Party members: registered by the secretary who covers them, shown masked to everyone, one
field revealed at a time with an audit row, seen only within the reader's territory (role ×
scope), bad input refused with the field named, a duplicate ID number a 409."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.core.models import AuditAction, AuditEntry
from gridgov.party import services
from gridgov.party.models import PartyMember

from .conftest import ID_WANG


def call(client, user, method: str, path: str, body=None):
    client.force_login(user)
    response = getattr(client, method)(f"/api/party/{path}", body, content_type="application/json")
    return response.status_code, (response.json() if response.content else None)


@pytest.mark.django_db
def test_a_member_is_shown_masked_and_revealed_one_field_at_a_time(client, world, party):
    # given the branch secretary reading 王德安
    status, body = call(client, party.secretary, "get", f"members/{party.wang.pk}")
    # then the ID number and phone are masked and the birth date is only a year
    assert status == 200
    assert (body["id_number"], body["phone"], body["birth_year"]) == (
        "211122********0014",
        "139****1234",
        1965,
    )
    assert "birth_date" not in body
    # when the secretary reveals the ID number
    status, body = call(
        client,
        party.secretary,
        "post",
        f"members/{party.wang.pk}/reveal",
        {"field": "id_number", "reason": " 核对党费收缴 "},
    )
    # then it is given in full and the look is on record
    assert (status, body["value"]) == (200, ID_WANG)
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert (entry.actor, entry.subject, entry.field, entry.reason) == (
        party.secretary,
        f"party.partymember:{party.wang.pk}",
        "id_number",
        "核对党费收缴",
    )
    # and the member may reveal their own birth date, a grid worker nothing, a leader nothing
    assert call(
        client,
        party.wang_user,
        "post",
        f"members/{party.wang.pk}/reveal",
        {"field": "birth_date", "reason": "本人查看"},
    )[1] == {
        "field": "birth_date",
        "value": "1965-03-12",
    }
    assert (
        call(
            client,
            world.users.grid_worker,
            "post",
            f"members/{party.wang.pk}/reveal",
            {"field": "phone", "reason": "联系本人"},
        )[0]
        == 403
    )
    assert (
        call(
            client,
            world.users.leader,
            "post",
            f"members/{party.wang.pk}/reveal",
            {"field": "phone", "reason": "联系本人"},
        )[0]
        == 403
    )
    assert (
        call(
            client,
            party.secretary,
            "post",
            f"members/{party.wang.pk}/reveal",
            {"field": "name", "reason": "核对"},
        )[0]
        == 400
    )
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reason", [None, "", "   ", "长" * 201], ids=["missing", "empty", "blank", "too-long"]
)
def test_a_reveal_without_a_reason_is_refused_with_the_field_named(client, party, reason):
    # when the secretary asks for a member's ID number without saying why (or at length)
    body = {"field": "id_number"} if reason is None else {"field": "id_number", "reason": reason}
    status, answer = call(client, party.secretary, "post", f"members/{party.wang.pk}/reveal", body)
    # then it is a 400 naming the reason, in Chinese, and nothing is revealed nor recorded
    assert status == 400
    assert list(answer["fields"]) == ["reason"]
    assert not answer["fields"]["reason"][0].isascii()  # the translated message, not the source
    assert "value" not in answer
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "member", "status"),
    [
        ("secretary", "wang", 200),  # lives in the branch's village
        ("secretary", "li", 200),  # lives there too (the sibling grid), organised elsewhere
        ("county_secretary", "li", 200),  # organised at the county
        ("sibling_secretary", "wang", 404),  # another village
        ("leader", "wang", 200),  # the county's leader, masked
        ("grid_worker", "wang", 200),  # lives in the worker's grid
        ("grid_worker", "li", 404),  # lives in the sibling grid
        ("wang_user", "wang", 200),  # themselves
        ("wang_user", "li", 404),  # another member
        ("resident", "wang", 404),
        ("centre", "wang", 404),  # a command centre does not read party records
    ],
)
def test_who_sees_a_member(client, world, party, who, member, status):
    user = getattr(party, who, None) or getattr(world.users, who)
    assert call(client, user, "get", f"members/{getattr(party, member).pk}")[0] == status


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("resident", 403), ("centre", 403), ("unit", 403)])
def test_who_reads_no_party_work_gets_403_on_the_list(client, world, party, who, status):
    assert call(client, getattr(world.users, who), "get", "members")[0] == status


@pytest.mark.django_db
def test_the_secretary_registers_a_member_and_bad_input_names_the_field(client, world, party):
    payload = {
        "name": "孙桂香",
        "gender": "female",
        "organisation_id": world.units["group"].pk,
        "grid": world.t.grid.path,
        "phone": "13904279999",
        "id_number": "211122197001010020",
    }
    # a wrong check character, a bad phone, a missing gender: 400 with the fields
    bad = {**payload, "id_number": "211122197001010022", "phone": "12345", "gender": ""}
    status, body = call(client, party.secretary, "post", "members", bad)
    assert status == 400 and {"id_number", "phone", "gender"} <= set(body["fields"]), body
    assert "校验码" in body["fields"]["id_number"][0]
    # then the right payload registers her
    status, body = call(client, party.secretary, "post", "members", payload)
    assert status == 201 and body["id_number"] == "211122********0020"
    # and the same ID number again is a 409; no half-written row
    status, body = call(client, party.secretary, "post", "members", {**payload, "name": "孙桂香二"})
    assert status == 409
    assert PartyMember.objects.filter(name__startswith="孙桂香").count() == 1
    # a secretary of another village may not register into this branch
    assert call(client, party.sibling_secretary, "post", "members", {**payload, "id_number": ""})[0] == 403
    # a grid worker registers no one
    assert call(client, world.users.grid_worker, "post", "members", payload)[0] == 403


@pytest.mark.django_db
def test_a_member_moves_to_another_grid(client, world, party):
    status, body = call(
        client, party.secretary, "patch", f"members/{party.wang.pk}", {"grid": world.t.sibling_grid.path}
    )
    assert status == 200 and body["grid"]["path"] == world.t.sibling_grid.path
    assert call(client, party.sibling_secretary, "patch", f"members/{party.wang.pk}", {"name": "x"})[0] == 404


@pytest.mark.django_db
def test_the_member_list_takes_the_same_queries_for_few_and_many(client, world, party):
    def count() -> int:
        client.force_login(party.secretary)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/party/members")
        assert response.status_code == 200
        return len(queries)

    few = count()
    for i in range(8):
        services.member_create(
            actor=party.secretary,
            organisation=world.units["group"],
            grid=world.t.grid,
            name=f"党员{i}",
            gender="male",
        )
    assert count() == few
    client.force_login(party.secretary)
    assert client.get("/api/party/members").json()["count"] == 10
