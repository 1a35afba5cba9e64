"""The work calendar and the audit log of personal information revealed.

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


class AuditEntry(models.Model):
    """One look at personal information in full (ARCHITECTURE §6): who revealed which field of
    which record, and when. Written by ``audit.reveal`` in the same transaction as the answer;
    never changed."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, default="reveal")
    subject = models.CharField(_("record"), max_length=80, help_text=_("app.model:id"))
    field = models.CharField(_("field"), max_length=40)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at"]
        indexes = [models.Index(fields=["subject", "at"], name="audit_subject_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject}.{self.field}"
