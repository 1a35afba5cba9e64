"""A database write lock held beyond the busy timeout is a 503 with ``Retry-After`` (a
translated page, the API's error shape, Open311's errors), never a 500, and nothing is
half-written; once the lock is free the same request (the same client id) files its case once.
The lock is held for real, from another connection: SQLite's own (``BEGIN IMMEDIATE``, as any
other program writing the database would) or the writer queue's (as another server process)."""

import fcntl
import os
import sqlite3
import time
import uuid
from contextlib import contextmanager

import pytest
from django.db import connection

from gridgov.cases.models import Case, CaseEvent
from gridgov.cases.tests.conftest import IN_GRID
from gridgov.core.db import is_busy
from gridgov.core.db.sqlite3.base import DatabaseWrapper, WriteLockTimeout
from gridgov.core.errors import Unavailable, unavailable_from

BUSY_TIMEOUT = 0.3

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write lock and writer queue (PostgreSQL has neither)"
)


@contextmanager
def sqlite_write_lock(path: str):
    """SQLite's write lock held by a connection of its own, as another program would."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextmanager
def writer_queue_lock(path: str):
    """The writer queue's lock held, as a writer in another server process holds it."""
    fd = os.open(f"{path}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        os.close(fd)


HOLDERS = {"sqlite_lock": sqlite_write_lock, "writer_queue": writer_queue_lock}


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """The server's connection gives up waiting for the lock after ``BUSY_TIMEOUT`` seconds."""
    connection.ensure_connection()
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", BUSY_TIMEOUT)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    yield connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 5000")


def _report(client_id: str) -> dict:
    return {
        "client_id": client_id,
        "category": "C0301",
        "description": "垃圾桶满了，无人清运",
        "lon": IN_GRID[0],
        "lat": IN_GRID[1],
    }


def _nothing_written():
    return not Case.objects.exists() and not CaseEvent.objects.exists()


@sqlite_only
@pytest.mark.parametrize("holder", HOLDERS)
def test_an_api_report_meeting_a_held_lock_is_a_503_and_its_retry_lands_once(
    transactional_db, world, client, short_busy_timeout, holder
):
    client.force_login(world.users.resident)
    body = _report(str(uuid.uuid4()))
    # given the database's write lock held by another connection beyond the busy timeout
    with HOLDERS[holder](short_busy_timeout):
        # when a resident reports through the API
        started = time.perf_counter()
        response = client.post("/api/cases/", body, content_type="application/json")
        waited = time.perf_counter() - started
    # then it waited about the busy timeout and was told to come back, in the API's error shape
    assert response.status_code == 503 and int(response["Retry-After"]) >= 1
    assert response.json() == {
        "code": "unavailable",
        "message": str(Unavailable.default_message),
        "fields": {},
    }
    assert "系统繁忙" in response.json()["message"]
    assert BUSY_TIMEOUT * 0.8 < waited < BUSY_TIMEOUT + 3
    # and nothing was written
    assert _nothing_written()
    # when the lock is free again and the same request is retried, then it is filed once
    retry = client.post("/api/cases/", body, content_type="application/json")
    again = client.post("/api/cases/", body, content_type="application/json")
    assert (retry.status_code, again.status_code) == (201, 200)
    assert again.json()["number"] == retry.json()["number"] and Case.objects.count() == 1


@sqlite_only
@pytest.mark.parametrize("holder", HOLDERS)
def test_a_report_page_meeting_a_held_lock_is_a_translated_503_and_its_retry_lands_once(
    transactional_db, world, client, short_busy_timeout, holder
):
    client.force_login(world.users.resident)
    form = {**_report(str(uuid.uuid4())), "lon": f"{IN_GRID[0]:.6f}", "lat": f"{IN_GRID[1]:.6f}"}
    # given the database's write lock held by another connection beyond the busy timeout
    with HOLDERS[holder](short_busy_timeout):
        # when a resident sends the 随手拍 page
        response = client.post("/cases/report/", form)
    # then the page says, in Chinese, that the system is busy and nothing was saved
    page = response.content.decode()
    assert response.status_code == 503 and int(response["Retry-After"]) >= 1
    assert "系统繁忙" in page and "未保存" in page
    assert _nothing_written()
    # when the phone's outbox (or the resident) sends the same form again, then it is filed once
    assert client.post("/cases/report/", form).status_code == 302
    assert client.post("/cases/report/", form).status_code == 302
    assert Case.objects.count() == 1


