"""Reads of cases and tasks, always inside what the reader may see (``access.cases_visible_q``).

Every list is one query for the page (plus one count when paginated), whatever its length:
related rows come through ``select_related``/``prefetch_related``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.catalogue.selectors import routing_suggest
from gridgov.core.scoping import within, within_any
from gridgov.orgs.models import CommandCentre, HandlingUnit, Membership, OrgUnit, Role, path_prefixes

from . import access
from .models import (
    APPEAL_CHANNELS,
    OPEN_STATUSES,
    OPEN_TASK_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    Photo,
    Task,
    TaskStatus,
)
from .transitions import CASE_TRANSITIONS, TASK_TRANSITIONS

LIST_RELATED = ("category__parent", "grid", "community", "street", "centre", "reporter")
DETAIL_RELATED = ("category", "grid", "community", "street", "centre", "reporter", "enterprise")


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    category: str = ""  # a category code (a major code covers its subcategories)
    grid: str = ""  # a path: cases within it
    unit: int | None = None  # a handling unit with a task on the case
    overdue: bool = False
    q: str = ""


#: Cases a command centre sends out itself rather than receives.
SENT_CHANNELS = (Channel.GRASSROOTS, Channel.DIRECTIVE)


def published_q() -> Q:
    """Citizens' reports past their first human look, which Open311 publishes: not one still
    waiting for its grid worker, not a withdrawn one, not one that no grid could take and that
    the command centre has not registered yet; whether a centre hid it is ``public_hidden``."""
    return (
        Q(channel__in=APPEAL_CHANNELS)
        & ~Q(status__in=(CaseStatus.REPORTED, CaseStatus.WITHDRAWN))
        & ~Q(status=CaseStatus.SUBMITTED, grid__isnull=True)
    )


def _to_review(v) -> Q:
    """Published reports of the centre's last ``GRIDGOV_REVIEW_DAYS`` it has not reviewed."""
    since = timezone.now() - timedelta(days=settings.GRIDGOV_REVIEW_DAYS)
    return Q(centre__path__in=v.own_centres, moderated_at__isnull=True, created_at__gte=since) & published_q()


#: Named queues, the work lists of each role: what narrows the visible cases to each.
_QUEUE_FILTERS = {
    # grid workers: residents' reports to verify, handled cases to re-check, own patrols
    "to_verify": lambda v: within_any(v.grid_paths) & Q(status=CaseStatus.REPORTED),
    "to_check": lambda v: within_any(v.grid_paths) & Q(status=CaseStatus.HANDLED),
    "my_patrol": lambda v: Q(reporter_id=v.user_id, channel="patrol"),
    # command centres: what they are responsible for (a case escalated to the centre above is
    # in that centre's queues): to accept, to dispatch, to close, outside every grid
    "incoming": lambda v: Q(centre__path__in=v.own_centres, status=CaseStatus.SUBMITTED),
    "to_dispatch": lambda v: Q(centre__path__in=v.own_centres, status=CaseStatus.ACCEPTED),
    "to_close": lambda v: Q(centre__path__in=v.own_centres, status=CaseStatus.CHECKED),
    "unlocated": lambda v: Q(
        centre__path__in=v.own_centres,
        grid__isnull=True,
        status__in=OPEN_STATUSES,
        channel__in=APPEAL_CHANNELS,
    ),
    # what the centre sent out itself and follows: its whistles and directives still open
    "sent": lambda v: Q(centre__path__in=v.own_centres, channel__in=SENT_CHANNELS, status__in=OPEN_STATUSES),
    # what the public sees of its citizens' reports, to review (审核): text, photos, or hidden
    "to_review": _to_review,
    # residents: their own reports
    "mine": lambda v: Q(reporter_id=v.user_id),
}
QUEUES = tuple(_QUEUE_FILTERS)


def cases_visible(user) -> QuerySet[Case]:
    return Case.objects.filter(access.cases_visible_q(user))


