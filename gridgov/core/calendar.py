"""Working time on the work calendar (ARCHITECTURE §5, SLA).

SLA limits are counted in working minutes: the periods of ``settings.GRIDGOV_WORK_HOURS``
(``"08:30-12:00,13:30-17:30"``, local time of ``settings.TIME_ZONE``) on working days. A day is
a working day when it is Monday to Friday, unless a ``WorkCalendarDay`` row says otherwise
(a public holiday, or a make-up working day on a weekend).

Exception days are read a window at a time, so a deadline 30 working days away costs one query,
not one per day. Nothing is cached between calls: a row edited in the admin counts at once.
"""

import json
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.utils import timezone

from .models import DayKind, WorkCalendarDay

DATA_FILE = Path(__file__).resolve().parent / "data" / "work_calendar_cn.json"
ONE_DAY = timedelta(days=1)
# Days of exceptions read at a time when a computation runs past what it loaded.
WINDOW_DAYS = 62


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


class _Days:
    """Which days are working days; exception rows are loaded for ``[first, last]`` and then a
    window further each time a day past what was loaded is asked for."""

    def __init__(self, first: date, last: date):
        self._exceptions: dict[date, bool] = {}
        self._loaded_until = first - ONE_DAY
        self._load_until(last)

    def _load_until(self, last: date) -> None:
        rows = WorkCalendarDay.objects.filter(date__gt=self._loaded_until, date__lte=last)
        for day, kind in rows.values_list("date", "kind"):
            self._exceptions[day] = kind == DayKind.WORKDAY
        self._loaded_until = last

    def is_workday(self, day: date) -> bool:
        if day > self._loaded_until:
            self._load_until(max(day, self._loaded_until + timedelta(days=WINDOW_DAYS)))
        return self._exceptions.get(day, day.weekday() < 5)


def _opening_hours(
    day: date, periods: list[tuple[time, time]], tz: tzinfo
) -> list[tuple[datetime, datetime]]:
    return [(datetime.combine(day, a, tzinfo=tz), datetime.combine(day, b, tzinfo=tz)) for a, b in periods]


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


def is_workday(day: date) -> bool:
    """Whether ``day`` is a working day on the work calendar."""
    return _Days(day, day).is_workday(day)


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
    per_day = sum(
        (closes - opens for opens, closes in _opening_hours(day, periods, local.tzinfo)), timedelta()
    )
    # Enough calendar days for the working days needed plus the longest holiday; extended if not.
    days = _Days(day, day + timedelta(days=timedelta(minutes=minutes) // per_day * 7 // 5 + 21))
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
    days = _Days(start.date(), end.date())
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
