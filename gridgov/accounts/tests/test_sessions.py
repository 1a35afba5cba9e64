"""Session timeouts: idle and absolute, enforced by ``SessionTimeoutMiddleware``."""

import pytest
from django.test import Client

from gridgov.accounts import middleware
from gridgov.accounts.auth import api_token_create
from gridgov.accounts.middleware import SEEN, STARTED

from .conftest import PASSWORD

LOGIN = "/accounts/login/"
INBOX = "/accounts/inbox/"
API = "/api/accounts/notifications/unread"


@pytest.fixture(autouse=True)
def _timeouts(settings):
    settings.GRIDGOV_SESSION_IDLE_MINUTES = 30
    settings.GRIDGOV_SESSION_MAX_HOURS = 8


@pytest.fixture
def clock(monkeypatch):
    """The middleware's clock, moved by hand: ``clock.now += 60``."""

    class Clock:
        now = 1_800_000_000.0

    monkeypatch.setattr(middleware, "now", lambda: Clock.now)
    return Clock


def sign_in(client) -> None:
    response = client.post(LOGIN, {"action": "password", "username": "wangli", "password": PASSWORD})
    assert response.status_code == 302


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_in_starts_both_clocks(client, staff_user, clock):
    sign_in(client)
    assert client.session[STARTED] == client.session[SEEN] == int(clock.now)


def test_idle_session_is_signed_out_with_a_message(client, staff_user, clock):
    # given a session signed in, then idle for longer than allowed
    sign_in(client)
    clock.now += 30 * 60 + 1
    # when a page is opened
    response = client.get(INBOX)
    # then the session is over and the sign-in page says why, coming back to the page after
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next={INBOX}"
    assert not signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "长时间未操作，已自动退出，请重新登录。" in page


def test_activity_keeps_the_session_alive(client, staff_user, clock):
    # given a session used every 20 minutes for two hours
    sign_in(client)
    for _ in range(6):
        clock.now += 20 * 60
        assert client.get(INBOX).status_code == 200
    # then it is still signed in, its last-seen time the latest request's
    assert signed_in(client)
    assert client.session[SEEN] == int(clock.now)


def test_last_seen_is_written_at_most_once_a_minute(client, staff_user, clock, django_assert_num_queries):
    # given a session seen just now
    sign_in(client)
    client.get(INBOX)
    seen = client.session[SEEN]
    # when pages are opened within the minute, then the session is not written
    clock.now += 59
    client.get(INBOX)
    assert client.session[SEEN] == seen
    # and after a minute it is
    clock.now += 2
    client.get(INBOX)
    assert client.session[SEEN] == int(clock.now)


def test_a_request_within_the_minute_saves_no_session(client, staff_user, clock, django_assert_num_queries):
    sign_in(client)
    client.get(INBOX)
    clock.now += 30
    # the inbox page's own queries (session, user, the menu's roles, the unread count, the page's
    # count and rows): no session written
    with django_assert_num_queries(6) as captured:
        client.get(INBOX)
    assert not any(
        "django_session" in q["sql"] and "SELECT" not in q["sql"] for q in captured.captured_queries
    )


def test_absolute_timeout_ends_even_an_active_session(client, staff_user, clock):
    # given a session used every 20 minutes
    sign_in(client)
    for _ in range(8 * 3):
        clock.now += 20 * 60
        client.get(INBOX)
    # when it is more than eight hours after the sign-in
    clock.now += 1
    response = client.get(INBOX)
    # then it is over, and the page says the sign-in expired
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not signed_in(client)
    assert "登录已过期，请重新登录。" in client.get(response["Location"]).content.decode()


def test_api_answers_401_for_an_expired_session(client, staff_user, clock):
    sign_in(client)
    clock.now += 30 * 60 + 1
    response = client.get(API)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert not signed_in(client)


def test_bearer_tokens_have_no_session_to_expire(staff_user, clock):
    _token, raw = api_token_create(user=staff_user, name="script")
    clock.now += 100 * 3600
    assert Client().get(API, headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_zero_turns_a_timeout_off(client, staff_user, clock, settings):
    settings.GRIDGOV_SESSION_IDLE_MINUTES = 0
    settings.GRIDGOV_SESSION_MAX_HOURS = 0
    sign_in(client)
    clock.now += 100 * 3600
    assert client.get(INBOX).status_code == 200


def test_a_session_from_before_the_timeouts_gets_its_clocks(client, staff_user, clock):
    # given a session signed in before the clocks were kept
    sign_in(client)
    session = client.session
    del session[STARTED], session[SEEN]
    session.save()
    # when it is used, then it is still signed in and its clocks start now
    assert client.get(INBOX).status_code == 200
    assert client.session[STARTED] == client.session[SEEN] == int(clock.now)