@sqlite_only
def test_an_open311_request_meeting_a_held_lock_is_a_503_in_open311s_errors(
    transactional_db, world, client, short_busy_timeout
):
    from gridgov.accounts.auth import client_key_create

    _token, key = client_key_create(name="数字城管")
    request = {
        "api_key": key,
        "service_code": "C0301",
        "lat": IN_GRID[1],
        "long": IN_GRID[0],
        "description": "垃圾桶满了",
        "client_id": str(uuid.uuid4()),
    }
    # given the write lock held beyond the busy timeout
    with sqlite_write_lock(short_busy_timeout):
        # when an external system files a request
        response = client.post("/open311/v2/requests.json", request)
    # then it is a 503 in Open311's error list, with Retry-After, and nothing was written
    assert response.status_code == 503 and int(response["Retry-After"]) >= 1
    assert response.json()[0]["code"] == 503 and "系统繁忙" in response.json()[0]["description"]
    assert _nothing_written()
    # and the same request sent again files it
    assert client.post("/open311/v2/requests.json", request).status_code == 201
    assert Case.objects.count() == 1


def _wrapper(path, timeout) -> DatabaseWrapper:
    settings = {
        **connection.settings_dict,
        "ENGINE": "gridgov.core.db.sqlite3",
        "NAME": str(path),
        "TEST": {},
    }
    settings["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": timeout}
    return DatabaseWrapper(settings, alias="unavailable-test")


def test_the_writer_queue_waits_at_most_the_busy_timeout_then_lets_go_of_its_place(
    tmp_path, django_db_blocker
):
    django_db_blocker.unblock()
    path = tmp_path / "db.sqlite3"
    waiting = _wrapper(path, BUSY_TIMEOUT)
    with waiting.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    # given the writer queue held by another process's writer
    with writer_queue_lock(str(path)):
        # when this connection opens a write transaction
        started = time.perf_counter()
        with pytest.raises(WriteLockTimeout) as failure:
            waiting.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        # then it gives up after the busy timeout with an error that means "busy", not a fault
        assert BUSY_TIMEOUT * 0.8 < time.perf_counter() - started < BUSY_TIMEOUT + 2
        assert is_busy(failure.value) and isinstance(unavailable_from(failure.value), Unavailable)
        assert waiting.get_autocommit()
    # when the holder lets go, then the place it had given up is released at once, and the
    # same connection writes again
    deadline = time.monotonic() + 2
    probe = os.open(f"{path}.writelock", os.O_RDWR)
    while True:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            assert time.monotonic() < deadline, "the abandoned wait kept the writer queue's lock"
            time.sleep(0.01)
    fcntl.flock(probe, fcntl.LOCK_UN)
    os.close(probe)
    waiting.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with waiting.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    waiting.commit()
    waiting.set_autocommit(True)
    waiting.close()


def test_only_a_busy_database_is_unavailable_other_database_errors_stay_faults(tmp_path):
    from django.db.utils import IntegrityError, OperationalError

    # given SQLite's own "database is locked", as Django raises it
    holder = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    holder.execute("CREATE TABLE t (n INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    waiting = sqlite3.connect(tmp_path / "x.sqlite3", timeout=0.05, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError) as locked:
        waiting.execute("BEGIN IMMEDIATE")
    wrapped = OperationalError(*locked.value.args)
    wrapped.__cause__ = locked.value
    # then it is busy, and a 503
    assert is_busy(locked.value) and is_busy(wrapped) and unavailable_from(wrapped).status == 503
    # and a missing table or a broken constraint is not
    with pytest.raises(sqlite3.OperationalError) as missing:
        waiting.execute("SELECT * FROM nowhere")
    fault = OperationalError(*missing.value.args)
    fault.__cause__ = missing.value
    assert not is_busy(fault) and unavailable_from(fault) is None
    assert unavailable_from(IntegrityError("UNIQUE constraint failed")) is None
    holder.close()
    waiting.close()


@pytest.mark.django_db
def test_a_busy_database_after_the_view_is_a_503_too(client, settings, django_user_model, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    from gridgov.accounts import middleware as session_clock

    settings.DEBUG = False
    user = django_user_model.objects.create_user(username="wanghaitao", password="x", full_name="王海涛")
    client.force_login(user)
    client.raise_request_exception = False
    session = client.session
    session[session_clock.SEEN] = int(time.time()) - 2 * session_clock.SEEN_RESOLUTION
    session.save()

    # given the write lock beyond the busy timeout when the session is saved on the way out
    def busy(self, must_create=False):
        raise WriteLockTimeout("the writer queue was not reached in time")

    monkeypatch.setattr(SessionStore, "save", busy)
    # when a signed-in page is asked for (its last-seen time is due to be written)
    response = client.get("/")
    # then it is the 503 page with Retry-After, not a 500
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert "系统繁忙" in response.content.decode()
    # and any other error after the view stays a 500
    monkeypatch.setattr(SessionStore, "save", lambda self, must_create=False: 1 / 0)
    assert client.get("/").status_code == 500
