"""National formats: unified social credit codes (GB 32100-2015) and mainland mobile numbers."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from gridgov.core.validators import (
    USCC_CHARSET,
    normalize_uscc,
    uscc_check_char,
    uscc_valid,
    validate_mainland_mobile,
    validate_uscc,
)

#: The example printed in GB 32100-2015 and quoted everywhere (a Fuzhou registration).
STANDARD_EXAMPLE = "91350100M000100Y43"
#: Made-up codes of 盘山县 (211122) registrations: a company, a cooperative, an individual business.
PANSHAN_CODES = ["91211122MA0UB5LK20", "93211122MA0Y7KJ61U", "92211122MA0XW9DL7B"]


def test_the_standards_example_has_the_check_character_we_compute():
    # Given the first 17 characters of the standard's example
    # When the check character is computed
    # Then it is the printed one
    assert uscc_check_char(STANDARD_EXAMPLE[:17]) == STANDARD_EXAMPLE[17] == "3"
    assert uscc_valid(STANDARD_EXAMPLE)


@pytest.mark.parametrize("code", PANSHAN_CODES)
def test_valid_codes_pass(code):
    assert uscc_valid(code)
    validate_uscc(code)  # does not raise


def test_the_check_character_wraps_31_to_0():
    # Given 17 zeros the weighted sum is 0, so 31 - 0 = 31, which becomes 0
    assert uscc_check_char("0" * 17) == "0"
    assert uscc_valid("0" * 18)


@pytest.mark.parametrize("code", PANSHAN_CODES)
def test_a_wrong_check_character_fails(code):
    for wrong in (c for c in USCC_CHARSET if c != code[17]):
        assert not uscc_valid(code[:17] + wrong)


def test_a_single_typo_is_caught():
    # Given a valid code with one character of the body changed
    code = PANSHAN_CODES[0]
    typo = code[:10] + ("1" if code[10] != "1" else "2") + code[11:]
    # Then the check character no longer matches
    assert not uscc_valid(typo)


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V", "-", " ", "中"])
def test_characters_outside_the_charset_fail(letter):
    code = PANSHAN_CODES[0]
    assert not uscc_valid(code[:5] + letter + code[6:])


@pytest.mark.parametrize("code", ["", "91211122MA0UB5LK2", "91211122MA0UB5LK200", "9121112", None], ids=repr)
def test_a_wrong_length_fails(code):
    assert not uscc_valid(code)


def test_lower_case_and_blanks_are_accepted_and_normalised():
    # Given a code typed in lower case with blanks around it
    typed = f"  {PANSHAN_CODES[0].lower()} "
    # Then it is valid, and stored in capitals without the blanks
    assert uscc_valid(typed)
    validate_uscc(typed)
    assert normalize_uscc(typed) == PANSHAN_CODES[0]


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9121112", "18 位"),
        ("91211122MA0UB5LKI0", "I、O、Z、S、V"),
        ("91211122MA0UB5LK21", "校验码"),
    ],
)
def test_the_validator_says_what_is_wrong_in_chinese(code, fragment):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_uscc(code)
    assert excinfo.value.code == "invalid_uscc"
    assert fragment in str(excinfo.value.messages[0])


@pytest.mark.parametrize("phone", ["13812345678", "+86 138-1234-5678", "0086 19912345678", "138 1234 5678"])
def test_mainland_mobiles_pass(phone):
    validate_mainland_mobile(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "0427-3512001", "abc", ""])
def test_other_numbers_fail(phone):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_mainland_mobile(phone)
    assert "手机号" in excinfo.value.messages[0]
