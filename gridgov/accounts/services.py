"""Writes of accounts: SMS login codes, password sign-in with lockout, resident accounts.

Sign-in failures are told apart from nothing: every refusal (unknown account, wrong password
or code, expired code, locked account) carries the same generic message, so the page never
reveals whether an account exists. Failures are counted per account identifier (username or
phone) in ``LoginLockout``; after ``GRIDGOV_LOGIN_MAX_FAILURES`` the identifier is locked for
``GRIDGOV_LOGIN_LOCKOUT_SECONDS``, during which even the right password or code is refused.
"""

import math
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import DomainError, RateLimited, ValidationFailed

from . import selectors
from .models import LoginCode, LoginLockout, Notification, User
from .sms import sms_send
from .validators import is_mainland_mobile, normalize_mobile

CODE_RE = re.compile(r"^\d{6}$")
# Codes one client address may ask for in an hour, whatever the phone numbers (SMS bombing).
MAX_CODES_PER_IP_PER_HOUR = 20
PASSWORD_FAILED = _("Incorrect username or password.")
CODE_FAILED = _("Incorrect phone number or code.")


class InvalidCredentials(DomainError):
    """A sign-in was refused; the message is deliberately the same for every reason."""

    status = 400
    code = "invalid_credentials"
    default_message = PASSWORD_FAILED


# --- Failure counting and lockout ------------------------------------------------------------


@transaction.atomic
def login_failure_record(*, identifier: str) -> LoginLockout:
    """Count one failed sign-in of ``identifier``; lock it when the count reaches the limit.

    Failures older than the lockout window, and an expired lock, start the count afresh.
    """
    now = timezone.now()
    window = timedelta(seconds=settings.GRIDGOV_LOGIN_LOCKOUT_SECONDS)
    row, _created = LoginLockout.objects.select_for_update().get_or_create(identifier=identifier[:150])
    lock_expired = row.locked_until is not None and row.locked_until <= now
    stale = row.last_failure_at is not None and row.last_failure_at <= now - window
    if lock_expired or stale:
        row.failures, row.locked_until = 0, None
    if row.is_locked(now):
        return row  # already locked: a failure during the lock neither extends nor resets it
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= settings.GRIDGOV_LOGIN_MAX_FAILURES:
        row.locked_until = now + window
    row.save()
    return row


def login_failures_reset(*, identifier: str) -> None:
    """A successful sign-in forgets the earlier failures."""
    LoginLockout.objects.filter(identifier=identifier).delete()


@transaction.atomic
def login_lockout_clear(*, actor: User, lockouts: Iterable[LoginLockout]) -> int:
    """An administrator lifts locks (and failure counts) before they run out."""
    ids = [lockout.pk for lockout in lockouts]
    deleted, _details = LoginLockout.objects.filter(pk__in=ids).delete()
    return deleted


# --- Staff: username + password ----------------------------------------------------------------


def login_password_verify(*, username: str, password: str, request=None) -> User:
    """The user for ``username`` + ``password``, or ``InvalidCredentials``.

    Goes through Django's authentication backends (password hashing, inactive users refused,
    ``user_login_failed`` signal). A locked username is refused without checking the password.
    """
    identifier = (username or "").strip()
    if not identifier or not password or selectors.login_locked_until(identifier=identifier) is not None:
        user_login_failed.send(sender=__name__, credentials={"username": identifier}, request=request)
        raise InvalidCredentials(PASSWORD_FAILED)
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        login_failure_record(identifier=identifier)
        raise InvalidCredentials(PASSWORD_FAILED)
    login_failures_reset(identifier=identifier)
    return user


# --- Residents: phone + SMS code ----------------------------------------------------------------


