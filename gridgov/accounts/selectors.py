"""Reads of accounts: login codes, lockouts and the SMS outbox."""

from django.utils import timezone

from .models import LoginCode, LoginLockout


def login_locked_until(*, identifier: str, now=None):
    """When the lock on ``identifier`` (a username or phone) runs out; ``None`` if not locked."""
    return (
        LoginLockout.objects.filter(identifier=identifier, locked_until__gt=now or timezone.now())
        .values_list("locked_until", flat=True)
        .first()
    )


def login_code_latest(*, phone: str) -> LoginCode | None:
    return LoginCode.objects.filter(phone=phone).order_by("-created_at", "-pk").first()


def login_codes_sent_since(*, ip: str, since) -> int:
    return LoginCode.objects.filter(ip=ip, created_at__gte=since).count()