def cases_list(user, *, filters: CaseFilters | None = None, queue: str = "", now: datetime | None = None):
    """The cases ``user`` may see, optionally narrowed to one of their ``QUEUES`` and filters,
    newest first, with what a list row shows already joined."""
    qs = cases_visible(user)
    if queue:
        qs = qs.filter(_QUEUE_FILTERS[queue](access.viewer(user)))
    f = filters or CaseFilters()
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(Q(category__code=f.category) | Q(category__parent__code=f.category))
    if f.grid:
        qs = qs.filter(within(f.grid))
    if f.unit:
        qs = qs.filter(Exists(Task.objects.filter(case_id=OuterRef("pk"), unit_id=f.unit)))
    if f.overdue:
        qs = qs.filter(overdue_q(now or timezone.now()))
    if f.q:
        qs = qs.filter(Q(number__startswith=f.q) | Q(description__icontains=f.q) | Q(address__icontains=f.q))
    late_task = Task.objects.filter(
        case_id=OuterRef("pk"), status__in=OPEN_TASK_STATUSES, due_at__lt=now or timezone.now()
    )
    return qs.select_related(*LIST_RELATED).annotate(late_task=Exists(late_task)).order_by("-number")


def overdue_q(now: datetime) -> Q:
    """Cases past a deadline: their own stage's, or an open task's (both index ranges)."""
    late_task = Task.objects.filter(case_id=OuterRef("pk"), status__in=OPEN_TASK_STATUSES, due_at__lt=now)
    return Q(status__in=OPEN_STATUSES) & (Q(due_at__lt=now) | Exists(late_task))


def cases_overdue(*, now: datetime | None = None) -> QuerySet[Case]:
    return Case.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())


def cases_due_soon(*, now: datetime | None = None) -> QuerySet[Case]:
    now = now or timezone.now()
    return Case.objects.filter(status__in=OPEN_STATUSES, warn_at__lte=now, due_at__gte=now)


def tasks_overdue(*, now: datetime | None = None) -> QuerySet[Task]:
    return Task.objects.filter(status__in=OPEN_TASK_STATUSES, due_at__lt=now or timezone.now())


def tasks_list(user, *, status: str = "", open_only: bool = False) -> QuerySet[Task]:
    """Tasks of the user's handling units (the unit's queue), newest first."""
    qs = Task.objects.filter(unit_id__in=access.viewer(user).unit_ids)
    if status:
        qs = qs.filter(status=status)
    elif open_only:
        qs = qs.filter(status__in=OPEN_TASK_STATUSES)
    return qs.select_related("case__category__parent", "case__grid", "case__street", "unit").order_by(
        "-created_at", "-pk"
    )


def case_detail(case: Case, *, internal: bool) -> Case:
    """Attach the timeline (internal notes only for staff), tasks and photos: three queries,
    sorted here rather than by the database (ORDER BY compiles slowly over wide rows)."""
    if "category" not in case._state.fields_cache:
        # Fetched bare by ``access_case``: its related rows in one joined query.
        related = Case.objects.select_related(*DETAIL_RELATED).order_by().get(pk=case.pk)
        case._state.fields_cache.update(related._state.fields_cache)
    events = CaseEvent.objects.select_related("actor", "task__unit").order_by()
    if not internal:
        events = events.filter(internal=False)
    prefetch_related_objects(
        [case],
        Prefetch("events", queryset=events, to_attr="timeline"),
        Prefetch("photos", queryset=Photo.objects.order_by(), to_attr="photo_list"),
        Prefetch("tasks", queryset=Task.objects.select_related("unit").order_by(), to_attr="task_list"),
    )
    case.timeline.sort(key=lambda e: (e.at, e.pk))
    case.photo_list.sort(key=lambda p: (p.created_at, p.pk))
    case.task_list.sort(key=lambda t: (t.created_at, t.pk))
    return case


def dispatch_units(case: Case) -> QuerySet[HandlingUnit]:
    """Handling units the centre may send a case to: those of the centre's territory and of
    the units above the case (county bureaus, city departments, utilities)."""
    return (
        HandlingUnit.objects.filter(is_active=True)
        .filter(within(case.centre.path) | Q(path__in=path_prefixes(case.path)))
        .order_by("path", "name")
    )


def whistle_units(centre: CommandCentre) -> QuerySet[HandlingUnit]:
    """Units a street's or village's centre may whistle to: the active units of the county,
    city and province above it."""
    return HandlingUnit.objects.filter(
        is_active=True, path__in=path_prefixes(centre.path, inclusive=False)
    ).order_by("path", "name")


