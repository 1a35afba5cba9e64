from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from gridgov.core.calendar import (
    calendar_file_rows,
    is_workday,
    load_work_calendar,
    working_minutes_add,
    working_minutes_between,
)
from gridgov.core.models import DayKind, WorkCalendarDay

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = 450  # working minutes of a day with the default hours 08:30-12:00, 13:30-17:30


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


# --- working_minutes_add ---------------------------------------------------------------------------


def test_a_deadline_set_on_friday_afternoon_crosses_the_weekend_to_monday():
    # Given Friday 2026-03-06 at 16:30, an hour before closing
    # When a 2-hour limit is counted
    due = working_minutes_add(at(2026, 3, 6, 16, 30), 120)
    # Then one hour is Friday's and the other Monday morning's
    assert due == at(2026, 3, 9, 9, 30)


def test_a_deadline_crosses_the_national_day_holidays_2026():
    # Given Wednesday 2026-09-30 at 16:30; 1–7 October are public holidays
    due = working_minutes_add(at(2026, 9, 30, 16, 30), 120)
    # Then the second hour is on Thursday 8 October, the first working day after
    assert due == at(2026, 10, 8, 9, 30)


def test_a_deadline_crosses_the_spring_festival_2026():
    # Given the make-up Saturday 2026-02-14 at 17:00; 15–23 February are the Spring Festival
    due = working_minutes_add(at(2026, 2, 14, 17, 0), 60)
    # Then 30 minutes are that Saturday's and the rest on Tuesday 24 February
    assert due == at(2026, 2, 24, 9, 0)


@pytest.mark.parametrize(
    ("friday", "saturday"),
    [(at(2026, 2, 27, 17, 0), date(2026, 2, 28)), (at(2026, 10, 9, 17, 0), date(2026, 10, 10))],
)
def test_a_deadline_lands_on_a_make_up_saturday(friday, saturday):
    # Given Friday at 17:00 before a make-up working Saturday
    due = working_minutes_add(friday, 60)
    # Then the Saturday counts as a working day
    assert due == datetime.combine(saturday, datetime.min.time(), tzinfo=SHANGHAI).replace(hour=9)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 3, 9, 7, 0), at(2026, 3, 9, 9, 0)),  # before opening: counts from 08:30
        (at(2026, 3, 9, 12, 30), at(2026, 3, 9, 14, 0)),  # at lunch: counts from 13:30
        (at(2026, 3, 9, 19, 0), at(2026, 3, 10, 9, 0)),  # after closing: from the next morning
        (at(2026, 3, 9, 17, 0), at(2026, 3, 9, 17, 30)),  # using up a period ends at its closing
        (at(2026, 3, 9, 11, 45), at(2026, 3, 9, 13, 45)),  # spans the lunch break
        (at(2026, 3, 8, 10, 0), at(2026, 3, 9, 9, 0)),  # on a Sunday: from Monday morning
        (at(2026, 3, 9, 9, 0, 30), at(2026, 3, 9, 9, 30, 30)),  # seconds are kept
    ],
    ids=["before-opening", "lunch", "after-closing", "to-closing", "over-lunch", "sunday", "seconds"],
)
def test_a_start_outside_working_time_counts_from_the_next_period(start, expected):
    assert working_minutes_add(start, 30) == expected


def test_zero_minutes_return_the_start_unchanged():
    # Given a start outside working time, in UTC
    start = datetime(2026, 3, 8, 3, 0, tzinfo=UTC)
    # Then no time is added and the start is not moved to the next period
    assert working_minutes_add(start, 0) is start


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError):
        working_minutes_add(at(2026, 3, 9, 9, 0), -1)


def test_the_result_is_in_local_time_whatever_the_zone_of_the_start():
    # Given 2026-03-09 00:30 UTC, which is 08:30 in Shanghai
    due = working_minutes_add(datetime(2026, 3, 9, 0, 30, tzinfo=UTC), 30)
    # Then the deadline is 09:00 Shanghai time, expressed in Shanghai time
    assert due == at(2026, 3, 9, 9, 0)
    assert due.utcoffset() == timedelta(hours=8)


def test_thirty_working_days_are_counted_with_one_query(django_assert_num_queries):
    # Given 1 September 2026: September has 22 working days (the 25th is 中秋, Sunday the 20th
    # is a make-up day), 1–7 October are holidays and Saturday the 10th is a make-up day
    with django_assert_num_queries(1):
        due = working_minutes_add(at(2026, 9, 1, 8, 30), 30 * DAY)
    # Then the 30th working day is Friday 16 October
    assert due == at(2026, 10, 16, 17, 30)


