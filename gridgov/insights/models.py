"""Rollups of what the KPIs count (ARCHITECTURE §5 "KPIs"), so that no dashboard scans the
case table. The only rows this app writes.

A case counts on the day it was reported (Asia/Shanghai), with everything that happens to it
afterwards (its cohort): a row of a day changes while its cases are worked on, and is rebuilt
from the raw rows whenever one of them takes a step (``services.rollups_refresh``). Each
calendar month's rows (``MonthRollup``) are the sums of its days' rows, rebuilt with them: a
period reads the months it covers whole and the days at its edges.

Four dimensions, each row within a ``scope`` (a division-code path, "" for none):
- ``area``: ``key`` is a territorial path (province … grid); a case counts in the row of every
  level of its place, so a scope's totals are one row per day;
- ``unit``: ``key`` is a handling unit's id, ``scope`` its path: its tasks, and the cases it
  worked on;
- ``category`` and ``channel``: ``key`` is the category code or channel, counted within the
  province, city, county and street of the case (``scope``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    AREA = "area", _("area")
    UNIT = "unit", _("handling unit")
    CATEGORY = "category", _("category")
    CHANNEL = "channel", _("channel")


#: The counters of a rollup row, in order (see ``kpis`` for what each KPI divides).
COUNTERS = (
    "cases",  # reported
    "rated",  # followed up (回访): a rating was given
    "satisfied",
    "basic",
    "unsatisfied",
    "resolved",  # rated, and the reporter says it is solved
    "completed",  # a unit finished work on it
    "reworked",  # sent back for rework at least once
    "tasks",  # dispatched tasks
    "responded",  # tasks answered (signed or returned unsigned)
    "responded_on_time",  # … within the signing limit
    "missed",  # tasks still unsigned after the signing limit
    "returned",
    "finished",  # tasks finished
    "finished_on_time",  # … within the handling limit
    "handling_minutes",  # dispatch to finish, summed over finished tasks
    "overdue",  # tasks that went overdue (红牌)
)


class Counted(models.Model):
    """What a rollup row counts, and of what (the fields both grains share)."""

    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    key = models.CharField(_("key"), max_length=32)
    scope = models.CharField(_("within"), max_length=18, blank=True)
    # An area row's level, as the length of its path (0 for the other dimensions): a breakdown
    # by streets or communities reads only their rows.
    depth = models.PositiveSmallIntegerField(_("level"), default=0)
    cases = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)
    unsatisfied = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    reworked = models.PositiveIntegerField(default=0)
    tasks = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    responded_on_time = models.PositiveIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    finished_on_time = models.PositiveIntegerField(default=0)
    handling_minutes = models.PositiveBigIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTERS}


#: A breakdown's index: the rows of a dimension and level over a range of days (or months),
#: then the scope, the key and every counter, so that a sum reads the index alone (SQLite has
#: no INCLUDE).
_BREAKDOWN_INDEX = ("dimension", "depth", "{when}", "scope", "key", *COUNTERS)


class Rollup(Counted):
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            models.UniqueConstraint(fields=["day", "dimension", "key", "scope"], name="rollup_one_per_key")
        ]
        indexes = [
            models.Index(fields=[f.format(when="day") for f in _BREAKDOWN_INDEX], name="rollup_breakdown"),
            models.Index(fields=["dimension", "key", "day"], name="rollup_key_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension} {self.key}"


class MonthRollup(Counted):
    """A calendar month's rollup rows: the sums of its daily rows, rebuilt with them, so that a
    long period reads a row per month where it covers a whole month."""

    month = models.DateField(_("month"), help_text=_("Its first day."))

    class Meta:
        verbose_name = _("monthly rollup")
        verbose_name_plural = _("monthly rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "dimension", "key", "scope"], name="month_rollup_one_per_key"
            )
        ]
        indexes = [
            models.Index(
                fields=[f.format(when="month") for f in _BREAKDOWN_INDEX], name="month_rollup_breakdown"
            ),
            models.Index(fields=["dimension", "key", "month"], name="month_rollup_key_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension} {self.key}"


class RollupState(models.Model):
    """How far the rollups are: the newest case step they include (one row)."""

    last_event_id = models.PositiveBigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup state")

    def __str__(self) -> str:
        return f"{self.last_event_id}"