@dataclass
class Board:
    """A directive's response board: one row per unit and the totals."""

    rows: list[Task]
    units: int
    acknowledged: int
    done: int
    overdue: int
    returned: int


def directive_board(case: Case, *, now: datetime | None = None) -> Board:
    """How every unit answered a directive: acknowledged (signed), done, overdue; one query.
    Each row is a task with its unit and ``overdue`` set."""
    now = now or timezone.now()
    rows = list(case.tasks.select_related("unit").order_by("unit__path", "unit__name", "pk"))
    for t in rows:
        t.overdue = t.status in OPEN_TASK_STATUSES and t.due_at is not None and t.due_at < now
    return Board(
        rows=rows,
        units=len(rows),
        acknowledged=sum(t.status in (TaskStatus.SIGNED, TaskStatus.DONE) for t in rows),
        done=sum(t.status == TaskStatus.DONE for t in rows),
        overdue=sum(t.overdue for t in rows),
        returned=sum(t.status == TaskStatus.RETURNED for t in rows),
    )


def grids_choices(user) -> QuerySet[OrgUnit]:
    v = access.viewer(user)
    scope = [""] if v.superuser else list(v.view_paths)
    return OrgUnit.objects.filter(within_any(scope), level__in=("grid2", "grid3")).order_by("path")


def suggested_unit(case: Case) -> HandlingUnit | None:
    """The routing table's default handling unit for the case's category and place."""
    return routing_suggest(category=case.category, path=case.path)


#: Steps that open a case without being a transition of it.
OPENING_LABELS = {
    "report": _("reported"),
    "whistle": _("whistled (吹哨)"),
    "issue": _("directive issued"),
}


def action_label(action: str) -> str:
    if action in OPENING_LABELS:
        return str(OPENING_LABELS[action])
    if action == "comment":
        return str(_("added by the reporter"))
    transition = CASE_TRANSITIONS.get(action) or TASK_TRANSITIONS.get(action)
    return str(transition.label) if transition else action


def centre_moves(case: Case) -> dict[str, CommandCentre | None]:
    """Where the case could be passed from the centre holding it: ``escalate`` → the command
    centre one level up, ``handback`` → the one level down on the case's path (``None`` where
    there is none). One query."""
    chain = list(CommandCentre.objects.filter(path__in=path_prefixes(case.path)).order_by("path"))
    here = next((i for i, c in enumerate(chain) if c.pk == case.centre_id), None)
    if here is None:
        return {"escalate": None, "handback": None}
    return {
        "escalate": chain[here - 1] if here > 0 else None,
        "handback": chain[here + 1] if here + 1 < len(chain) else None,
    }


def grid_workers_of(path: str) -> QuerySet:
    """Ids of the grid workers whose grid contains ``path`` (a level-2 grid's worker covers its
    level-3 grids)."""
    return Membership.objects.filter(
        role=Role.GRID_WORKER, org_unit__path__in=path_prefixes(path)
    ).values_list("user_id", flat=True)


# --- What the KPIs count (read by ``gridgov.insights``) ----------------------------------------------


def kpi_case_rows(start: datetime, end: datetime):
    """The cases reported in [start, end), one row each with what the KPIs count of a case:
    its place, category, channel, the follow-up (rating, solved?), rework, and whether a unit
    finished work on it. One query."""
    done = Task.objects.filter(case_id=OuterRef("pk"), finished_at__isnull=False)
    return (
        Case.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(completed=Exists(done), category_code=F("category__code"))
        .values_list(
            "pk",
            "created_at",
            "path",
            "category_code",
            "channel",
            "rating",
            "resolved",
            "rework_count",
            "completed",
        )
        .order_by()
    )


def kpi_task_rows(start: datetime, end: datetime):
    """The tasks of the cases reported in [start, end), one row each with its unit (and the
    unit's path) and what the unit's record says: answered in time, finished in time, overdue,
    returned, and when it was dispatched and finished. One query."""
    return (
        Task.objects.filter(case__created_at__gte=start, case__created_at__lt=end)
        .values_list(
            "case_id",
            "unit_id",
            "unit__path",
            "status",
            "responded_on_time",
            "finished_on_time",
            "was_overdue",
            "created_at",
            "finished_at",
        )
        .order_by()
    )


