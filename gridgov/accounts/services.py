"""Writes of accounts: SMS login codes, password sign-in with lockout, two-factor codes
(TOTP) for staff, resident accounts.

Sign-in failures are told apart from nothing: every refusal (unknown account, wrong password
or code, expired code) carries the same generic message, so the page never reveals whether an
account exists. Failures are counted per account identifier (username or phone) and per client
address in ``LoginLockout``; after ``GRIDGOV_LOGIN_MAX_FAILURES`` (an address:
``GRIDGOV_LOGIN_IP_MAX_FAILURES``) the identifier is locked for
``GRIDGOV_LOGIN_LOCKOUT_SECONDS``, during which even the right password or code is refused
with ``RateLimited`` (429, with the seconds to wait). Unknown usernames and phone numbers are
locked the same way, so a lock says nothing about an account either.
"""

import math
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridgov.core import audit
from gridgov.core.errors import Conflict, DomainError, PermissionDenied, RateLimited, ValidationFailed
from gridgov.core.models import AuditAction

from . import selectors
from .models import LoginCode, LoginLockout, Notification, TotpDevice, User
from .sms import sms_send
from .validators import is_mainland_mobile, normalize_mobile

CODE_RE = re.compile(r"^\d{6}$")
PASSWORD_FAILED = _("Incorrect username or password.")
CODE_FAILED = _("Incorrect phone number or code.")
TOTP_FAILED = _("Incorrect code.")
LOCKED = _("Too many failed attempts. Please try again later.")
TOTP_ALREADY = _("Two-factor authentication is already set up.")


class InvalidCredentials(DomainError):
    """A sign-in was refused; the message is deliberately the same for every reason."""

    status = 400
    code = "invalid_credentials"
    default_message = PASSWORD_FAILED


# --- Failure counting and lockout ------------------------------------------------------------


def ip_identifier(ip: str) -> str:
    """The lockout identifier of a client address (no username or phone contains a colon)."""
    return f"ip:{ip}"


@transaction.atomic
def login_failure_record(*, identifier: str, limit: int | None = None) -> LoginLockout:
    """Count one failed sign-in of ``identifier``; lock it when the count reaches ``limit``
    (default ``GRIDGOV_LOGIN_MAX_FAILURES``).

    Failures older than the lockout window, and an expired lock, start the count afresh.
    """
    limit = settings.GRIDGOV_LOGIN_MAX_FAILURES if limit is None else limit
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
    if row.failures >= limit:
        row.locked_until = now + window
    row.save()
    return row


def _failure_record(*, identifier: str, ip: str | None) -> None:
    """A failed sign-in counts against the account identifier and the client address."""
    login_failure_record(identifier=identifier)
    if ip:
        login_failure_record(identifier=ip_identifier(ip), limit=settings.GRIDGOV_LOGIN_IP_MAX_FAILURES)


def _refuse_if_locked(*, identifier: str, ip: str | None) -> None:
    """``RateLimited`` (with the seconds to wait) while the identifier or the address is locked."""
    now = timezone.now()
    for locked in (identifier, ip_identifier(ip) if ip else None):
        until = selectors.login_locked_until(identifier=locked, now=now) if locked else None
        if until is not None:
            raise RateLimited(LOCKED, retry_after=_seconds(until - now))


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


def login_password_verify(*, username: str, password: str, request=None, ip: str | None = None) -> User:
    """The user for ``username`` + ``password``, or ``InvalidCredentials``; ``RateLimited``
    while the username or the client address ``ip`` is locked (the password is not checked).

    Goes through Django's authentication backends (password hashing and its upgrade to the
    first configured hasher, inactive users refused, ``user_login_failed`` signal). When the
    user still has to give a two-factor code (``totp_step_needed``) their earlier failures are
    kept: only a complete sign-in forgets them.
    """
    identifier = (username or "").strip()
    try:
        if not identifier or not password:
            raise InvalidCredentials(PASSWORD_FAILED)
        _refuse_if_locked(identifier=identifier, ip=ip)
    except DomainError:
        user_login_failed.send(sender=__name__, credentials={"username": identifier}, request=request)
        raise
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        _failure_record(identifier=identifier, ip=ip)
        raise InvalidCredentials(PASSWORD_FAILED)
    if not totp_step_needed(user):
        login_failures_reset(identifier=identifier)
    return user


# --- Staff: two-factor codes (TOTP, RFC 6238) ---------------------------------------------------


def totp_mode() -> str:
    """``required``, ``optional`` or ``off`` (``GRIDGOV_STAFF_TOTP``)."""
    return settings.GRIDGOV_STAFF_TOTP


def totp_applies(user) -> bool:
    """Whether ``user`` is staff that two-factor codes are for: administrators (``is_staff``,
    ``is_superuser``) and command-centre operators; nobody while the mode is ``off``."""
    if totp_mode() == "off" or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    from gridgov.orgs.models import Role
    from gridgov.orgs.selectors import has_role

    return has_role(user, Role.CENTRE_OPERATOR)


def totp_step_needed(user) -> bool:
    """Whether signing in takes a code after the password: the user has a confirmed device
    (in ``optional`` and ``required`` mode alike)."""
    return totp_mode() != "off" and selectors.totp_device_confirmed(user) is not None


def _totp_step(device: TotpDevice, code: str, now=None) -> int | None:
    """The time step ``code`` is valid for (this step or one either side, for clock drift),
    unless that step or a later one was already used: a code is accepted once."""
    code = (code or "").strip().replace(" ", "")
    if not CODE_RE.match(code):
        return None
    totp = pyotp.TOTP(device.secret)
    current = totp.timecode(now or timezone.now())
    for step in (current, current - 1, current + 1):
        if step > device.last_step and constant_time_compare(totp.generate_otp(step), code):
            return step
    return None