def test_the_calendar_is_read_once_and_an_edit_counts_at_once(django_assert_num_queries):
    # Given every weekday from 9 March to 30 April 2026 closed
    closed = [date(2026, 3, 9) + timedelta(days=n) for n in range(53)]
    WorkCalendarDay.objects.bulk_create(
        (WorkCalendarDay(date=day, kind=DayKind.HOLIDAY, name="停工") for day in closed if day.weekday() < 5),
        ignore_conflicts=True,  # 清明 (6 April) is already a holiday
    )
    # When a one-day limit starts on Friday 6 March
    with django_assert_num_queries(1):
        due = working_minutes_add(at(2026, 3, 6, 8, 30), 2 * DAY)
    # Then it runs on past the closure; 1-5 May are 劳动节, so the second day is Wednesday 6 May
    assert due == at(2026, 5, 6, 17, 30)
    # and the next deadline reads nothing
    with django_assert_num_queries(0):
        working_minutes_add(at(2026, 3, 6, 8, 30), 2 * DAY)
    # When an administrator closes Wednesday 6 May too (saved through the ORM, as the admin does)
    WorkCalendarDay.objects.create(date=date(2026, 5, 6), kind=DayKind.HOLIDAY, name="停工")
    # Then the next deadline counts it at once
    assert working_minutes_add(at(2026, 3, 6, 8, 30), 2 * DAY) == at(2026, 5, 7, 17, 30)


def test_working_hours_come_from_settings_at_call_time(settings):
    # Given one period 09:00-17:00
    settings.GRIDGOV_WORK_HOURS = "09:00-17:00"
    # Then a Friday 16:00 start with 2 hours lands at 10:00 on Monday
    assert working_minutes_add(at(2026, 3, 6, 16, 0), 120) == at(2026, 3, 9, 10, 0)
    assert working_minutes_between(at(2026, 3, 9), at(2026, 3, 10)) == 480


@pytest.mark.parametrize("hours", ["", "08:30", "12:00-08:30", "08:30-12:00,11:00-17:00", "8h-12h"])
def test_malformed_working_hours_are_a_configuration_error(settings, hours):
    settings.GRIDGOV_WORK_HOURS = hours
    with pytest.raises(ImproperlyConfigured):
        working_minutes_add(at(2026, 3, 9, 9, 0), 30)


# --- working_minutes_between ---------------------------------------------------------------------


def test_between_counts_working_minutes_of_a_plain_week():
    # Given a week without exception days (Monday 2026-03-09 to the next Monday)
    # Then it holds five working days
    assert working_minutes_between(at(2026, 3, 9), at(2026, 3, 16)) == 5 * DAY


def test_between_skips_holidays_and_counts_make_up_days():
    # Given the week of National Day 2026: Monday 28 September to Sunday 11 October
    # Then only 28–30 September, 8–9 October and the make-up Saturday 10 October count
    assert working_minutes_between(at(2026, 9, 28), at(2026, 10, 12)) == 6 * DAY


def test_between_is_zero_when_the_end_is_not_after_the_start():
    start = at(2026, 3, 9, 10, 0)
    assert working_minutes_between(start, start) == 0
    assert working_minutes_between(start, start - timedelta(hours=3)) == 0


def test_between_reads_the_calendar_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert working_minutes_between(at(2025, 1, 1), at(2026, 1, 1)) > 0


@pytest.mark.parametrize(
    "start",
    [
        at(2026, 3, 6, 16, 30),  # Friday afternoon
        at(2026, 3, 7, 10, 0),  # Saturday
        at(2026, 3, 9, 12, 15),  # lunch
        at(2026, 3, 9, 9, 17, 42),  # odd seconds
        at(2026, 2, 13, 17, 29),  # before the Spring Festival and its make-up Saturday
        at(2026, 9, 19, 9, 0),  # Saturday before the make-up Sunday 20 September
        at(2025, 12, 31, 23, 59),  # New Year's Eve into 2026
    ],
)
def test_between_is_the_inverse_of_add(start):
    # Given various starts and limits from one minute to a working year
    for minutes in [1, 29, 210, 211, DAY, DAY + 1, 2000, 30 * DAY, 250 * DAY]:
        # When the deadline is computed and the working time up to it is counted
        due = working_minutes_add(start, minutes)
        # Then it is exactly the limit
        assert working_minutes_between(start, due) == minutes, (start, minutes, due)
        assert working_minutes_between(start, due - timedelta(seconds=1)) == minutes - 1


