"""Seed an installation with many realistic cases, fast: for benchmarks and a full-looking demo.

``manage.py seed_cases --cases 2000000 --days 730 [--seed N] [--within PATH] [--until DATE]``

The cases are spread over the ``--days`` days ending ``--until`` (Asia/Shanghai, default
today), more on weekdays, in the daytime and in summer, growing slowly, over the leaf grids
that have a polygon (within ``--within``), each grid, unit and category with a weight of its
own. Each case is worked as the workflow would (``transitions.py``) up to now: verified where
a grid worker looks after its grid, accepted, rejected, merged, withdrawn or settled at once
(即办), dispatched to one unit (sometimes two, with a lead), returned and re-dispatched,
signed, finished, re-checked (sometimes sent back for rework), closed, and rated 满意 /
基本满意 / 不满意 with the follow-up's "solved?". A few cases are stuck at a unit and stay
overdue. Delays are drawn as shares of the SLA limits of the category and urgency (counted
in plain minutes, not on the work calendar), so the flags a unit's record keeps
(``responded_on_time``, ``finished_on_time``, ``was_overdue``) and the open rows' deadlines
and sweep flags agree with the times.

Every case gets its ``report`` step, its first ``dispatch`` and the step that brought it to
its present state (not every step: enough for the timeline and for the rollup refresh, which
finds changed days through the steps). Numbers follow the day's counter
(``CaseNumberCounter``), which is advanced, so later cases do not collide.

Rows are written by raw ``INSERT``s (``executemany``), a transaction per batch of days, with
ids given explicitly (PostgreSQL's sequences are moved past them at the end): run it while no
one else files cases. The same ``--seed``, a past ``--until`` (with today, the cases stop at
the present moment) and the same territory give the same cases.
The rollups are not touched: ``manage.py verify_rollups --refresh`` (or the scheduler) builds
them.
"""

import bisect
import itertools
import json
import math
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from gridgov.cases.models import Case, CaseEvent, CaseNumberCounter, CaseStatus, Channel, Task, TaskStatus
from gridgov.catalogue.models import REPORTABLE_KINDS, Category, RoutingRule, Stage, Urgency
from gridgov.catalogue.selectors import sla_policies
from gridgov.geo.models import GridPolygon
from gridgov.orgs.models import (
    LEVEL_PATH_LENGTH,
    CommandCentre,
    HandlingUnit,
    Level,
    Membership,
    OrgUnit,
    Role,
    path_prefixes,
)

MINUTE = 60
HOUR = 3600
DAY = 86400
#: Limits (minutes) where the catalogue has no SLA policy for a stage.
FALLBACK_LIMITS = {
    Stage.ACCEPT: 60,
    Stage.DISPATCH: 60,
    Stage.SIGN: 120,
    Stage.HANDLE: 2250,
    Stage.VERIFY: 450,
}
WARN_RATIO = 0.8
#: How cases come in.
CHANNELS = (
    (Channel.APP, 42),
    (Channel.PATROL, 28),
    (Channel.HOTLINE, 22),
    (Channel.EXTERNAL, 5),
    (Channel.OPEN311, 3),
)
#: Reports per hour of the day (Asia/Shanghai).
HOURS = (1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 9, 10, 12, 12, 11, 10, 8, 7, 5, 4, 2, 1)
RATINGS = (("satisfied", 70), ("basic", 21), ("unsatisfied", 9))
#: Commonly reported categories weigh more.
COMMON = {"C0301": 6, "E0501": 5, "E0503": 5, "E0101": 4, "C0102": 4, "E0201": 3, "E0103": 3, "C0201": 3}
PHRASES = ("，请尽快处理。", "，影响居民出行。", "，已持续多日。", "，存在安全隐患。", "，群众反映强烈。")
#: SQLite's page cache while seeding (KiB).
SQLITE_CACHE_KIB = 512 * 1024
UNLOCATED_SHARE = 0.005
STUCK_SHARE = 0.0005  # cases stuck at a unit: open and overdue for good


