"""Pinyin initials of Chinese text, so that a search box finds 垃圾满溢 by "lj" or "ljmy" as well
as by its characters (pypinyin's dictionary; other characters are kept as they are)."""

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_LETTERS = re.compile(r"^[a-z]+$")


@lru_cache(maxsize=4096)
def initials(text: str) -> str:
    """``垃圾满溢`` -> ``ljmy``; ``C0301 井盖`` -> ``c0301 jg`` (lower case)."""
    return "".join(lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors="default")).lower()


def may_be_initials(term: str) -> bool:
    """Whether a search term could be pinyin initials (Latin letters only)."""
    return bool(_LETTERS.match(term.lower()))