def _totp_use(device: TotpDevice, step: int) -> bool:
    """Record ``step`` as used; ``False`` when a concurrent request used it first."""
    return bool(TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step))


def totp_uri(device: TotpDevice) -> str:
    """The ``otpauth://`` URI an authenticator app reads (typed, or as a QR code)."""
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.get_username(), issuer_name=gettext("Smart Grid")
    )


@transaction.atomic
def totp_enrol_start(*, actor: User) -> TotpDevice:
    """The device ``actor`` is enrolling: a new secret the first time, the same one while it is
    not confirmed (the page may be opened again). ``Conflict`` once a device is confirmed."""
    if not totp_applies(actor):
        raise PermissionDenied()
    device, _created = TotpDevice.objects.select_for_update().get_or_create(
        user=actor, defaults={"secret": pyotp.random_base32()}
    )
    if device.is_confirmed:
        raise Conflict(TOTP_ALREADY)
    return device


@transaction.atomic
def totp_enrol_confirm(*, actor: User, code: str) -> TotpDevice:
    """Confirm the device ``actor`` is enrolling with a code it shows; from then on signing in
    takes a code, and the secret is never shown again."""
    device = TotpDevice.objects.select_for_update().filter(user=actor).first()
    if device is None or device.is_confirmed:
        raise Conflict(TOTP_ALREADY)
    step = _totp_step(device, code)
    if step is None:
        raise ValidationFailed(
            fields={"code": [_("The code is not right: enter the 6 digits the app shows now.")]}
        )
    device.confirmed_at = timezone.now()
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    audit.record(AuditAction.TWO_FACTOR, actor=actor, obj=actor, detail={"change": "enrolled"})
    return device


def login_totp_verify(*, user: User, code: str, request=None, ip: str | None = None) -> User:
    """The second step of a staff sign-in: ``user`` (whose password was right) with a code of
    their confirmed device, or ``InvalidCredentials``. Wrong codes count towards the lockout of
    the username and of the address like wrong passwords; a lock refuses with ``RateLimited``.
    A complete sign-in forgets the earlier failures."""
    identifier = user.get_username()
    _refuse_if_locked(identifier=identifier, ip=ip)
    device = selectors.totp_device_confirmed(user)
    step = _totp_step(device, code) if device is not None else None
    if step is None or not _totp_use(device, step):
        _failure_record(identifier=identifier, ip=ip)
        user_login_failed.send(sender=__name__, credentials={"username": identifier}, request=request)
        raise InvalidCredentials(TOTP_FAILED)
    login_failures_reset(identifier=identifier)
    return user


@transaction.atomic
def totp_device_reset(*, actor: User, users: Iterable[User]) -> int:
    """An administrator removes users' two-factor devices (a lost phone): they sign in with
    their password alone, or enrol again before anything else where codes are required."""
    devices = TotpDevice.objects.filter(user__in=list(users)).select_related("user")
    for device in devices:
        audit.record(AuditAction.TWO_FACTOR, actor=actor, obj=device.user, detail={"change": "reset"})
    deleted, _details = devices.delete()
    return deleted


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
        raise RateLimited(LOCKED, retry_after=_seconds(locked_until - now))
    latest = selectors.login_code_latest(phone=phone)
    if latest is not None:
        resend_at = latest.created_at + timedelta(seconds=settings.GRIDGOV_LOGIN_CODE_RESEND_SECONDS)
        if resend_at > now:
            wait = _seconds(resend_at - now)
            message = gettext("Please wait %(seconds)s seconds before asking for another code.") % {
                "seconds": wait
            }
            raise RateLimited(message, retry_after=wait)
    hour_ago = now - timedelta(hours=1)
    sent = selectors.login_codes_to_phone_since(phone=phone, since=hour_ago)
    per_phone = settings.GRIDGOV_LOGIN_CODES_PER_PHONE_HOUR
    if per_phone > 0 and len(sent) >= per_phone:
        # The next code may go when the oldest of the hour's codes that count is an hour old.
        raise RateLimited(
            _("Too many codes were sent to this number. Please try again later."),
            retry_after=_seconds(sent[-per_phone] + timedelta(hours=1) - now),
        )
    if (
        ip
        and selectors.login_codes_sent_since(ip=ip, since=hour_ago)
        >= settings.GRIDGOV_LOGIN_CODES_PER_IP_HOUR
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
    # Accounts that reach the admin site, and staff who sign in with a two-factor code, sign in
    # with their password only: a code alone (one SIM swap away) must not open them.
    if not user.is_active or user.is_staff or user.is_superuser or totp_applies(user):
        return None
    return user


def login_code_verify(*, phone: str, code: str, ip: str | None = None) -> User:
    """The user for ``phone`` + ``code`` (created on a resident's first sign-in), or
    ``InvalidCredentials``; ``RateLimited`` while the phone number or the client address ``ip``
    is locked. A wrong code counts as a failure of the phone number and of the address."""
    phone = normalize_mobile(phone)
    code = (code or "").strip()
    if not is_mainland_mobile(phone):
        raise InvalidCredentials(CODE_FAILED)
    _refuse_if_locked(identifier=phone, ip=ip)
    user = _login_code_consume(phone=phone, code=code) if CODE_RE.match(code) else None
    if user is None:
        _failure_record(identifier=phone, ip=ip)
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
