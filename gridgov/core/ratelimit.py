"""Rate limits counted in the cache: a fixed window per key.

Shared between processes when the cache is (``GRIDGOV_CACHE_URL`` pointing at Redis); with the
default local-memory cache each process counts on its own.
"""

import time

from django.core.cache import cache


def rate_limit_hit(key: str, *, limit: int, window: int = 60, now: float | None = None) -> int | None:
    """Count one hit of ``key``. ``None`` while within ``limit`` hits per ``window`` seconds,
    else the seconds until the window turns (for ``Retry-After``)."""
    if limit <= 0:
        return None
    now = time.time() if now is None else now
    slot = f"ratelimit:{key}:{int(now // window)}"
    if cache.add(slot, 1, window + 1):
        count = 1
    else:
        try:
            count = cache.incr(slot)
        except ValueError:  # expired between add and incr: a new window
            cache.add(slot, 1, window + 1)
            count = 1
    if count > limit:
        return max(1, int(window - now % window) + 1)
    return None


def client_ip(request) -> str | None:
    """The address a request came from, as the server (or the proxy in front of it, through
    the WSGI server's own handling) reports it; ``None`` without a request."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
