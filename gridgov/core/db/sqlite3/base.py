"""SQLite with a writer queue that wakes at once.

SQLite lets one writer in at a time. Waiting writers normally poll: SQLite's busy handler
sleeps 1, 2, 5, 10… ms between tries, so with several server processes a core sits idle
while the lock is already free again. Here every write transaction (``BEGIN IMMEDIATE``)
first takes an exclusive ``flock`` on a file beside the database; the kernel hands it to the
next waiter the moment the holder commits or rolls back. SQLite's own locking is unchanged
underneath, so other programs writing the database stay safe, and a process that dies releases
its lock with it. In-memory databases (tests) need no queue.

A writer waits in the queue at most the busy timeout (``OPTIONS["timeout"]``), as it would
in SQLite's busy handler, and then fails with ``WriteLockTimeout``, an ``OperationalError``
like SQLite's own "database is locked" (``gridgov.core.db.is_busy`` tells both apart from
real faults).
"""

import fcntl
import os
import threading

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

#: SQLite's default busy timeout in seconds (Python's ``sqlite3.connect``), when none is set.
DEFAULT_TIMEOUT = 5.0


class WriteLockTimeout(OperationalError):
    """The writer queue did not come to this connection within the busy timeout."""


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_fd: int | None = None
    _write_lock_held = False

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}.writelock"

    def _busy_timeout(self) -> float:
        return float(self.settings_dict.get("OPTIONS", {}).get("timeout", DEFAULT_TIMEOUT))

    def _acquire_write_lock(self) -> None:
        path = self._lock_path()
        if path is None:
            return
        if self._write_lock_fd is None:
            self._write_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._queue_for_write_lock()
        self._write_lock_held = True

    def _queue_for_write_lock(self) -> None:
        """Wait for the lock at most the busy timeout. A helper thread blocks in ``flock`` (so
        it is still woken the moment the lock is free) while this one waits for it with a
        timeout. On giving up, the descriptor is left to the helper, which closes it, and so
        releases the lock, as soon as its turn comes; the next transaction opens a new one."""
        fd = self._write_lock_fd
        mutex, acquired = threading.Lock(), threading.Event()
        abandoned = False

        def wait() -> None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with mutex:
                if abandoned:
                    os.close(fd)
                else:
                    acquired.set()

        threading.Thread(target=wait, name="sqlite-writer-queue", daemon=True).start()
        if acquired.wait(self._busy_timeout()):
            return
        with mutex:
            if acquired.is_set():  # its turn came just now
                return
            abandoned = True
        self._write_lock_fd = None
        raise WriteLockTimeout("database is locked (the writer queue did not come within the busy timeout)")

    def _release_write_lock(self) -> None:
        if self._write_lock_held:
            self._write_lock_held = False
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
            if self._write_lock_fd is not None:
                os.close(self._write_lock_fd)
                self._write_lock_fd = None
