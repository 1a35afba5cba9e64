"""Reads of accounts: login codes, lockouts and the SMS outbox."""

from django.utils import timezone

from .models import LoginCode, LoginLockout, Notification


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


def notifications_of(user, *, unread: bool = False):
    qs = Notification.objects.filter(user=user)
    return qs.filter(read_at__isnull=True) if unread else qs


def notifications_unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