# --- the calendar data ---------------------------------------------------------------------------


def test_days_edited_in_the_admin_move_the_deadline():
    # Given a Friday 16:30 start whose 2-hour deadline is Monday 09:30
    start = at(2026, 3, 6, 16, 30)
    assert working_minutes_add(start, 120) == at(2026, 3, 9, 9, 30)
    # When Monday becomes a holiday
    WorkCalendarDay.objects.create(date=date(2026, 3, 9), kind=DayKind.HOLIDAY, name="台风停工")
    # Then the deadline moves to Tuesday
    assert working_minutes_add(start, 120) == at(2026, 3, 10, 9, 30)
    # And when Saturday becomes a make-up working day, the deadline moves to Saturday
    WorkCalendarDay.objects.create(date=date(2026, 3, 7), kind=DayKind.WORKDAY, name="调休")
    assert working_minutes_add(start, 120) == at(2026, 3, 7, 9, 30)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2022, 12, 31), False),  # 元旦 2023 starts on the Saturday before
        (date(2023, 1, 2), False),  # 元旦 2023, a Monday
        (date(2023, 1, 28), True),  # Saturday, make-up for 春节 2023
        (date(2024, 2, 9), True),  # 除夕 2024 was not a public holiday (Friday)
        (date(2024, 2, 18), True),  # Sunday, make-up for 春节 2024
        (date(2025, 1, 28), False),  # 除夕 2025, a public holiday since 2025
        (date(2025, 10, 8), False),  # 国庆节、中秋节 2025, eight days
        (date(2026, 1, 4), True),  # Sunday, make-up for 元旦 2026
        (date(2026, 2, 23), False),  # last day of 春节 2026
        (date(2026, 9, 20), True),  # Sunday, make-up for 国庆节 2026
        (date(2026, 10, 7), False),  # 国庆节 2026
        (date(2026, 10, 10), True),  # Saturday, make-up for 国庆节 2026
        (date(2026, 3, 9), True),  # an ordinary Monday
        (date(2026, 3, 8), False),  # an ordinary Sunday
    ],
)
def test_seeded_schedules(day, working):
    assert is_workday(day) is working


def test_seed_file_is_consistent_and_loaded():
    # Given the rows of the data file
    rows = calendar_file_rows()
    # Then each day appears once and make-up working days are all weekend days
    assert len({day for day, _, _ in rows}) == len(rows)
    assert all(day.weekday() >= 5 for day, kind, _ in rows if kind == DayKind.WORKDAY)
    per_year = {year: sum(1 for day, _, _ in rows if day.year == year) for year in range(2022, 2027)}
    assert per_year == {2022: 39, 2023: 33, 2024: 36, 2025: 33, 2026: 39}
    # And the migration loaded every one
    assert WorkCalendarDay.objects.count() == len(rows) == 180
    assert WorkCalendarDay.objects.get(date=date(2026, 2, 28)).name == "春节"


def test_reloading_the_seed_file_is_idempotent_and_restores_edited_days():
    # Given a seeded day edited by hand
    WorkCalendarDay.objects.filter(date=date(2026, 10, 10)).update(kind=DayKind.HOLIDAY, name="x")
    # When the file is loaded again
    loaded = load_work_calendar()
    # Then the day is as published again and no row is duplicated
    assert loaded == WorkCalendarDay.objects.count() == 180
    assert is_workday(date(2026, 10, 10))


def test_a_make_up_working_day_must_be_a_weekend_day():
    day = WorkCalendarDay(date=date(2026, 3, 10), kind=DayKind.WORKDAY, name="调休")
    with pytest.raises(ValidationError) as raised:
        day.full_clean()
    assert "kind" in raised.value.message_dict


def test_the_admin_lists_the_calendar_for_a_superuser(admin_client):
    changelist = reverse("admin:core_workcalendarday_changelist")
    # Given the whole list, one year of it, and a search
    for query in [{}, {"date__year": "2026"}, {"q": "春节"}, {"kind": DayKind.WORKDAY}]:
        response = admin_client.get(changelist, query)
        # Then each page renders, with the seeded days
        assert response.status_code == 200
        assert "春节" in response.content.decode()
    assert admin_client.get(reverse("admin:core_workcalendarday_add")).status_code == 200
