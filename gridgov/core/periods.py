"""Periods of days that figures are read for (insights' KPIs, party work): a range, a day, a
week from Monday, a calendar month or quarter; never backwards and at most
``GRIDGOV_KPI_MAX_DAYS`` long (400 with the field named)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ValidationFailed


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1 and self.days <= 31

    def previous(self) -> "Period":
        """The period just before: the calendar month before a month, else the same length."""
        last = self.start - timedelta(days=1)
        if self.is_month:
            return Period(last.replace(day=1), last)
        return Period(self.start - timedelta(days=self.days), last)


def period_parse(
    *, start: date | None, end: date | None, period: str, on: date | None, today: date
) -> Period:
    """A period from a range (``start``–``end``, inclusive) or from a ``period`` (day, week,
    month) around ``on`` (default today); 400 when it is backwards or longer than
    ``GRIDGOV_KPI_MAX_DAYS``."""
    if start or end:
        if not (start and end):
            raise ValidationFailed(
                fields={"start" if not start else "end": [_("Give both ends of the range.")]}
            )
        found = Period(start, end)
    else:
        on = on or today
        if period == "day":
            found = Period(on, on)
        elif period == "week":
            monday = on - timedelta(days=on.weekday())
            found = Period(monday, monday + timedelta(days=6))
        elif period in ("month", ""):
            first = on.replace(day=1)
            following = (first + timedelta(days=32)).replace(day=1)
            found = Period(first, following - timedelta(days=1))
        else:
            raise ValidationFailed(fields={"period": [_("Choose day, week or month.")]})
    if found.end < found.start:
        raise ValidationFailed(fields={"end": [_("The range ends before it starts.")]})
    limit = settings.GRIDGOV_KPI_MAX_DAYS
    if found.days > limit:
        raise ValidationFailed(fields={"end": [_("A range is at most %(n)d days.") % {"n": limit}]})
    return found


def quarter_of(day: date) -> Period:
    """The calendar quarter of ``day``."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = date(first.year + (first.month == 10), (first.month + 3 - 1) % 12 + 1, 1)
    return Period(first, following - timedelta(days=1))
