"""Masking of personal information (ARCHITECTURE §6)."""

import re


def mask_phone(phone: str | None) -> str:
    """``13812345678`` -> ``138****5678``."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_id_number(value: str | None) -> str:
    """``11010519491231002X`` -> ``110105********002X``."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_name(name: str | None) -> str:
    """``孟倩`` -> ``孟*``; ``欧阳娜娜`` -> ``欧***``."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def mask_address(address: str | None) -> str:
    """``张家村1组1号`` -> ``张家村***``: the first part (at most six characters, half the
    address) kept, the rest masked."""
    if not address:
        return ""
    keep = min(6, max(len(address) // 2, 1))
    return address[:keep] + "*" * (len(address) - keep)


def mask_email(email: str | None) -> str:
    """``wangxl@example.cn`` -> ``w*****@example.cn``."""
    if not email:
        return ""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{domain}" if domain else "*" * len(email)


_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def redact_text(text: str | None) -> str:
    """Free text made public (a description, a note): ID numbers and mobile numbers someone
    typed into it are masked like the fields they belong in."""
    if not text:
        return ""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)
