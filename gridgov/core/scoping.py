"""Data scope as a path prefix (ARCHITECTURE §4.6).

Every OrgUnit has a ``path`` made of national division codes plus grid sequences; rows that
must be scoped carry the path of the unit they belong to. "Within a path" is the half-open
range ``[path, succ(path))``, which a B-tree index on ``path`` serves directly (no LIKE).
Paths are digit strings, so ``succ`` carries like a number ("21112209" -> "2111221") and the
range never depends on how the database collates punctuation.
"""

from collections.abc import Iterable

from django.db.models import Q


def succ(path: str) -> str | None:
    """The smallest string greater than every string that starts with ``path``.

    ``None`` when there is none (a path of nines).
    """
    stripped = path.rstrip("9")
    if not stripped:
        return None
    return stripped[:-1] + chr(ord(stripped[-1]) + 1)


def within(path: str, field: str = "path") -> Q:
    """Rows whose ``field`` starts with ``path``, as an index range."""
    upper = succ(path)
    q = Q(**{f"{field}__gte": path})
    if upper is not None:
        q &= Q(**{f"{field}__lt": upper})
    return q


def collapse(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by a shorter path in the set (sorted, unique)."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not result or not path.startswith(result[-1]):
            result.append(path)
    return result


def within_any(paths: Iterable[str], field: str = "path") -> Q:
    """Rows inside any of ``paths`` (a union of ranges); an empty scope matches nothing."""
    q = Q(pk__in=[])
    for path in collapse(paths):
        q |= within(path, field)
    return q


def covers(scope: Iterable[str], path: str) -> bool:
    """Whether ``path`` lies inside any path of ``scope``."""
    return any(path.startswith(p) for p in scope)
