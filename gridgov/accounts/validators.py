"""Mainland China mobile numbers: normalising what people type and checking the format."""

import re

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()]")


def normalize_mobile(value: str | None) -> str:
    """``'+86 138-1234-5678'`` -> ``'13812345678'``; anything else is returned stripped."""
    digits = _SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def is_mainland_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(value))
