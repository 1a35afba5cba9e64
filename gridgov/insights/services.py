"""Writes of the insights app: its rollups, and nothing else.

A day's rollup rows are rebuilt whole from the raw rows (the cases reported that day and their
tasks, read through ``cases.selectors``), so a rebuild is idempotent and a recount is the same
computation (``rollups_verify``); a month's rows are then summed from its days' in the database
(``months_rebuild``). ``rollups_refresh`` rebuilds the days whose cases took a step
since the last refresh (a watermark on the steps' ids); the scheduler runs it (``tasks.py``).
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from gridgov.cases import selectors as cases
from gridgov.cases.models import Rating, TaskStatus
from gridgov.orgs.models import LEVEL_PATH_LENGTH, Level

from .models import COUNTERS, Dimension, MonthRollup, Rollup, RollupState

#: The scopes category and channel rows are kept within: province, city, county, street.
MIX_SCOPE_LENGTHS = tuple(
    LEVEL_PATH_LENGTH[level] for level in (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.STREET)
)
AREA_LENGTHS = tuple(sorted(LEVEL_PATH_LENGTH.values()))

Key = tuple[str, str, str]  # (dimension, key, scope)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day's first moment and the next day's, in Asia/Shanghai."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def _case_keys(path: str, category: str, channel: str) -> list[Key]:
    keys = [(Dimension.AREA, path[:n], path[:n]) for n in AREA_LENGTHS if n <= len(path)]
    for n in MIX_SCOPE_LENGTHS:
        if n <= len(path):
            keys += [(Dimension.CATEGORY, category, path[:n]), (Dimension.CHANNEL, channel, path[:n])]
    return keys


def _case_counts(rating: str, resolved, rework_count: int, completed: bool) -> dict[str, int]:
    return {
        "cases": 1,
        "rated": int(bool(rating)),
        "satisfied": int(rating == Rating.SATISFIED),
        "basic": int(rating == Rating.BASIC),
        "unsatisfied": int(rating == Rating.UNSATISFIED),
        "resolved": int(bool(rating) and resolved is True),
        "completed": int(bool(completed)),
        "reworked": int(rework_count > 0),
    }


def _task_counts(status, responded_on_time, finished_on_time, was_overdue, created_at, finished_at):
    finished = finished_at is not None
    return {
        "tasks": 1,
        "responded": int(responded_on_time is not None),
        "responded_on_time": int(responded_on_time is True),
        "missed": int(status == TaskStatus.PENDING and responded_on_time is None and was_overdue),
        "returned": int(status == TaskStatus.RETURNED),
        "finished": int(finished),
        "finished_on_time": int(finished and finished_on_time is True),
        "handling_minutes": int((finished_at - created_at).total_seconds() // 60) if finished else 0,
        "overdue": int(was_overdue),
    }


def rollup_counts(day: date) -> dict[Key, dict[str, int]]:
    """What the rollup rows of ``day`` hold, counted from the raw rows: two queries."""
    start, end = day_bounds(day)
    totals: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))

    def add(key: Key, counts: dict[str, int]) -> None:
        row = totals[key]
        for name, value in counts.items():
            row[name] += value

    cases_by_pk = {}
    for pk, _at, path, category, channel, rating, resolved, rework, completed in cases.kpi_case_rows(
        start, end
    ):
        keys, counts = _case_keys(path, category, channel), _case_counts(rating, resolved, rework, completed)
        cases_by_pk[pk] = (keys, counts)
        for key in keys:
            add(key, counts)
    worked_on = set()
    for case_id, unit_id, unit_path, *task in cases.kpi_task_rows(start, end):
        keys, case_counts = cases_by_pk[case_id]
        counts = _task_counts(*task)
        for key in keys:
            add(key, counts)
        unit_key = (Dimension.UNIT, str(unit_id), unit_path)
        add(unit_key, counts)
        if (case_id, unit_id) not in worked_on:  # a unit's cases: once each, however many tasks
            worked_on.add((case_id, unit_id))
            add(unit_key, case_counts)
    return dict(totals)


def _rows(day: date, counts: dict[Key, dict[str, int]]) -> list[Rollup]:
    return [
        Rollup(
            day=day,
            dimension=dimension,
            key=key,
            scope=scope,
            depth=len(key) if dimension == Dimension.AREA else 0,
            **values,
        )
        for (dimension, key, scope), values in sorted(counts.items())
    ]


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of ``day``'s calendar month."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def months_rebuild(months) -> int:
    """Rebuild the monthly rows of ``months`` (their first days) as the sums of their daily
    rows: one INSERT … SELECT each, in the database; how many rows were written."""
    fields = ("dimension", "key", "scope", "depth")
    q = connection.ops.quote_name
    sql = (
        f"INSERT INTO {q(MonthRollup._meta.db_table)} "
        f"({', '.join(q(f) for f in ('month', *fields, *COUNTERS))}) "
        f"SELECT %s, {', '.join(q(f) for f in fields)}, {', '.join(f'SUM({q(c)})' for c in COUNTERS)} "
        f"FROM {q(Rollup._meta.db_table)} WHERE {q('day')} BETWEEN %s AND %s "
        f"GROUP BY {', '.join(q(f) for f in fields)}"
    )
    adapt = connection.ops.adapt_datefield_value
    written = 0
    for month in sorted(set(months)):
        with transaction.atomic(), connection.cursor() as cursor:
            MonthRollup.objects.filter(month=month).delete()
            cursor.execute(sql, [adapt(month), adapt(month), adapt(month_end(month))])
            written += cursor.rowcount
    return written


def rollups_rebuild(days) -> int:
    """Rebuild the rollup rows of ``days`` from the raw rows, then their months' (a month in
    one transaction with its days); how many daily rows were written."""
    by_month = defaultdict(list)
    for day in days:
        by_month[month_of(day)].append(day)
    written = 0
    for month, its_days in sorted(by_month.items()):
        with transaction.atomic():
            for day in its_days:
                rows = _rows(day, rollup_counts(day))
                Rollup.objects.filter(day=day).delete()
                Rollup.objects.bulk_create(rows, batch_size=500)
                written += len(rows)
            months_rebuild([month])
    return written


def rollups_refresh() -> dict[str, int]:
    """Bring the rollups up to date: rebuild the days of the cases that took a step since the
    last refresh (every day when there was none). Idempotent; one refresh at a time."""
    with transaction.atomic():
        state, _created = RollupState.objects.select_for_update().get_or_create(pk=1)
        if state.last_event_id == 0:
            newest, _days = cases.kpi_changed_since(0)
            days = cases.kpi_days()
        else:
            newest, days = cases.kpi_changed_since(state.last_event_id)
        rows = rollups_rebuild(days)
        state.last_event_id = newest
        state.refreshed_at = timezone.now()
        state.save(update_fields=["last_event_id", "refreshed_at"])
    return {"days": len(days), "rows": rows}


def rollups_verify(days=None) -> list[tuple]:
    """Recount the rollups of ``days`` (default: every day with a case or a rollup row) from the
    raw rows; the differences as (day, dimension, key, scope, counter, stored, recounted). A
    month's rows are recounted too when every day of it is (the default), as the sums of its
    days' recounts; their differences carry the month's first day and "<dimension>/month"."""
    if days is None:
        days = set(cases.kpi_days()) | set(Rollup.objects.values_list("day", flat=True).distinct())
        days |= set(MonthRollup.objects.values_list("month", flat=True).distinct())
        whole = True
    else:
        whole = False
    differences = []
    months: dict[date, dict[Key, dict[str, int]]] = defaultdict(dict)
    for day in sorted(days):
        expected = rollup_counts(day)
        stored = {
            (r.dimension, r.key, r.scope): r.counts() for r in Rollup.objects.filter(day=day).order_by()
        }
        differences += _differing(day, "", expected, stored)
        if whole:
            month = months[month_of(day)]
            for key, counts in expected.items():
                into = month.setdefault(key, dict.fromkeys(COUNTERS, 0))
                for name, value in counts.items():
                    into[name] += value
    for month, expected in sorted(months.items()):
        stored = {
            (r.dimension, r.key, r.scope): r.counts()
            for r in MonthRollup.objects.filter(month=month).order_by()
        }
        differences += _differing(month, "/month", expected, stored)
    return differences


def _differing(day: date, grain: str, expected: dict, stored: dict) -> list[tuple]:
    found = []
    zero = dict.fromkeys(COUNTERS, 0)
    for dimension, key, scope in sorted(set(expected) | set(stored)):
        want = expected.get((dimension, key, scope), zero)
        have = stored.get((dimension, key, scope), zero)
        for name in COUNTERS:
            if want[name] != have[name]:
                found.append((day, f"{dimension}{grain}", key, scope, name, have[name], want[name]))
    return found
