"""Mainland China mobile numbers (normalising what people type and checking the format), and the
minimum password length rule."""

import re

from django.contrib.auth import password_validation
from django.utils.translation import ngettext

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


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule, with a message of the platform's own: Django's is not translated into
    Chinese in every release."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: it must have at least %(min_length)d character.",
            "This password is too short: it must have at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
