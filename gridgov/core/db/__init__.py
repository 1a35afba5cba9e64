"""Database helpers shared by every backend the platform runs on."""

import sqlite3 as _sqlite

from django.db.utils import OperationalError

#: SQLite's result codes for "another connection holds the lock" (primary codes; the extended
#: ones, such as SQLITE_BUSY_SNAPSHOT, carry them in their low byte).
_SQLITE_BUSY_CODES = {_sqlite.SQLITE_BUSY, _sqlite.SQLITE_LOCKED}


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` only says the database is busy now, so the same request may succeed in a
    moment: SQLite's write lock held by another connection beyond the busy timeout ("database
    is locked"), or the writer queue not reached in that time. Any other error is a fault."""
    from .sqlite3.base import WriteLockTimeout

    if isinstance(exc, WriteLockTimeout):
        return True
    if not isinstance(exc, OperationalError | _sqlite.OperationalError):
        return False
    cause = exc if isinstance(exc, _sqlite.OperationalError) else exc.__cause__
    code = getattr(cause, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _SQLITE_BUSY_CODES
