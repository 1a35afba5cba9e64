"""Reference data read by every write (categories, SLA policies, the work calendar), kept in the
cache for a short while instead of being queried each time.

Each kind of data has a generation; a change saved through the ORM bumps it (the apps connect
the signals), so the changing process — and every process, when the cache is shared (Redis) —
reads afresh at once. Other processes with their own local cache follow within ``TTL_SECONDS``.
Bulk ``QuerySet.update()`` sends no signal: call ``generation_bump`` after one.
"""

from django.core.cache import cache

TTL_SECONDS = 60
_MISSING = object()


def generation(name: str) -> int:
    return cache.get(f"generation:{name}") or 0


def generation_bump(name: str) -> None:
    cache.set(f"generation:{name}", generation(name) + 1, None)


def cached(name: str, key: str, compute):
    """``compute()``'s value for ``key`` of the data ``name``, from the cache while it is fresh
    (``None`` is a value too)."""
    full_key = f"{name}:{generation(name)}:{key}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full_key, value, TTL_SECONDS)
    return value
