"""The cache-counted rate limit: a fixed window per key."""

from unittest import mock

from gridgov.core import ratelimit
from gridgov.core.ratelimit import rate_limit_hit


def test_hits_within_the_limit_pass_then_the_wait_is_given(db):
    with mock.patch.object(ratelimit.time, "time", return_value=1_000_040.0):
        assert [rate_limit_hit("k", limit=3, window=60) for _ in range(3)] == [None, None, None]
        assert rate_limit_hit("k", limit=3, window=60) == 41  # the window turns at 1_000_080
        assert rate_limit_hit("other", limit=3, window=60) is None  # keys count apart
    # when the next window begins, the key may go on
    with mock.patch.object(ratelimit.time, "time", return_value=1_000_081.0):
        assert rate_limit_hit("k", limit=3, window=60) is None


def test_a_limit_of_zero_switches_it_off(db):
    assert all(rate_limit_hit("k", limit=0) is None for _ in range(100))
