"""Masking of personal information (ARCHITECTURE §6)."""


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
