"""Fetch + authorise cases, tasks and photos (ARCHITECTURE §4.2).

Who sees a case: its reporter, and the reporters of duplicates merged into it (they follow
it); for an enterprise's demand, the enterprise's accounts and its liaison cadre; grid
workers, command-centre operators and leaders whose membership covers the case's path;
handlers of a unit that has (or had) a task on it (which of its tasks: ``tasks_shown``);
superusers. Missing and invisible are the same 404. Who may *act* is the transition table's
business (``require_actor``): a visible case with a forbidden action is a 403.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound, PermissionDenied, RateLimited
from gridgov.core.masking import mask_name
from gridgov.core.ratelimit import rate_limit_hit
from gridgov.core.scoping import collapse, covers, within_any
from gridgov.enterprises.access import enterprise_ids_spoken_for, speaks_for
from gridgov.orgs.models import Role
from gridgov.orgs.selectors import membership_rows

from .models import Case, Channel, Photo, Task, TaskRole
from .transitions import CENTRE, GRID_WORKER, REPORTER, UNIT, Transition

_CACHE = "_gridgov_case_viewer"


@dataclass(frozen=True)
class Viewer:
    """What one user's memberships mean for cases (loaded once per request)."""

    user_id: int | None
    superuser: bool
    grid_paths: tuple[str, ...]
    centre_paths: tuple[str, ...]
    view_paths: tuple[str, ...]
    own_centres: tuple[str, ...]  # paths of the command centres the user operates (not collapsed)
    unit_ids: frozenset[int]

    @property
    def is_staff_viewer(self) -> bool:
        return self.superuser or bool(self.view_paths or self.unit_ids)


def viewer(user) -> Viewer:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Viewer(None, False, (), (), (), frozenset(), ())
    cached = user.__dict__.get(_CACHE)
    if cached is not None:
        return cached
    rows = membership_rows(user)
    grid = collapse(p for r, p, _ in rows if r == Role.GRID_WORKER)
    centre = collapse(p for r, p, _ in rows if r == Role.CENTRE_OPERATOR)
    leader = [p for r, p, _ in rows if r == Role.LEADER]
    result = Viewer(
        user_id=user.pk,
        superuser=user.is_superuser,
        grid_paths=tuple(grid),
        centre_paths=tuple(centre),
        view_paths=tuple(collapse([*grid, *centre, *leader])),
        unit_ids=frozenset(u for r, _, u in rows if r == Role.UNIT_HANDLER and u),
        own_centres=tuple(sorted({p for r, p, _ in rows if r == Role.CENTRE_OPERATOR})),
    )
    user.__dict__[_CACHE] = result
    return result


def cases_visible_q(user) -> Q:
    """The filter for cases ``user`` may see."""
    v = viewer(user)
    if v.superuser:
        return Q()
    q = within_any(v.view_paths)
    if v.user_id is not None:
        q |= (
            Q(reporter_id=v.user_id)
            | Exists(Case.objects.filter(merged_into=OuterRef("pk"), reporter_id=v.user_id))
            | Q(enterprise_id__in=enterprise_ids_spoken_for(user))
        )
    if v.unit_ids:
        q |= Exists(Task.objects.filter(case_id=OuterRef("pk"), unit_id__in=v.unit_ids))
    return q


def can_see_case(user, case: Case) -> bool:
    v = viewer(user)
    return (
        v.superuser
        or (v.user_id is not None and case.reporter_id == v.user_id)
        or covers(v.view_paths, case.path)
        or (bool(v.unit_ids) and case.tasks.filter(unit_id__in=v.unit_ids).exists())
        or (v.user_id is not None and Case.objects.filter(merged_into=case, reporter_id=v.user_id).exists())
        or speaks_for(user, case.enterprise_id)
    )


def person_name(person, *, staff: bool) -> str:
    """How a person on a case (reporter, actor of a step) is named to a reader: in full to
    staff, masked (王**) to residents; never by a username that holds a phone number."""
    if person is None:
        return ""
    return person.display_name if staff else mask_name(person.display_name)


#: Set on the user by the Open311 adapter when a request carries a valid client key.
OPEN311_KEY_ATTRIBUTE = "open311_key"


def is_open311_client(user) -> bool:
    """Whether ``user`` acts for an Open311 client in this request (authenticated by its key)."""
    return getattr(user, OPEN311_KEY_ATTRIBUTE, None) is not None


def holds_case(user, case: Case) -> bool:
    """Whether ``user`` operates the command centre now responsible for ``case``."""
    v = viewer(user)
    return v.superuser or case.centre.path in v.own_centres