def kpi_changed_since(event_id: int) -> tuple[int, list]:
    """What changed since the step ``event_id``: the newest step's id, and the days (Asia/
    Shanghai) on which the cases that took a step since were reported (every change of a case
    is a step). Two queries."""
    newest = CaseEvent.objects.aggregate(newest=Max("pk"))["newest"] or 0
    if newest <= event_id:
        return event_id, []
    days = (
        CaseEvent.objects.filter(pk__gt=event_id, pk__lte=newest)
        .annotate(day=TruncDate("case__created_at", tzinfo=timezone.get_default_timezone()))
        .values_list("day", flat=True)
        .distinct()
        .order_by()
    )
    return newest, sorted(days)


def kpi_days() -> list:
    """Every day (Asia/Shanghai) on which a case was reported. One query."""
    return sorted(
        Case.objects.annotate(day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
        .values_list("day", flat=True)
        .distinct()
        .order_by()
    )


# --- The command centre's live picture (read by ``gridgov.insights``) -------------------------------


@dataclass
class Live:
    """What is going on now within a territory: one query each. (Today's intake is counted
    by ``insights`` from its rollups, which a large territory's case table is too big for.)"""

    open_by_status: dict[str, int]
    overdue: list  # the open cases past a deadline (their own or an open task's), oldest first
    due_soon: list  # the open cases past their warning time, not yet due
    unit_load: list  # (unit id, name, open tasks, overdue tasks), busiest first
    grid_density: dict[str, int]  # grid path → open cases
    points: list  # (number, lat, lon, status) of the open cases with a point
    overdue_count: int = 0  # all the open cases past a deadline


def live(path: str, *, now: datetime | None = None, limit: int = 10, points: int = 2000) -> Live:
    """The live picture of the territory at ``path`` ("" for everything). Seven queries (fewer
    with ``limit`` or ``points`` 0), each on an index ((status, path) of cases and tasks,
    (case, status, due_at) of tasks)."""
    now = now or timezone.now()
    scope = within(path) if path else Q()
    open_cases = Case.objects.filter(scope, status__in=OPEN_STATUSES)
    overdue_count = open_cases.filter(overdue_q(now)).count()
    by_status = dict(open_cases.values_list("status").annotate(n=Count("pk")).order_by())
    related = ("category", "grid", "street", "centre")
    late = open_cases.filter(overdue_q(now)).select_related(*related).order_by("due_at", "number")[:limit]
    soon = (
        open_cases.filter(warn_at__lte=now, due_at__gte=now)
        .select_related(*related)
        .order_by("due_at")[:limit]
    )
    tasks = Task.objects.filter(within(path) if path else Q(), status__in=OPEN_TASK_STATUSES)
    load = (
        tasks.values("unit_id", "unit__name")
        .annotate(open=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
        .order_by("-open", "unit__name")[:limit]
    )
    density = dict(
        open_cases.filter(grid__isnull=False).values_list("grid__path").annotate(n=Count("pk")).order_by()
    )
    located = (
        open_cases.filter(lat__isnull=False)
        .values_list("number", "lat", "lon", "status")
        .order_by("-number")[:points]
    )
    return Live(
        open_by_status=by_status,
        overdue=list(late),
        due_soon=list(soon),
        unit_load=[(r["unit_id"], r["unit__name"], r["open"], r["late"]) for r in load],
        grid_density=density,
        points=list(located) if points else [],
        overdue_count=overdue_count,
    )


def kpi_overdue_cases(path: str, start: datetime, end: datetime, *, limit: int = 50) -> list[Case]:
    """Cases reported within ``path`` in [start, end) whose task went overdue, oldest first,
    with their category and place (for the monthly report). One query."""
    late = Task.objects.filter(case_id=OuterRef("pk"), was_overdue=True)
    return list(
        Case.objects.filter(within(path) if path else Q(), created_at__gte=start, created_at__lt=end)
        .filter(Exists(late))
        .select_related("category", "grid", "street", "centre")
        .order_by("created_at", "number")[:limit]
    )
