"""The work calendar and the platform's audit log.

The work calendar (工作日历): the days that break the default rule that Monday to Friday are
working days and Saturday and Sunday are not (ARCHITECTURE §5, SLA).

One row per exception day: a public holiday (法定节假日), or a make-up working day (调休上班) on
a weekend. Holiday rows that fall on a weekend change nothing but keep the holiday's name. Administrators edit the rows in the admin; the
official State Council schedules are seeded from ``data/work_calendar_cn.json``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("public holiday")
    WORKDAY = "workday", _("make-up working day")


class WorkCalendarDay(models.Model):
    """A day of the work calendar that the Monday-to-Friday rule does not decide alone."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(
        _("name"), max_length=50, help_text=_("The holiday it belongs to, e.g. Spring Festival.")
    )

    class Meta:
        verbose_name = _("work calendar day")
        verbose_name_plural = _("work calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    @property
    def is_working(self) -> bool:
        return self.kind == DayKind.WORKDAY

    def clean(self) -> None:
        if self.kind == DayKind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"kind": _("Only a Saturday or Sunday can be a make-up working day.")})


class AuditAction(models.TextChoices):
    """What an audit entry records (issue 9: sign-ins, denials, reveals, exports, role and
    membership changes, configuration changes)."""

    SIGN_IN = "sign_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
    SIGN_OUT = "sign_out", _("signed out")
    DENIED = "denied", _("permission denied")
    REVEAL = "reveal", _("personal information revealed")
    EXPORT = "export", _("data exported")
    ROLE_CHANGE = "role_change", _("administrative role changed")
    MEMBERSHIP_CHANGE = "membership_change", _("membership changed")
    CONFIG_CHANGE = "config_change", _("configuration changed")
    TWO_FACTOR = "two_factor", _("two-factor device changed")


class AppendOnly(Exception):
    """The audit log is never changed or deleted, only added to."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AppendOnly("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One line of the platform's audit log (ARCHITECTURE §6, issue 9): who did what, to which
    record, when, from where and why. Written by ``core.audit.record`` (and its receivers of
    sign-ins, denials, membership and admin changes); append-only: an existing entry refuses
    to be saved again or deleted."""

    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    identifier = models.CharField(
        _("account"),
        max_length=150,
        blank=True,
        help_text=_("The account name used (the one tried, for a failed sign-in); phone numbers masked."),
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    subject = models.CharField(_("record"), max_length=80, blank=True, help_text=_("app.model:id"))
    field = models.CharField(_("field"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["subject", "at"], name="audit_subject_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject}".rstrip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit entries cannot be deleted")
