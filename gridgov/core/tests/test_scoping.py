from gridgov.core.scoping import collapse, covers, succ, within, within_any


def test_succ_increments_the_last_digit_and_carries_over_nines():
    assert succ("211122") == "211123"
    assert succ("211122109") == "21112211"
    assert succ("2199") == "22"
    assert succ("999") is None


def test_within_is_a_half_open_range_on_the_path():
    q = within("211122")
    assert ("path__gte", "211122") in q.children
    assert ("path__lt", "211123") in q.children


def test_collapse_drops_paths_covered_by_a_shorter_one():
    assert collapse(["211122001", "211122", "2103", "211122001211001"]) == ["2103", "211122"]


def test_covers_and_empty_scope():
    assert covers(["211122"], "211122001211")
    assert not covers(["211122"], "211103")
    assert not covers([], "21")
    # An empty scope is a query that matches nothing.
    assert "pk__in" in str(within_any([]))
