"""The SQLite writer queue: a second write transaction waits on the file lock (woken at once
when the first ends) instead of polling SQLite's busy handler."""

import fcntl
import os
import threading
import time

import pytest
from django.db import connection

from gridgov.core.db.sqlite3.base import DatabaseWrapper


def _wrapper(path) -> DatabaseWrapper:
    settings = {
        **connection.settings_dict,
        "ENGINE": "gridgov.core.db.sqlite3",
        "NAME": str(path),
        "TEST": {},
    }
    settings["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 5}
    return DatabaseWrapper(settings, alias="queue-test")


def test_a_second_writer_waits_for_the_first_and_runs_when_it_commits(tmp_path, django_db_blocker):
    django_db_blocker.unblock()
    # given two connections to one database file
    first = _wrapper(tmp_path / "db.sqlite3")
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    order = []

    def write_second():
        second = _wrapper(tmp_path / "db.sqlite3")
        second.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
        order.append("second")
        second.commit()
        second.set_autocommit(True)
        second.close()

    # when the first opens a write transaction and the second tries to write meanwhile
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    # the queue's lock file is held for as long as the transaction is open
    probe = os.open(tmp_path / "db.sqlite3.writelock", os.O_RDWR)
    with pytest.raises(BlockingIOError):
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    thread = threading.Thread(target=write_second)
    thread.start()
    time.sleep(0.2)
    # then the second is still queued until the first commits, and then it goes through
    assert order == [] and thread.is_alive()
    order.append("first")
    first.commit()
    first.set_autocommit(True)
    thread.join(timeout=5)
    assert order == ["first", "second"]
    with first.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY rowid")
        assert [row[0] for row in cursor.fetchall()] == [1, 2]
    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again
    os.close(probe)
    first.close()


def test_a_rolled_back_writer_releases_the_queue(tmp_path, django_db_blocker):
    django_db_blocker.unblock()
    first, second = _wrapper(tmp_path / "db.sqlite3"), _wrapper(tmp_path / "db.sqlite3")
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    first.rollback()
    first.set_autocommit(True)
    # the lock is free again: another connection gets a write transaction at once
    started = time.perf_counter()
    second.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with second.cursor() as cursor:
        cursor.execute("CREATE TABLE u (n INTEGER)")
    second.commit()
    second.set_autocommit(True)
    assert time.perf_counter() - started < 1
    first.close()
    second.close()
