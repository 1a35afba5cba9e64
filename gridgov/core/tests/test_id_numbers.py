"""GB 11643 identity numbers: the check character, the birth date, the shape."""

import pytest
from django.core.exceptions import ValidationError

from gridgov.core.validators import (
    id_number_check_char,
    id_number_valid,
    normalize_id_number,
    validate_id_number,
)


@pytest.mark.parametrize(
    "value",
    ["11010519491231002X", "11010519491231002x", "211122196503120014", " 211122198807150027 "],
)
def test_valid_identity_numbers(value):
    assert id_number_valid(value)
    validate_id_number(value)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("110105194912310021", "check character"),
        ("110105194902300028", "birth date"),  # 30 February
        ("11010519491231002", "17 digits"),
        ("1101051949123100XX", "17 digits"),
    ],
)
def test_invalid_identity_numbers_say_why(value, problem, settings):
    settings.LANGUAGE_CODE = "en"
    assert not id_number_valid(value)
    with pytest.raises(ValidationError, match=problem):
        validate_id_number(value)


def test_the_check_character_and_normalising():
    assert id_number_check_char("11010519491231002") == "X"
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"
