"""Working time on the work calendar (ARCHITECTURE §5, SLA).

SLA limits are counted in working minutes: the periods of ``settings.GRIDGOV_WORK_HOURS``
(``"08:30-12:00,13:30-17:30"``, local time of ``settings.TIME_ZONE``) on working days. A day is
a working day when it is Monday to Friday, unless a ``WorkCalendarDay`` row says otherwise
(a public holiday, or a make-up working day on a weekend).

Exception days (a few dozen a year) are read all at once and kept in the cache
(``core.cached``): a deadline costs no query while they are fresh. A row saved or deleted
through the ORM (the admin) counts at once; a bulk change must call
``generation_bump(CALENDAR)``.
"""

import json
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.utils import timezone

from .cached import cached
from .models import DayKind, WorkCalendarDay

DATA_FILE = Path(__file__).resolve().parent / "data" / "work_calendar_cn.json"
ONE_DAY = timedelta(days=1)
CALENDAR = "calendar"


def work_periods() -> list[tuple[time, time]]:
    """The working periods of a working day, from ``settings.GRIDGOV_WORK_HOURS``."""
    periods = []
    try:
        for part in settings.GRIDGOV_WORK_HOURS.split(","):
            opens, closes = (time.fromisoformat(value.strip()) for value in part.split("-"))
            periods.append((opens, closes))
    except ValueError as error:
        raise ImproperlyConfigured(f"GRIDGOV_WORK_HOURS: {error}") from error
    ends = [moment for period in periods for moment in period]
    if not periods or any(a >= b for a, b in pairwise(ends)):
        raise ImproperlyConfigured('GRIDGOV_WORK_HOURS must be increasing "HH:MM-HH:MM" periods')
    return periods


def working_day_minutes() -> int:
    """The working minutes of one working day (420 for 08:30-12:00 and 13:30-17:30)."""
    day = date(2000, 1, 3)
    return sum(
        (datetime.combine(day, b) - datetime.combine(day, a)) // timedelta(minutes=1)
        for a, b in work_periods()
    )


def _exceptions() -> dict[date, bool]:
    """Every exception day: ``True`` for a make-up working day, ``False`` for a holiday."""
    return cached(
        CALENDAR,
        "days",
        lambda: {
            day: kind == DayKind.WORKDAY for day, kind in WorkCalendarDay.objects.values_list("date", "kind")
        },
    )


class _Days:
    """Which days are working days."""

    def __init__(self):
        self._exceptions = _exceptions()

    def is_workday(self, day: date) -> bool:
        return self._exceptions.get(day, day.weekday() < 5)


def _opening_hours(
    day: date, periods: list[tuple[time, time]], tz: tzinfo
) -> list[tuple[datetime, datetime]]:
    return [(datetime.combine(day, a, tzinfo=tz), datetime.combine(day, b, tzinfo=tz)) for a, b in periods]


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


def is_workday(day: date) -> bool:
    """Whether ``day`` is a working day on the work calendar."""
    return _Days().is_workday(day)


def working_minutes_add(start: datetime, minutes: int) -> datetime:
    """The moment ``minutes`` working minutes after ``start`` (in the local time zone).

    A ``start`` outside working time counts from the next working period; a deadline that uses
    up a period exactly lands on its closing time (17:30, not the next morning).
    """
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    if minutes == 0:
        return start
    periods = work_periods()
    local = _local(start)
    day = local.date()
    days = _Days()
    remaining = timedelta(minutes=minutes)
    while True:
        if days.is_workday(day):
            for opens, closes in _opening_hours(day, periods, local.tzinfo):
                begin = max(opens, local)
                if begin < closes:
                    if remaining <= closes - begin:
                        return begin + remaining
                    remaining -= closes - begin
        day += ONE_DAY


def working_minutes_between(start: datetime, end: datetime) -> int:
    """Whole working minutes in ``[start, end)``; 0 when ``end`` is not after ``start``."""
    if end <= start:
        return 0
    periods = work_periods()
    start, end = _local(start), _local(end)
    days = _Days()
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if days.is_workday(day):
            for opens, closes in _opening_hours(day, periods, start.tzinfo):
                total += max(min(closes, end) - max(opens, start), timedelta())
        day += ONE_DAY
    return total // timedelta(minutes=1)


def calendar_file_rows(path: Path = DATA_FILE) -> list[tuple[date, str, str]]:
    """``(date, kind, name)`` of every day in a work calendar data file (see ``DATA_FILE``):
    per schedule year, holidays as inclusive ``[first, last]`` ranges and make-up working days."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for festivals in data["years"].values():
        for festival in festivals:
            first, last = (date.fromisoformat(value) for value in festival["holidays"])
            rows.extend(
                (first + timedelta(days=n), DayKind.HOLIDAY.value, festival["name"])
                for n in range((last - first).days + 1)
            )
            rows.extend(
                (date.fromisoformat(d), DayKind.WORKDAY.value, festival["name"]) for d in festival["workdays"]
            )
    return rows


def load_work_calendar(*, path: Path = DATA_FILE, model: type[Model] = WorkCalendarDay) -> int:
    """Create or update the rows of a work calendar data file (idempotent; rows for other dates
    are left alone). Returns the number of rows in the file. The data migration passes its
    historical model; to reload by hand: ``manage.py shell -c "from gridgov.core.calendar
    import load_work_calendar; load_work_calendar()"``."""
    rows = calendar_file_rows(path)
    for day, kind, name in rows:
        model.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
    return len(rows)
