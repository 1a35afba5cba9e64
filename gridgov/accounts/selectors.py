"""Reads of accounts: login codes, lockouts and the SMS outbox."""

from django.utils import timezone

from .models import LoginCode, LoginLockout, Notification, TotpDevice


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


def login_codes_to_phone_since(*, phone: str, since) -> list:
    """When the codes sent to ``phone`` since ``since`` were made, oldest first."""
    return list(
        LoginCode.objects.filter(phone=phone, created_at__gte=since)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )


def totp_device_confirmed(user) -> TotpDevice | None:
    """The user's confirmed two-factor device, if any."""
    if not getattr(user, "pk", None):
        return None
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def totp_device_of(user) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user).first()
