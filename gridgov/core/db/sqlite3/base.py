"""SQLite with a writer queue that wakes at once.

SQLite lets one writer in at a time. Waiting writers normally poll: SQLite's busy handler
sleeps 1, 2, 5, 10… ms between tries, so with several server processes a core sits idle
while the lock is already free again. Here every write transaction (``BEGIN IMMEDIATE``)
first takes an exclusive ``flock`` on a file beside the database; the kernel hands it to the
next waiter the moment the holder commits or rolls back. SQLite's own locking is unchanged
underneath, so other programs writing the database stay safe, and a process that dies releases
its lock with it. In-memory databases (tests) need no queue.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_fd: int | None = None
    _write_lock_held = False

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}.writelock"

    def _acquire_write_lock(self) -> None:
        path = self._lock_path()
        if path is None:
            return
        if self._write_lock_fd is None:
            self._write_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX)
        self._write_lock_held = True

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