def sees_board(user, case: Case) -> bool:
    """A directive's response board is for whoever sees its territory (the issuing centre,
    leaders), not for the units answering it."""
    v = viewer(user)
    return v.superuser or covers(v.view_paths, case.path)


def sees_full_phone(user, case: Case) -> bool:
    """The reporter's number is for the command centre responsible for the case only."""
    return covers(viewer(user).centre_paths, case.path)


def report_rate_check(user, *, ip: str | None, client_id=None) -> None:
    """A resident's reports are limited per person and per address (``GRIDGOV_REPORT_RATE_USER``
    and ``GRIDGOV_REPORT_RATE_IP`` an hour), so no one floods a command centre; people on duty
    (grid workers, centres, units) are not. A retry of a report already filed (its client id)
    is not counted. Over a limit: ``RateLimited`` with the seconds to wait."""
    if viewer(user).is_staff_viewer or (client_id and Case.objects.filter(client_id=client_id).exists()):
        return
    for key, limit in (
        (f"report:user:{user.pk}", settings.GRIDGOV_REPORT_RATE_USER),
        (f"report:ip:{ip}", settings.GRIDGOV_REPORT_RATE_IP if ip else 0),
    ):
        wait = rate_limit_hit(key, limit=limit, window=3600)
        if wait is not None:
            raise RateLimited(
                _("Too many reports in a short time. Please try again later."), retry_after=wait
            )


def access_case(user, *, number: str) -> Case:
    # The row alone, without ORDER BY: related rows are loaded when a reader needs them (a
    # cached rendering of the case needs none), and compiling wide joins is what costs.
    case = next(iter(Case.objects.filter(number=number).order_by()[:1]), None)
    if case is None or not can_see_case(user, case):
        raise NotFound()
    return case


def access_task(user, *, pk: int) -> Task:
    task = Task.objects.filter(pk=pk).select_related("case", "unit").first()
    if task is None or not can_see_case(user, task.case):
        raise NotFound()
    return task


def access_photo(user, *, pk: int) -> Photo:
    photo = Photo.objects.filter(pk=pk).select_related("case").first()
    if photo is None or not can_see_case(user, photo.case):
        raise NotFound()
    return photo


def actor_kinds(user, case: Case, task: Task | None = None) -> set[str]:
    """The transition-table actor kinds ``user`` holds for this case (or task)."""
    v = viewer(user)
    kinds = set()
    if covers(v.grid_paths, case.path):
        kinds.add(GRID_WORKER)
    if covers(v.centre_paths, case.path):
        kinds.add(CENTRE)
    if task is not None and task.unit_id in v.unit_ids:
        kinds.add(UNIT)
    if case.enterprise_id is not None:
        # An enterprise's demand is the enterprise's: its accounts withdraw and rate it, also
        # when its liaison cadre filed it.
        if speaks_for(user, case.enterprise_id, liaison=False):
            kinds.add(REPORTER)
    elif v.user_id is not None and case.reporter_id == v.user_id:
        kinds.add(REPORTER)
    return kinds


def tasks_shown(user, case: Case, tasks: list[Task]) -> list[Task]:
    """The tasks of ``case`` a reader sees. Whoever sees the case from its territory (the
    centres, leaders, the grid) and its reporter see them all; a handling unit sees its own,
    and in a joint command the lead unit sees every co-handler's while a co-handler sees the
    lead's; of a directive a unit sees only its own."""
    v = viewer(user)
    if _sees_every_task(v, case):
        return tasks
    own = [t for t in tasks if t.unit_id in v.unit_ids]
    if case.channel == Channel.DIRECTIVE:
        return own
    if not any(t.role for t in tasks) or any(t.role == TaskRole.LEAD for t in own):
        return tasks
    return [t for t in tasks if t.unit_id in v.unit_ids or t.role == TaskRole.LEAD]


def tasks_audience(user, case: Case) -> str:
    """What decides ``tasks_shown`` for this reader: part of a cached rendering's key."""
    v = viewer(user)
    if _sees_every_task(v, case):
        return "all"
    return ",".join(str(u) for u in sorted(v.unit_ids))


def _sees_every_task(v: Viewer, case: Case) -> bool:
    """Whoever sees the case from its territory, or is no handling unit's, sees all its tasks."""
    return v.superuser or not v.unit_ids or covers(v.view_paths, case.path)


def require_actor(user, case: Case, transition: Transition, task: Task | None = None) -> None:
    if not actor_kinds(user, case, task) & set(transition.actors):
        raise PermissionDenied()