def _code_hash(phone: str, code: str) -> str:
    return salted_hmac("gridgov.accounts.login_code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def _phone_or_error(phone: str) -> str:
    phone = normalize_mobile(phone)
    if not is_mainland_mobile(phone):
        raise ValidationFailed(fields={"phone": [_("Enter an 11-digit mainland China mobile number.")]})
    return phone


@transaction.atomic
def login_code_send(*, phone: str, ip: str | None) -> LoginCode:
    """Create a 6-digit login code for ``phone`` and text it (on commit).

    ``ValidationFailed`` for a number that is not a mainland mobile number; ``RateLimited``
    when a code was sent to this number less than ``GRIDGOV_LOGIN_CODE_RESEND_SECONDS`` ago,
    when the number is locked, or when ``ip`` asked for too many codes this hour.
    """
    phone = _phone_or_error(phone)
    now = timezone.now()
    locked_until = selectors.login_locked_until(identifier=phone, now=now)
    if locked_until is not None:
        raise RateLimited(
            _("Too many failed attempts. Please try again later."), retry_after=_seconds(locked_until - now)
        )
    latest = selectors.login_code_latest(phone=phone)
    if latest is not None:
        resend_at = latest.created_at + timedelta(seconds=settings.GRIDGOV_LOGIN_CODE_RESEND_SECONDS)
        if resend_at > now:
            wait = _seconds(resend_at - now)
            message = gettext("Please wait %(seconds)s seconds before asking for another code.") % {
                "seconds": wait
            }
            raise RateLimited(message, retry_after=wait)
    if (
        ip
        and selectors.login_codes_sent_since(ip=ip, since=now - timedelta(hours=1))
        >= MAX_CODES_PER_IP_PER_HOUR
    ):
        raise RateLimited(_("Too many codes were requested. Please try again later."), retry_after=3600)

    code = f"{secrets.randbelow(1_000_000):06d}"
    ttl = settings.GRIDGOV_LOGIN_CODE_TTL_SECONDS
    login_code = LoginCode.objects.create(
        phone=phone, code_hash=_code_hash(phone, code), expires_at=now + timedelta(seconds=ttl), ip=ip or None
    )
    text = gettext("[Smart Grid] Your login code is %(code)s. It is valid for %(minutes)s minutes.") % {
        "code": code,
        "minutes": max(1, ttl // 60),
    }
    sms_send(phone=phone, text=text)
    return login_code


def _resident_username(phone: str) -> str:
    """A resident's username is ``r`` + their phone number (with a suffix if it is taken)."""
    base = candidate = f"r{phone}"
    n = 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def resident_create(*, phone: str) -> User:
    """The account of a resident who signed in with their phone for the first time."""
    try:
        with transaction.atomic():
            return User.objects.create_user(
                username=_resident_username(phone), phone=phone
            )  # unusable password
    except IntegrityError:  # created by a concurrent sign-in with the same phone
        return User.objects.get(phone=phone)


@transaction.atomic
def _login_code_consume(*, phone: str, code: str) -> User | None:
    """Use the latest code of ``phone`` if it matches; ``None`` for any refusal."""
    now = timezone.now()
    latest = LoginCode.objects.select_for_update().filter(phone=phone).order_by("-created_at", "-pk").first()
    if (
        latest is None
        or latest.used_at is not None
        or latest.expires_at <= now
        or latest.attempts >= settings.GRIDGOV_LOGIN_MAX_FAILURES
    ):
        return None
    if not constant_time_compare(latest.code_hash, _code_hash(phone, code)):
        LoginCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
        return None
    if not LoginCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now):
        return None
    user = User.objects.filter(phone=phone).first() or resident_create(phone=phone)
    # Accounts that reach the admin site sign in with their password only: a code alone
    # (one SIM swap away) must not open them.
    if not user.is_active or user.is_staff or user.is_superuser:
        return None
    return user


def login_code_verify(*, phone: str, code: str) -> User:
    """The user for ``phone`` + ``code`` (created on a resident's first sign-in), or
    ``InvalidCredentials``. A wrong code counts as a failure of the phone number."""
    phone = normalize_mobile(phone)
    code = (code or "").strip()
    if not is_mainland_mobile(phone) or selectors.login_locked_until(identifier=phone) is not None:
        raise InvalidCredentials(CODE_FAILED)
    user = _login_code_consume(phone=phone, code=code) if CODE_RE.match(code) else None
    if user is None:
        login_failure_record(identifier=phone)
        raise InvalidCredentials(CODE_FAILED)
    login_failures_reset(identifier=phone)
    return user


# --- Notifications (in-app inbox, SMS for residents) -----------------------------------------


def notifications_send(
    *,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    source: str,
    sms: bool = False,
) -> int:
    """Put one message in each user's inbox (once per ``source``: sending again stores nothing
    new) and, with ``sms``, text it to those who got it for the first time and have a phone."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return 0
    with transaction.atomic():
        already = set(
            Notification.objects.filter(user_id__in=user_ids, source=source).values_list("user_id", flat=True)
        )
        fresh = [uid for uid in user_ids if uid not in already]
        Notification.objects.bulk_create(
            [
                Notification(user_id=uid, kind=kind, title=title[:200], body=body, url=url, source=source)
                for uid in fresh
            ],
            ignore_conflicts=True,
        )
        if sms and fresh:
            text = f"{title} {body}".strip()
            for phone in User.objects.filter(pk__in=fresh, phone__isnull=False).values_list(
                "phone", flat=True
            ):
                sms_send(phone=phone, text=text)
    return len(fresh)


def notification_read(*, actor: User, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_read_all(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
