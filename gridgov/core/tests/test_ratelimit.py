"""The cache-counted rate limit: a fixed window per key."""

from gridgov.core import ratelimit
from gridgov.core.ratelimit import rate_limit_hit


def test_hits_within_the_limit_pass_then_the_wait_is_given(db):
    now = 1_000_040.0
    assert [rate_limit_hit("k", limit=3, window=60, now=now) for _ in range(3)] == [None, None, None]
    assert rate_limit_hit("k", limit=3, window=60, now=now) == 41  # the window turns at 1_000_080
    assert rate_limit_hit("other", limit=3, window=60, now=now) is None  # keys count apart
    # when the next window begins, the key may go on
    assert rate_limit_hit("k", limit=3, window=60, now=1_000_081.0) is None


def test_a_limit_of_zero_switches_it_off(db):
    assert all(rate_limit_hit("k", limit=0) is None for _ in range(100))


def test_processes_sharing_a_redis_cache_count_together(settings, monkeypatch):
    # given two processes' caches on the same Redis server (skipped when none answers)
    import socket
    import uuid

    import pytest
    from django.core.cache.backends.redis import RedisCache

    url = "redis://127.0.0.1:6379/15"
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    first, second = (
        RedisCache(url, {"KEY_PREFIX": "gridgov-test"}),
        RedisCache(url, {"KEY_PREFIX": "gridgov-test"}),
    )
    key = f"k-{uuid.uuid4().hex}"
    # when each counts hits of one key in turn
    hits = []
    for n in range(4):
        monkeypatch.setattr(ratelimit, "cache", first if n % 2 else second)
        hits.append(rate_limit_hit(key, limit=3, window=60, now=1_000_040.0))  # one window
    # then the fourth hit is over the limit, whichever process takes it
    assert hits[:3] == [None, None, None] and hits[3] is not None