def _weighted(rng: random.Random, cumulative: list[float], values: list):
    return values[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def _cumulative(weights) -> list[float]:
    return list(itertools.accumulate(weights))


@dataclass
class Place:
    path: str
    grid_id: int | None
    community_id: int | None
    street_id: int | None
    centre_id: int
    name: str
    lon: float | None = None
    lat: float | None = None
    spread_lon: float = 0.0
    spread_lat: float = 0.0
    has_worker: bool = False
    units: list = field(default_factory=list)  # (unit id, path, weight), most local first


@dataclass
class Limits:
    """Seconds allowed for each stage (and the warning share) of a category at an urgency."""

    seconds: dict[str, int]
    warn: dict[str, int]


class Seeder:
    def __init__(self, *, cases: int, days: int, seed: int, within: str, until: date, progress=None):
        self.total, self.days, self.within, self.until = cases, days, within, until
        self.progress = progress or (lambda line: None)
        self.rng = random.Random(seed)
        self.zone = timezone.get_default_timezone()
        self.now = min(timezone.now(), self._midnight(until + timedelta(days=1)))
        self.now_s = int(self.now.timestamp())
        self.sqlite = connection.vendor == "sqlite"
        self.counts = {"cases": 0, "tasks": 0, "events": 0, "open": 0, "rated": 0}
        self._load_world()
        self._columns()

    # --- The territory, units, categories, limits -----------------------------------------------

    def _midnight(self, day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=self.zone)

    def _load_world(self) -> None:
        rng = self.rng
        polygons = list(
            GridPolygon.objects.filter(Q(unit__path__startswith=self.within) if self.within else Q())
            .filter(unit__is_active=True)
            .select_related("unit")
            .order_by("unit__path")
        )
        paths = [p.unit.path for p in polygons]
        # Leaf grids only: a level-2 grid divided into level-3 grids gets its cases in them
        # (sorted paths: a grid's own grids follow it).
        leaves = [
            p
            for i, (p, path) in enumerate(zip(polygons, paths, strict=True))
            if i + 1 == len(paths) or not paths[i + 1].startswith(path)
        ]
        if not leaves:
            raise CommandError("No grid with a polygon to place cases in (load the demo or import grids).")
        prefixes = sorted({q for p in leaves for q in path_prefixes(p.unit.path)})
        units_at = dict(OrgUnit.objects.filter(path__in=prefixes).values_list("path", "id"))
        centres = dict(CommandCentre.objects.values_list("path", "id"))
        workers = set(
            Membership.objects.filter(role=Role.GRID_WORKER).values_list("org_unit__path", flat=True)
        )
        units = list(
            HandlingUnit.objects.filter(is_active=True).values_list("pk", "path", "name").order_by("pk")
        )
        handling = [(pk, path) for pk, path, _name in units]
        self.unit_names = {pk: name for pk, _path, name in units}
        if not handling:
            raise CommandError("No active handling unit to dispatch cases to.")
        # A unit's speed: how fast it answers and finishes (a share of the limits).
        self.unit_pace = {pk: rng.lognormvariate(math.log(0.85), 0.25) for pk, _path in handling}
        self.places, weights = [], []
        community, street = LEVEL_PATH_LENGTH[Level.COMMUNITY], LEVEL_PATH_LENGTH[Level.STREET]
        for polygon in leaves:
            path = polygon.unit.path
            centre = next((centres[q] for q in reversed(path_prefixes(path)) if q in centres), None)
            if centre is None:
                continue
            near = [
                (pk, unit_path) for pk, unit_path in handling if path.startswith(unit_path)
            ]  # the units serving the grid: its street's office, county bureaus …
            if not near:
                continue
            near.sort(key=lambda u: -len(u[1]))
            self.places.append(
                Place(
                    path=path,
                    grid_id=polygon.unit_id,
                    community_id=units_at.get(path[:community]),
                    street_id=units_at.get(path[:street]),
                    centre_id=centre,
                    name=polygon.unit.name,
                    lon=polygon.centroid_lon,
                    lat=polygon.centroid_lat,
                    spread_lon=(polygon.max_lon - polygon.min_lon) * 0.1,
                    spread_lat=(polygon.max_lat - polygon.min_lat) * 0.1,
                    has_worker=any(q in workers for q in path_prefixes(path)),
                    units=[(pk, unit_path, 3.0 if i == 0 else 1.0) for i, (pk, unit_path) in enumerate(near)],
                )
            )
            weights.append(rng.lognormvariate(0, 0.6))
        if not self.places:
            raise CommandError("No grid with a command centre and a handling unit above it.")
        # Streets (and towns) weigh alike whatever their number of grids, each with its own
        # weight: a street drawn in 224 small grids does not get 224 villages' cases.
        per_street: dict[str, list[int]] = {}
        for i, place in enumerate(self.places):
            per_street.setdefault(place.path[:street], []).append(i)
        for _path, members in sorted(per_street.items()):
            street_weight = rng.lognormvariate(0, 0.4)
            total = sum(weights[i] for i in members)
            for i in members:
                weights[i] *= street_weight / total
        self.place_cum = _cumulative(weights)
        # Outside every grid: the city centre's unlocated queue (only when seeding everywhere).
        city = LEVEL_PATH_LENGTH[Level.CITY]
        self.unlocated = []
        if not self.within:
            for path in sorted({p.path[:city] for p in self.places}):
                units = sorted(
                    ((pk, unit_path, 1.0) for pk, unit_path in handling if unit_path.startswith(path)),
                    key=lambda u: len(u[1]),
                )
                if path in centres and units:
                    self.unlocated.append(Place(path, None, None, None, centres[path], "", units=units))
        self.rules = {}
        for category_id, area_path, unit_id in RoutingRule.objects.filter(
            handling_unit__is_active=True
        ).values_list("category_id", "area_path", "handling_unit_id"):
            self.rules[(category_id, area_path)] = unit_id
        categories = list(
            Category.objects.filter(
                kind__in=REPORTABLE_KINDS, parent__isnull=False, is_active=True, parent__is_active=True
            ).order_by("code")
        )
        if not categories:
            raise CommandError("No reportable category.")
        self.categories = [(c.pk, c.parent_id, c.code, c.name, c.default_urgency) for c in categories]
        self.category_cum = _cumulative(
            COMMON.get(c.code, 1) * rng.lognormvariate(0, 0.5) for c in categories
        )
        self.limits: dict[tuple[int, str], Limits] = {}
        for c in categories:
            for urgency in Urgency.values:
                found = sla_policies(category=c, urgency=urgency)
                seconds, warn = {}, {}
                for stage, fallback in FALLBACK_LIMITS.items():
                    policy = found.get(stage)
                    minutes = policy.limit_minutes if policy else fallback
                    ratio = policy.warn_ratio if policy else WARN_RATIO
                    seconds[stage] = minutes * MINUTE
                    warn[stage] = round(minutes * ratio) * MINUTE
                self.limits[(c.pk, urgency)] = Limits(seconds, warn)
        self.channel_values = [c for c, _w in CHANNELS]
        self.channel_cum = _cumulative(w for _c, w in CHANNELS)
        self.rating_values = [r for r, _w in RATINGS]
        self.rating_cum = _cumulative(w for _r, w in RATINGS)
        self.hour_cum = _cumulative(HOURS)

    # --- Columns and values ---------------------------------------------------------------------

    def _columns(self) -> None:
        """Each table's INSERT: the columns this seeder sets, then every other column at its
        field's default (so columns added to the models later are filled too)."""

        def prepare(model, explicit: tuple[str, ...]):
            fields = {f.name: f for f in model._meta.concrete_fields}
            rest = [f for f in model._meta.concrete_fields if f.name not in explicit]
            columns = [fields[name].column for name in explicit] + [f.column for f in rest]
            defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            sql = (
                f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({quoted}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )
            return sql, defaults

        self.case_sql, self.case_defaults = prepare(Case, CASE_FIELDS)
        self.task_sql, self.task_defaults = prepare(Task, TASK_FIELDS)
        self.event_sql, self.event_defaults = prepare(CaseEvent, EVENT_FIELDS)
        self.empty_json = CaseEvent._meta.get_field("data").get_db_prep_save({}, connection)

    def ts(self, seconds):
        """A time (seconds since the epoch) as the database takes it: SQLite keeps UTC text."""
        if seconds is None:
            return None
        if self.sqlite:
            return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))
        return datetime.fromtimestamp(seconds, UTC)

    def json(self, value: dict):
        return (
            json.dumps(value, ensure_ascii=False)
            if self.sqlite
            else CaseEvent._meta.get_field("data").get_db_prep_save(value, connection)
        )

    # --- The spread over days -------------------------------------------------------------------

    def per_day(self) -> list[tuple[date, int]]:
        """How many cases each day gets: weekdays, summer and a slow growth weigh more; the
        counts add up to ``--cases`` exactly."""
        first = self.until - timedelta(days=self.days - 1)
        days = [first + timedelta(days=i) for i in range(self.days)]
        weights = []
        for i, day in enumerate(days):
            season = 1 + 0.25 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 100) / 365)
            week = 0.72 if day.weekday() >= 5 else 1.0
            growth = 1 + 0.3 * i / max(self.days - 1, 1)
            noise = self.rng.uniform(0.9, 1.1)
            share = 1.0
            if i == self.days - 1:  # today so far
                start = self._midnight(day)
                share = max(min((self.now - start).total_seconds() / DAY, 1.0), 0.02)
            weights.append(season * week * growth * noise * share)
        total = sum(weights)
        exact = [self.total * w / total for w in weights]
        counts = [int(x) for x in exact]
        short = self.total - sum(counts)
        for i in sorted(range(len(days)), key=lambda i: counts[i] - exact[i])[:short]:
            counts[i] += 1
        return list(zip(days, counts, strict=True))

    # --- One case's life ------------------------------------------------------------------------

    def run(self, batch: int) -> dict:
        started = time.perf_counter()
        self.case_id = (Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.task_id = (Task.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.event_id = (CaseEvent.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        plan = self.per_day()
        counters = dict(
            CaseNumberCounter.objects.filter(day__range=(plan[0][0], plan[-1][0])).values_list("day", "last")
        )
        self.recent: dict[int, tuple] = {}  # place index → its newest case (for merges)
        with connection.cursor() as cursor:
            if self.sqlite:
                # The cases' many indexes take random keys (paths, times): a larger page cache
                # for this connection while it writes keeps their pages in memory.
                cursor.execute("PRAGMA cache_size")
                cache_size = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
            try:
                pending: list[tuple[date, int]] = []
                for day, count in plan:
                    pending.append((day, count))
                    if sum(n for _d, n in pending) >= batch:
                        self._write(pending, counters)
                        pending = []
                if pending:
                    self._write(pending, counters)
            finally:
                if self.sqlite:
                    cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            for sql in connection.ops.sequence_reset_sql(no_style(), [Case, Task, CaseEvent]):
                cursor.execute(sql)
        self.counts["seconds"] = round(time.perf_counter() - started, 1)
        return self.counts

    def _write(self, days: list[tuple[date, int]], counters: dict) -> None:
        cases, tasks, events, advanced = [], [], [], {}
        for day, count in days:
            start = int(self._midnight(day).timestamp())
            room = min(DAY, self.now_s - start) if day == self.until else DAY
            moments = sorted(self._moment(start, room) for _ in range(count))
            last = counters.get(day, 0)
            for n, t0 in enumerate(moments, start=last + 1):
                self._case(f"{day:%Y%m%d}{n:06d}", t0, cases, tasks, events)
            advanced[day] = last + count
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.executemany(self.case_sql, cases)
                cursor.executemany(self.task_sql, tasks)
                cursor.executemany(self.event_sql, events)
            known = set(
                CaseNumberCounter.objects.filter(day__in=list(advanced)).values_list("day", flat=True)
            )
            CaseNumberCounter.objects.bulk_create(
                [CaseNumberCounter(day=d, last=n) for d, n in advanced.items() if d not in known and n]
            )
            for d in known:
                CaseNumberCounter.objects.filter(day=d).update(last=advanced[d])
        counters.update(advanced)
        self.counts["cases"] += len(cases)
        self.counts["tasks"] += len(tasks)
        self.counts["events"] += len(events)
        self.progress(f"{self.counts['cases']} cases up to {days[-1][0]}")

    def _moment(self, start: int, room: int) -> int:
        hour = _weighted(self.rng, self.hour_cum, range(24))
        offset = hour * HOUR + self.rng.randrange(HOUR)
        if offset >= room:
            offset = self.rng.randrange(max(room, 1))
        return start + offset

    def _late(self, limit: int, median: float, sigma: float) -> int:
        """A delay: a share of ``limit`` drawn around ``median`` (log-normal)."""
        return max(int(limit * self.rng.lognormvariate(math.log(median), sigma)), 30)

    def _case(self, number: str, t0: int, cases: list, tasks: list, events: list) -> None:
        rng, now = self.rng, self.now_s
        place_index = None
        if self.unlocated and rng.random() < UNLOCATED_SHARE:
            place = self.unlocated[rng.randrange(len(self.unlocated))]
            channel = Channel.HOTLINE
        else:
            place_index = bisect.bisect_right(self.place_cum, rng.random() * self.place_cum[-1])
            place = self.places[place_index]
            channel = _weighted(rng, self.channel_cum, self.channel_values)
        category, major, code, category_name, urgency = _weighted(rng, self.category_cum, self.categories)
        if urgency == Urgency.NORMAL and rng.random() < 0.03:
            urgency = Urgency.URGENT
        limits = self.limits[(category, urgency)]
        case_id = self.case_id
        self.case_id += 1
        steps = []  # (action, at, from, to, data or None)
        status = CaseStatus.REPORTED if channel == Channel.APP and place.has_worker else CaseStatus.SUBMITTED
        located = {"channel": str(channel), "located": place.grid_id is not None}
        steps.append(("report", t0, "", status, located))
        case = {"stage": "", "stage_started_at": None, "rework_count": 0, "rating": "", "resolved": None}
        case_tasks: list[dict] = []
        merged_into = None
        stuck = rng.random() < STUCK_SHARE

        def step(action, at, to, data=None):
            nonlocal status
            steps.append((action, at, status, to, data))
            status = to

        def timed(stage: str, since: int) -> None:
            case["stage"], case["stage_started_at"] = stage, since

        t = t0
        settled = False
        if status == CaseStatus.REPORTED:
            t += self._late(2 * HOUR, 0.3, 0.9)
            if t > now:
                settled = True
            else:
                r = rng.random()
                if r < 0.02:
                    step("reject", t, CaseStatus.REJECTED)
                    settled = True
                elif r < 0.03:
                    step("withdraw", t, CaseStatus.WITHDRAWN)
                    settled = True
                else:
                    step("verify", t, CaseStatus.SUBMITTED)
        if not settled:
            timed(Stage.ACCEPT, t)
            t += self._late(limits.seconds[Stage.ACCEPT], 0.3, 0.8)
            r = rng.random()
            if t > now:
                settled = True
            elif r < 0.02:
                step("reject", t, CaseStatus.REJECTED)
                settled = True
            elif r < 0.03 and place_index in self.recent:
                merged_into, into = self.recent[place_index]
                step("merge", t, CaseStatus.MERGED, {"into": into})
                settled = True
            elif r < 0.035:
                step("withdraw", t, CaseStatus.WITHDRAWN)
                settled = True
            elif channel == Channel.HOTLINE and r < 0.12:
                step("resolve", t, CaseStatus.CLOSED)  # 即办
                case["closed_at"] = t
                settled = True
                self._rate(case, t, step)
            else:
                step("accept", t, CaseStatus.ACCEPTED)
                timed(Stage.DISPATCH, t)
        if not settled:
            settled = self._handle(case, case_tasks, place, category, major, limits, t, step, timed, stuck)
        if status not in (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.HANDLED):
            case["stage"], case["stage_started_at"] = "", None
        if place_index is not None:
            self.recent[place_index] = (case_id, number)
        # The case's own deadline (the running stage), flagged as a sweep would have.
        since = case["stage_started_at"]
        warn_at = due_at = None
        if case["stage"]:
            warn_at, due_at = since + limits.warn[case["stage"]], since + limits.seconds[case["stage"]]
        is_open = status in (
            CaseStatus.REPORTED,
            CaseStatus.SUBMITTED,
            CaseStatus.ACCEPTED,
            CaseStatus.DISPATCHED,
            CaseStatus.HANDLED,
            CaseStatus.CHECKED,
        )
        self.counts["open"] += is_open
        self.counts["rated"] += status == CaseStatus.RATED
        lon = lat = None
        if place.lon is not None:
            lon = round(place.lon + rng.uniform(-1, 1) * place.spread_lon, 6)
            lat = round(place.lat + rng.uniform(-1, 1) * place.spread_lat, 6)
        phone = f"138{rng.randrange(10**8):08d}" if channel == Channel.HOTLINE else ""
        cases.append(
            (
                case_id,
                number,
                channel,
                status,
                category,
                urgency,
                category_name + PHRASES[t0 % len(PHRASES)],
                f"{place.name}附近" if place.name else "",
                lon,
                lat,
                place.path,
                place.grid_id,
                place.community_id,
                place.street_id,
                place.centre_id,
                phone,
                case["rework_count"],
                len(steps),
                case["rating"],
                case["resolved"],
                merged_into,
                self.ts(t0),
                self.ts(steps[-1][1]),
                self.ts(case.get("closed_at")),
                self.ts(case.get("rated_at")),
                case["stage"],
                self.ts(since),
                self.ts(warn_at),
                self.ts(due_at),
                warn_at is not None and warn_at <= now,
                due_at is not None and due_at <= now,
                *self.case_defaults,
            )
        )
        for task in case_tasks:
            tasks.append(self._task_row(task, case_id, place.path, limits))
        # The report, the first dispatch and the step that brought the case where it is.
        chosen = [steps[0]]
        dispatch = next((s for s in steps if s[0] == "dispatch"), None)
        if dispatch is not None:
            chosen.append(dispatch)
        if steps[-1] is not steps[0] and steps[-1] is not dispatch:
            chosen.append(steps[-1])
        for action, at, source, target, data in chosen:
            data = self.json(data) if data else self.empty_json
            events.append(
                (
                    self.event_id,
                    case_id,
                    None,
                    action,
                    self.ts(at),
                    source,
                    target,
                    data,
                    *self.event_defaults,
                )
            )
            self.event_id += 1

    def _rate(self, case: dict, closed: int, step) -> None:
        """The follow-up (回访) of a closed case, when it has come."""
        rng = self.rng
        if rng.random() >= 0.88:
            return
        at = closed + self._late(DAY, 0.5, 1.0)
        if at > self.now_s:
            return
        rating = _weighted(rng, self.rating_cum, self.rating_values)
        solved = {"satisfied": 0.99, "basic": 0.85, "unsatisfied": 0.25}[rating]
        case.update(rating=rating, resolved=rng.random() < solved, rated_at=at)
        step("rate", at, CaseStatus.RATED, {"rating": rating, "resolved": case["resolved"]})

    def _units(self, place: Place, category: int, major: int) -> list[int]:
        """Where the case goes: the routing table's unit for the place (the most specific
        area, the subcategory before its major), else one of the units serving the place."""
        for prefix in reversed(path_prefixes(place.path)):
            unit = self.rules.get((category, prefix)) or self.rules.get((major, prefix))
            if unit is not None:
                return [unit] + [u for u, _p, _w in place.units if u != unit]
        units = list(place.units)
        first = _weighted(self.rng, _cumulative(w for _u, _p, w in units), units)[0]
        return [first] + [u for u, _p, _w in units if u != first]

    def _handle(self, case, case_tasks, place, category, major, limits, t, step, timed, stuck) -> bool:
        """Dispatch, the units' work, re-check, closure and rating, as far as now; whether it
        stopped early."""
        rng, now = self.rng, self.now_s
        t += self._late(limits.seconds[Stage.DISPATCH], 0.3, 0.8)
        if t > now:
            return True
        candidates = self._units(place, category, major)
        joint = len(candidates) > 1 and rng.random() < 0.12
        chosen = candidates[:2] if joint else candidates[:1]
        step("dispatch", t, CaseStatus.DISPATCHED, self._sent(chosen, joint))
        live = []
        for i, unit in enumerate(chosen):
            role = ("lead" if i == 0 else "co") if joint else ""
            live.append(self._new_task(case_tasks, unit, t, role))
        if not joint and len(candidates) > 1 and rng.random() < 0.05:
            # The unit says it is not theirs (unsigned); the centre sends it to another.
            task = live[0]
            back = t + self._late(limits.seconds[Stage.SIGN], 0.5, 0.8)
            if back > now:  # not answered yet
                task["was_overdue"] = now > t + limits.seconds[Stage.SIGN]
                return True
            due = t + limits.seconds[Stage.SIGN]
            task.update(status=TaskStatus.RETURNED, responded_on_time=back <= due, was_overdue=back > due)
            task["stage"] = ""
            step("redispatch", back, CaseStatus.ACCEPTED)
            timed(Stage.DISPATCH, back)
            t = back + self._late(limits.seconds[Stage.DISPATCH], 0.3, 0.8)
            if t > now:
                return True
            step("dispatch", t, CaseStatus.DISPATCHED, self._sent(candidates[1:2], False))
            live = [self._new_task(case_tasks, candidates[1], t, "")]
        return self._work(case, live, limits, step, stuck)

    def _sent(self, units: list[int], joint: bool) -> dict:
        """A dispatch step's record: the units (names and ids), and the lead of a joint command."""
        data = {"units": [self.unit_names[u] for u in units], "unit_ids": list(units)}
        if joint:
            data["lead"] = self.unit_names[units[0]]
        return data

    def _new_task(self, case_tasks: list, unit: int, at: int, role: str) -> dict:
        task = {
            "id": self.task_id,
            "unit": unit,
            "role": role,
            "created_at": at,
            "status": TaskStatus.PENDING,
            "signed_at": None,
            "finished_at": None,
            "responded_on_time": None,
            "finished_on_time": None,
            "was_overdue": False,
            "stage": Stage.SIGN,
            "stage_started_at": at,
        }
        self.task_id += 1
        case_tasks.append(task)
        return task

    def _work(self, case, live, limits, step, stuck) -> bool:
        rng, now = self.rng, self.now_s
        sign_limit, handle_limit = limits.seconds[Stage.SIGN], limits.seconds[Stage.HANDLE]
        finished = []
        for i, task in enumerate(live):
            pace = self.unit_pace[task["unit"]]
            signed = task["created_at"] + self._late(sign_limit, 0.25 * pace, 0.75)
            if (stuck and i == 0 and rng.random() < 0.5) or signed > now:
                task["was_overdue"] = now > task["created_at"] + sign_limit
                continue
            late = signed > task["created_at"] + sign_limit
            task.update(
                status=TaskStatus.SIGNED,
                signed_at=signed,
                responded_on_time=not late,
                was_overdue=late,
                stage=Stage.HANDLE,
                stage_started_at=signed,
            )
            done = signed + self._late(handle_limit, 0.35 * pace, 0.6)
            if (stuck and i == 0) or done > now:
                task["was_overdue"] = late or now > signed + handle_limit
                continue
            self._finish(task, done, signed + handle_limit)
            finished.append(done)
        if len(finished) < len(live):
            return True
        t = max(finished)
        step("complete", t, CaseStatus.HANDLED)
        case["stage"], case["stage_started_at"] = Stage.VERIFY, t
        t += self._late(limits.seconds[Stage.VERIFY], 0.3, 0.8)
        if t > now:
            return True
        if rng.random() < 0.04:  # the fix does not hold: back to the units once
            case["rework_count"] = 1
            step("rework", t, CaseStatus.DISPATCHED)
            redone = []
            for task in live:
                task.update(status=TaskStatus.SIGNED, stage=Stage.HANDLE, stage_started_at=t)
                done = t + self._late(handle_limit, 0.3 * self.unit_pace[task["unit"]], 0.6)
                if done > now:  # reopened and under way: the first finish stays on record
                    task["was_overdue"] = task["was_overdue"] or now > t + handle_limit
                    continue
                self._finish(task, done, t + handle_limit)
                redone.append(done)
            if len(redone) < len(live):
                return True
            t = max(redone)
            step("complete", t, CaseStatus.HANDLED)
            case["stage"], case["stage_started_at"] = Stage.VERIFY, t
            t += self._late(limits.seconds[Stage.VERIFY], 0.3, 0.8)
            if t > now:
                return True
        step("check", t, CaseStatus.CHECKED)
        t += self._late(2 * HOUR, 0.3, 1.0)
        if t > now:
            return True
        step("close", t, CaseStatus.CLOSED)
        case["closed_at"] = t
        self._rate(case, t, step)
        return False

    @staticmethod
    def _finish(task: dict, at: int, due: int) -> None:
        task.update(
            status=TaskStatus.DONE,
            finished_at=at,
            finished_on_time=at <= due,
            was_overdue=task["was_overdue"] or at > due,
            stage="",
            stage_started_at=None,
        )

    def _task_row(self, task: dict, case_id: int, path: str, limits: Limits) -> tuple:
        now = self.now_s
        stage, since = task["stage"], task["stage_started_at"]
        warn_at = due_at = None
        if stage:
            warn_at, due_at = since + limits.warn[stage], since + limits.seconds[stage]
        return (
            task["id"],
            case_id,
            task["unit"],
            task["status"],
            path,
            task["role"],
            self.ts(task["created_at"]),
            self.ts(task["signed_at"]),
            self.ts(task["finished_at"]),
            task["responded_on_time"],
            task["finished_on_time"],
            task["was_overdue"],
            stage,
            self.ts(since),
            self.ts(warn_at),
            self.ts(due_at),
            warn_at is not None and warn_at <= now,
            due_at is not None and due_at <= now,
            *self.task_defaults,
        )


CASE_FIELDS = (
    "id",
    "number",
    "channel",
    "status",
    "category",
    "urgency",
    "description",
    "address",
    "lon",
    "lat",
    "path",
    "grid",
    "community",
    "street",
    "centre",
    "contact_phone",
    "rework_count",
    "version",
    "rating",
    "resolved",
    "merged_into",
    "created_at",
    "updated_at",
    "closed_at",
    "rated_at",
    "stage",
    "stage_started_at",
    "warn_at",
    "due_at",
    "warned",
    "overdue_notified",
)
TASK_FIELDS = (
    "id",
    "case",
    "unit",
    "status",
    "path",
    "role",
    "created_at",
    "signed_at",
    "finished_at",
    "responded_on_time",
    "finished_on_time",
    "was_overdue",
    "stage",
    "stage_started_at",
    "warn_at",
    "due_at",
    "warned",
    "overdue_notified",
)
EVENT_FIELDS = ("id", "case", "task", "action", "at", "from_status", "to_status", "data")


class Command(BaseCommand):
    help = (
        "Seed many realistic cases (tasks, steps, ratings) over the last days in bulk, for "
        "benchmarks and a full-looking demo. Run it while no one else files cases."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=10000, help="how many cases (default 10000)")
        parser.add_argument("--days", type=int, default=730, help="over how many days (default 730)")
        parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
        parser.add_argument(
            "--within", default="", help="only in the grids within this division code (default: all)"
        )
        parser.add_argument(
            "--until", type=date.fromisoformat, default=None, help="the last day, YYYY-MM-DD (default today)"
        )
        parser.add_argument(
            "--batch", type=int, default=100000, help="cases written per transaction (default 100000)"
        )

    def handle(self, *args, cases, days, seed, within, until, batch, verbosity=1, **options):
        if cases < 1 or days < 1:
            raise CommandError("--cases and --days must be at least 1.")
        until = until or timezone.localdate()
        if until > timezone.localdate():
            raise CommandError("--until cannot be after today.")
        seeder = Seeder(
            cases=cases,
            days=days,
            seed=seed,
            within=within,
            until=until,
            progress=self.stdout.write if verbosity > 1 else None,
        )
        found = seeder.run(batch)
        first = until - timedelta(days=days - 1)
        self.stdout.write(
            f"Seeded {found['cases']} cases ({found['tasks']} tasks, {found['events']} steps) "
            f"from {first} to {until}: {found['open']} open, {found['rated']} rated; {found['seconds']}s."
        )
