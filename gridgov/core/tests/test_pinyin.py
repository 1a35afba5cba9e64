"""Pinyin initials for search boxes: Chinese characters by their initials, the rest kept."""

import pytest

from gridgov.core.pinyin import initials, may_be_initials


@pytest.mark.parametrize(
    ("text", "expected"),
    [("垃圾满溢", "ljmy"), ("井盖缺失/破损", "jgqs/ps"), ("C0301 路灯", "c0301 ld"), ("", "")],
)
def test_initials(text, expected):
    assert initials(text) == expected


def test_only_latin_letters_may_be_initials():
    assert may_be_initials("lj") and may_be_initials("LJ")
    assert not may_be_initials("c0301") and not may_be_initials("垃圾") and not may_be_initials("")
