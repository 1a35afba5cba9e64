"""Masking personal information, also inside free text made public."""

import pytest

from gridgov.core.masking import mask_id_number, mask_name, mask_phone, redact_text


def test_fields_are_masked():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_name("欧阳娜娜") == "欧***"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812345678，请回电", "电话138****5678，请回电"),
        ("身份证11010519491231002x。", "身份证110105********002x。"),
        ("编号 20261127000001 不是手机号", "编号 20261127000001 不是手机号"),
        ("门牌 12 号，面积 3 平方米", "门牌 12 号，面积 3 平方米"),
        ("ID 110105194912310021 and 13912345678", "ID 110105********0021 and 139****5678"),
        ("", ""),
    ],
)
def test_phone_and_id_numbers_inside_text_are_masked(text, expected):
    assert redact_text(text) == expected


def test_email_is_masked():
    from gridgov.core.masking import mask_email

    assert mask_email("wangxl@example.cn") == "w*****@example.cn"
    assert mask_email("a@b.cn") == "a*@b.cn" and mask_email("") == "" and mask_email("nonsense") == "********"
