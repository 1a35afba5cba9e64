"""What is validated nationally (ARCHITECTURE §6): resident identity numbers (GB 11643), unified
social credit codes (GB 32100) and mainland China mobile numbers (the format lives in
``gridgov.accounts.validators``)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.validators import MOBILE_RE, is_mainland_mobile, normalize_mobile

__all__ = [
    "id_number_check_char",
    "id_number_valid",
    "normalize_id_number",
    "validate_id_number",
    "MOBILE_RE",
    "USCC_CHARSET",
    "USCC_LENGTH",
    "USCC_WEIGHTS",
    "is_mainland_mobile",
    "normalize_mobile",
    "normalize_uscc",
    "uscc_check_char",
    "uscc_valid",
    "validate_mainland_mobile",
    "validate_uscc",
]

# --- Unified social credit code (统一社会信用代码, GB 32100-2015) -------------------------------
#
# 18 characters: registration authority (1), organisation type (1), the registering authority's
# division code (6), the organisation's identification code (9) and a check character computed
# from the first 17. The charset is the digits and the capital letters except I, O, Z, S, V.

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUES = {char: value for value, char in enumerate(USCC_CHARSET)}


def normalize_uscc(value: str | None) -> str:
    """What people type, as stored: without surrounding blanks, in capitals."""
    return (value or "").strip().upper()


def uscc_check_char(first17: str) -> str:
    """The check character of the first 17 characters (already normalised and in the charset):
    ``31 - (Σ value × weight mod 31)``, where 31 becomes 0."""
    total = sum(_USCC_VALUES[char] * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def _uscc_problem(code: str):
    """The message for what is wrong with a normalised ``code``, or ``None``."""
    if len(code) != USCC_LENGTH:
        return _("A unified social credit code has 18 characters.")
    if any(char not in _USCC_VALUES for char in code):
        return _(
            "A unified social credit code has only digits and capital letters other than I, O, Z, S and V."
        )
    if uscc_check_char(code[:17]) != code[17]:
        return _("The check character (the 18th) does not match: please check the code for typos.")
    return None


def uscc_valid(code: str | None) -> bool:
    """Whether ``code`` is a unified social credit code: 18 characters of the charset with the
    right check character. Case and surrounding blanks do not matter (see ``normalize_uscc``)."""
    return _uscc_problem(normalize_uscc(code)) is None


def validate_uscc(value: str) -> None:
    """Django validator (model and form fields) for a unified social credit code."""
    problem = _uscc_problem(normalize_uscc(value))
    if problem is not None:
        raise ValidationError(problem, code="invalid_uscc")


# --- Mainland China mobile numbers ------------------------------------------------------------


def validate_mainland_mobile(value: str) -> None:
    """Django validator for a mainland China mobile number; separators and +86 are allowed
    (store ``normalize_mobile(value)``)."""
    if not is_mainland_mobile(normalize_mobile(value)):
        raise ValidationError(_("Enter an 11-digit mainland China mobile number."), code="invalid_mobile")


# --- Citizen identification number (公民身份号码, GB 11643-1999) -----------------------------------
#
# 18 characters: the division code of the place of registration (6), the birth date (8), a
# sequence (3; odd for men, even for women) and a check character: the weighted sum of the
# first 17 digits modulo 11 indexes "10X98765432".

ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_id_number(value: str | None) -> str:
    """Blanks removed and a final x as X."""
    return "".join((value or "").split()).upper()


def id_number_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_NUMBER_WEIGHTS, strict=True)) % 11]


def _id_number_problem(value: str):
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return _("An identity number has 17 digits and a digit or X.")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _("The birth date in this identity number does not exist.")
    if id_number_check_char(value[:17]) != value[17]:
        return _("The check character of this identity number is wrong.")
    return None


def id_number_valid(value: str | None) -> bool:
    return _id_number_problem(normalize_id_number(value)) is None


def validate_id_number(value: str) -> None:
    """Django validator for a citizen identification number (store ``normalize_id_number``)."""
    problem = _id_number_problem(normalize_id_number(value))
    if problem is not None:
        raise ValidationError(problem, code="invalid_id_number")
