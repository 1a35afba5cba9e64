from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.masking import mask_phone


class User(AbstractUser):
    """A person who signs in: staff with username + password, residents with phone + code."""

    full_name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=11, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        # Not the username: a resident's username contains their phone number.
        return self.display_name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def display_name(self) -> str:
        """What the UI calls the user: the name, else the masked phone (a resident's username
        contains their phone number), else the username."""
        return self.full_name or self.masked_phone or self.username


class TokenPurpose(models.TextChoices):
    """What a token opens: the platform API (``/api/``) or the Open311 adapter (``/open311/``)."""

    API = "api", _("platform API")
    OPEN311 = "open311", _("Open311 client")


class ApiToken(models.Model):
    """A bearer token for machine clients and scripts; only its SHA-256 digest is stored. A
    token opens one door only (its ``purpose``): an Open311 key is no platform API token."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=TokenPurpose.choices, default=TokenPurpose.API
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_valid(self, now=None) -> bool:
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > (now or timezone.now()))
            and self.user.is_active
        )


class Open311Key(ApiToken):
    """The keys of Open311 clients (a 数字城管 system, a third-party app), administered apart
    from the platform's API tokens."""

    class Meta:
        proxy = True
        verbose_name = _("Open311 client key")
        verbose_name_plural = _("Open311 client keys")


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class SmsMessage(models.Model):
    """The SMS outbox: every message the platform sends, with how its delivery went."""

    phone = models.CharField(_("mobile phone"), max_length=11, db_index=True)
    text = models.TextField(_("text"))
    backend = models.CharField(_("backend"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=SmsStatus.choices, default=SmsStatus.QUEUED)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS outbox")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} · {self.get_status_display()}"


class LoginCode(models.Model):
    """A one-time SMS login code; only a keyed hash of the code is stored."""

    phone = models.CharField(_("mobile phone"), max_length=11)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("login code")
        verbose_name_plural = _("login codes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["phone", "created_at"], name="logincode_phone_created"),
            models.Index(fields=["ip", "created_at"], name="logincode_ip_created"),
        ]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class LoginLockout(models.Model):
    """Failed sign-ins (wrong password or wrong code) of one account identifier — a username
    or a phone number — and the lock they put on it."""

    identifier = models.CharField(_("account"), max_length=150, unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("login lockout")
        verbose_name_plural = _("login lockouts")
        ordering = ["-last_failure_at"]

    def __str__(self) -> str:
        return self.identifier

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class NotificationKind(models.TextChoices):
    NEW_REPORT = "new_report", _("report to verify")
    NEW_CASE = "new_case", _("case to accept")
    NEW_TASK = "new_task", _("new task")
    TASK_RETURNED = "task_returned", _("task returned")
    TO_CHECK = "to_check", _("fix to re-check")
    REWORK = "rework", _("rework")
    SUPERVISED = "supervised", _("supervised (督办)")
    URGED = "urged", _("urged (催办)")
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")
    PLEASE_RATE = "please_rate", _("fixed — please rate")
    CASE_UPDATE = "case_update", _("case update")
    WISH_UNCLAIMED = "wish_unclaimed", _("micro-wish unclaimed")


class Notification(models.Model):
    """One message in a user's in-app inbox. ``source`` names what raised it (an event, a
    deadline), so raising it twice stores it once."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    source = models.CharField(max_length=80)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "source"], name="notification_once")]
        indexes = [models.Index(fields=["user", "read_at", "created_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title


class TotpDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238): the shared secret, and the last time step
    a code was accepted for, so that no code is accepted twice. The secret is shown while the
    device is being enrolled and never again once it is confirmed."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    last_step = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
