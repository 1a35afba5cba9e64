"""The case loop over HTTP: report, read, and one endpoint per workflow action.

Views parse, fetch through ``access`` (404 when invisible), call one service, render. A
forbidden action on a visible case is a 403; an action the current state does not allow is a
409 naming that state. Creating a case is idempotent on ``client_id``.
"""

import hashlib
import uuid
from datetime import datetime

from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from gridgov.catalogue.models import Category
from gridgov.catalogue.selectors import category_active
from gridgov.core.errors import NotFound, ValidationFailed
from gridgov.core.masking import mask_email, mask_name, redact_text
from gridgov.core.pagination import LazyRows
from gridgov.core.ratelimit import client_ip
from gridgov.enterprises.models import Enterprise
from gridgov.orgs.models import CommandCentre, HandlingUnit

from . import access, selectors, services
from .models import OPEN_TASK_STATUSES, Case, Channel, Photo, Task

router = Router(tags=["cases"])


# --- Schemas -------------------------------------------------------------------------------------


class CaseIn(Schema):
    """A new case. Category and description are checked by the service (translated field
    errors); ``client_id`` makes retries safe."""

    client_id: uuid.UUID | None = None
    category: str | None = None
    description: str | None = None
    urgency: str | None = None
    lon: float | None = None
    lat: float | None = None
    address: str = ""
    answers: dict = {}
    channel: str = "app"
    contact_phone: str = ""
    # An enterprise demand (channel "enterprise"): the enterprise it is for.
    enterprise_id: int | None = None


class WhistleIn(Schema):
    """吹哨: a street's centre calls units above it; ``centre_id`` when the operator has several;
    ``client_id`` makes retries safe (the same request again answers with the first case)."""

    client_id: uuid.UUID | None = None
    centre_id: int | None = None
    title: str = ""
    category: str | None = None
    description: str = ""
    urgency: str | None = None
    address: str = ""
    unit_ids: list[int] = []


class DirectiveIn(Schema):
    """上级号召: every active unit of ``unit_kinds`` within the centre's territory, by ``due_at``;
    ``client_id`` makes retries safe."""

    client_id: uuid.UUID | None = None
    centre_id: int | None = None
    title: str = ""
    category: str | None = None
    description: str = ""
    urgency: str | None = None
    unit_kinds: list[str] = []
    due_at: datetime | None = None


class Named(Schema):
    id: int
    name: str


class PlaceOut(Schema):
    path: str
    name: str


class CaseRowOut(Schema):
    number: str
    status: str
    status_display: str
    channel: str
    title: str
    category: str
    category_name: str
    urgency: str
    description: str
    address: str
    lon: float | None
    lat: float | None
    grid: PlaceOut | None
    street: PlaceOut | None
    centre: str
    created_at: datetime
    stage: str
    due_at: datetime | None
    overdue: bool


class EventOut(Schema):
    action: str
    action_display: str
    at: datetime
    actor: str
    from_status: str
    to_status: str
    note: str
    unit: str | None
    photos: list[int]


class PhotoOut(Schema):
    id: int
    kind: str
    url: str
    thumb_url: str
    width: int
    height: int


class TaskOut(Schema):
    id: int
    case: str
    unit: Named
    role: str
    status: str
    status_display: str
    instructions: str
    note: str
    return_reason: str
    created_at: datetime
    signed_at: datetime | None
    finished_at: datetime | None
    stage: str
    due_at: datetime | None
    supervise_count: int
    urge_count: int
    extension_days: int | None
    extension_reason: str
    extension_count: int
    rating: str
    rating_comment: str
    request_rating: str
    request_comment: str


class CaseOut(CaseRowOut):
    answers: dict
    community: PlaceOut | None
    reporter: str
    phone: str
    contact_name: str
    contact_email: str
    media_url: str
    enterprise: Named | None
    merged_into: str | None
    rating: str
    rating_comment: str
    resolved: bool | None
    rework_count: int
    warn_at: datetime | None
    tasks: list[TaskOut]
    photos: list[PhotoOut]
    timeline: list[EventOut]
    actions: list[str]
    suggested_unit: Named | None


class ReasonIn(Schema):
    reason: str | None = None


class NoteIn(Schema):
    note: str = ""


class MergeIn(Schema):
    into: str | None = None
    note: str = ""


class DispatchIn(Schema):
    unit_ids: list[int] = []
    instructions: str = ""
    # A joint command (综合指挥): which of ``unit_ids`` leads.
    lead_unit_id: int | None = None


class BoardRowOut(Schema):
    task: int
    unit: Named
    unit_kind: str
    status: str
    status_display: str
    signed_at: datetime | None
    finished_at: datetime | None
    due_at: datetime | None
    overdue: bool


class BoardOut(Schema):
    """A directive's response board: totals, then one row per unit."""

    case: str
    title: str
    due_at: datetime | None
    units: int
    acknowledged: int
    done: int
    overdue: int
    returned: int
    rows: list[BoardRowOut]


class PressIn(Schema):
    level: str = "general"
    note: str = ""


class ExtensionIn(Schema):
    days: int | None = None
    reason: str = ""


class RateIn(Schema):
    rating: str | None = None
    comment: str = ""
    # 回访's other question; not given: solved unless unsatisfied.
    resolved: bool | None = None


class CheckIn(Schema):
    passed: bool = True
    note: str = ""


class FinishIn(Schema):
    note: str = ""


# --- Rendering -------------------------------------------------------------------------------------


def _place(unit) -> PlaceOut | None:
    return PlaceOut(path=unit.path, name=unit.name) if unit else None


def _row(case: Case, now=None) -> dict:
    return {
        "number": case.number,
        "status": case.status,
        "status_display": str(case.get_status_display()),
        "channel": case.channel,
        "title": case.title,
        "category": case.category.code,
        "category_name": case.category.name,
        "urgency": case.urgency,
        "description": redact_text(case.description),
        "address": case.address,
        "lon": case.lon,
        "lat": case.lat,
        "grid": _place(case.grid),
        "street": _place(case.street),
        "centre": case.centre.name,
        "created_at": case.created_at,
        "stage": case.stage,
        "due_at": case.due_at,
        "overdue": bool(case.due_at and case.due_at < (now or timezone.now()))
        or getattr(case, "late_task", False),
    }


def _task(task: Task) -> TaskOut:
    return TaskOut(
        id=task.pk,
        case=task.case.number,
        unit=Named(id=task.unit_id, name=task.unit.name),
        role=task.role,
        status=task.status,
        status_display=str(task.get_status_display()),
        instructions=task.instructions,
        note=task.note,
        return_reason=task.return_reason,
        created_at=task.created_at,
        signed_at=task.signed_at,
        finished_at=task.finished_at,
        stage=task.stage,
        due_at=task.due_at,
        supervise_count=task.supervise_count,
        urge_count=task.urge_count,
        extension_days=task.extension_days,
        extension_reason=task.extension_reason,
        extension_count=task.extension_count,
        rating=task.rating,
        rating_comment=task.rating_comment,
        request_rating=task.request_rating,
        request_comment=task.request_comment,
    )


def _photo(photo: Photo) -> PhotoOut:
    return PhotoOut(
        id=photo.pk,
        kind=photo.kind,
        url=f"/api/cases/photos/{photo.pk}",
        thumb_url=f"/api/cases/photos/{photo.pk}?size=thumb",
        width=photo.width,
        height=photo.height,
    )


def case_out(user, case: Case, actions: list[str] | None = None) -> CaseOut:
    """The whole case as ``user`` may see it (internal notes and full phone only for staff)."""
    v = access.viewer(user)
    staff = v.is_staff_viewer
    if not hasattr(case, "timeline"):
        case = selectors.case_detail(case, internal=staff)
    photos_by_event: dict[int, list[int]] = {}
    for p in case.photo_list:
        photos_by_event.setdefault(p.event_id, []).append(p.pk)
    for t in case.task_list:
        t.case = case
    tasks = access.tasks_shown(user, case, case.task_list)
    if actions is None:
        actions = services.actions_for(user, case)
    suggestion = selectors.suggested_unit(case) if "dispatch" in actions else None
    now = timezone.now()
    full = access.sees_full_phone(user, case)
    row = _row(case, now)
    row["overdue"] = row["overdue"] or any(
        t.status in OPEN_TASK_STATUSES and t.due_at and t.due_at < now for t in tasks
    )
    return CaseOut(
        **row,
        answers=case.answers,
        community=_place(case.community),
        reporter=access.person_name(case.reporter, staff=staff),
        phone=case.phone if full else case.masked_phone,
        contact_name=case.contact_name if full else mask_name(case.contact_name),
        contact_email=(case.contact or {}).get("email", "")
        if full
        else mask_email((case.contact or {}).get("email")),
        media_url=case.media_url,
        enterprise=Named(id=case.enterprise_id, name=case.enterprise.name) if case.enterprise_id else None,
        merged_into=case.merged_into.number if case.merged_into_id else None,
        rating=case.rating,
        rating_comment=case.rating_comment,
        resolved=case.resolved,
        rework_count=case.rework_count,
        warn_at=case.warn_at,
        tasks=[_task(t) for t in tasks],
        photos=[_photo(p) for p in case.photo_list],
        timeline=[
            EventOut(
                action=e.action,
                action_display=selectors.action_label(e.action),
                at=e.at,
                actor=access.person_name(e.actor, staff=staff),
                from_status=e.from_status,
                to_status=e.to_status,
                note=e.note,
                unit=e.task.unit.name if e.task_id else None,
                photos=photos_by_event.get(e.pk, []),
            )
            for e in case.timeline
        ],
        actions=actions,
        suggested_unit=Named(id=suggestion.pk, name=suggestion.name) if suggestion else None,
    )


def _json(body: Schema | bytes, status: int = 200) -> HttpResponse:
    """A response already rendered by pydantic (the declared schema documents it; validating
    our own output a second time is skipped on the hottest endpoints)."""
    raw = body if isinstance(body, bytes) else body.model_dump_json().encode()
    return HttpResponse(raw, status=status, content_type="application/json; charset=utf-8")


def _category(code: str | None) -> Category | None:
    if not code:
        return None
    category = category_active(code)
    if category is None:
        raise ValidationFailed(fields={"category": [_("Unknown category.")]})
    return category


def _enterprise(pk: int | None) -> Enterprise | None:
    if pk is None:
        return None
    enterprise = Enterprise.objects.select_related("org_unit").filter(pk=pk).first()
    if enterprise is None:
        raise ValidationFailed(fields={"enterprise_id": [_("No such enterprise.")]})
    return enterprise


def _units(ids: list[int], field: str = "unit_ids") -> list[HandlingUnit]:
    units = list(HandlingUnit.objects.filter(pk__in=ids))
    if len(units) != len(set(ids)):
        raise ValidationFailed(fields={field: [_("Unknown handling unit.")]})
    return units


def _centre(pk: int | None) -> CommandCentre | None:
    if pk is None:
        return None
    centre = CommandCentre.objects.select_related("org_unit").filter(pk=pk).first()
    if centre is None:
        raise ValidationFailed(fields={"centre_id": [_("No such command centre.")]})
    return centre


# --- Cases ---------------------------------------------------------------------------------------------


@router.post("/", response={200: CaseOut, 201: CaseOut}, summary="Report a case (idempotent on client_id)")
def case_create(request, payload: CaseIn):
    access.report_rate_check(request.user, ip=client_ip(request), client_id=payload.client_id)
    fingerprint = services.request_fingerprint(payload.dict(exclude={"client_id"}))
    case, created = services.case_report(
        actor=request.user,
        category=_category(payload.category),
        description=payload.description or "",
        channel=payload.channel,
        urgency=payload.urgency,
        lon=payload.lon,
        lat=payload.lat,
        address=payload.address,
        answers=payload.answers,
        contact_phone=payload.contact_phone,
        enterprise=_enterprise(payload.enterprise_id),
        client_id=payload.client_id,
        fingerprint=fingerprint,
    )
    if not created:
        case = access.access_case(request.user, number=case.number)
    return _json(case_out(request.user, case), status=201 if created else 200)


@router.post("/whistles", response={201: CaseOut}, summary="Street centre: whistle to units above (吹哨)")
def case_whistle(request, payload: WhistleIn):
    case = services.case_whistle(
        actor=request.user,
        centre=_centre(payload.centre_id),
        units=_units(payload.unit_ids),
        category=_category(payload.category),
        title=payload.title,
        description=payload.description,
        urgency=payload.urgency,
        address=payload.address,
        client_id=payload.client_id,
        fingerprint=services.request_fingerprint(payload.dict(exclude={"client_id"})),
    )
    return _json(case_out(request.user, access.access_case(request.user, number=case.number)), status=201)


@router.get("/whistle-units", response=list[Named], summary="Units my centre may whistle to")
def case_whistle_units(request, centre_id: int | None = None):
    centre = services.whistling_centre(request.user, _centre(centre_id))
    return [Named(id=u.pk, name=u.name) for u in selectors.whistle_units(centre)]


@router.post("/directives", response={201: CaseOut}, summary="City or county centre: issue a directive")
def directive_issue(request, payload: DirectiveIn):
    case = services.directive_issue(
        actor=request.user,
        centre=_centre(payload.centre_id),
        unit_kinds=payload.unit_kinds,
        category=_category(payload.category),
        title=payload.title,
        description=payload.description,
        urgency=payload.urgency,
        due_at=payload.due_at,
        client_id=payload.client_id,
        fingerprint=services.request_fingerprint(payload.dict(exclude={"client_id"})),
    )
    return _json(case_out(request.user, access.access_case(request.user, number=case.number)), status=201)


@router.get("/{number}/board", response=BoardOut, summary="A directive's response board")
def directive_board(request, number: str):
    case = access.access_case(request.user, number=number)
    if case.channel != Channel.DIRECTIVE or not access.sees_board(request.user, case):
        raise NotFound()
    board = selectors.directive_board(case)
    return BoardOut(
        case=case.number,
        title=case.title,
        due_at=max((t.due_at for t in board.rows if t.due_at), default=None),
        units=board.units,
        acknowledged=board.acknowledged,
        done=board.done,
        overdue=board.overdue,
        returned=board.returned,
        rows=[
            BoardRowOut(
                task=t.pk,
                unit=Named(id=t.unit_id, name=t.unit.name),
                unit_kind=t.unit.kind,
                status=t.status,
                status_display=str(t.get_status_display()),
                signed_at=t.signed_at,
                finished_at=t.finished_at,
                due_at=t.due_at,
                overdue=t.overdue,
            )
            for t in board.rows
        ],
    )


@router.get("/", response=list[CaseRowOut], summary="Cases I may see, by queue and filters")
@paginate(PageNumberPagination, page_size=20)
def case_list(
    request,
    queue: str = "",
    status: str = "",
    category: str = "",
    grid: str = "",
    unit: int | None = None,
    overdue: bool = False,
    q: str = "",
):
    if queue and queue not in selectors.QUEUES:
        raise ValidationFailed(fields={"queue": [_("Unknown queue.")]})
    filters = selectors.CaseFilters(
        status=status, category=category, grid=grid, unit=unit, overdue=overdue, q=q
    )
    now = timezone.now()
    return LazyRows(selectors.cases_list(request.user, filters=filters, queue=queue), lambda c: _row(c, now))


@router.get("/photos/{photo_id}", summary="A case photo (or ?size=thumb)")
def photo_file(request, photo_id: int, size: str = ""):
    photo = access.access_photo(request.user, pk=photo_id)
    f = photo.thumb if size == "thumb" else photo.image
    response = FileResponse(f.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


#: How long a rendered case is kept; any step raises the case's version, so this only bounds
#: how long a renamed category, unit or person shows its old name, and how late the
#: ``overdue`` flag may turn (deadlines themselves are absolute times in the body).
DETAIL_TTL_SECONDS = 60


@router.get("/{number}", response=CaseOut, summary="One case with its tasks, photos and timeline")
def case_get(request, number: str):
    """Rendered once per case version and audience (what the reader may see and do), then
    served from the cache until the next step."""
    user = request.user
    case = access.access_case(user, number=number)
    actions = services.actions_for(user, case)
    audience = "|".join(
        [
            "staff" if access.viewer(user).is_staff_viewer else "public",
            "phone" if access.sees_full_phone(user, case) else "masked",
            ",".join(actions),
            access.tasks_audience(user, case),
            get_language() or "",
        ]
    )
    key = f"case-detail:{case.pk}:{case.version}:{hashlib.sha1(audience.encode()).hexdigest()}"
    body = cache.get(key)
    if body is None:
        body = case_out(user, case, actions).model_dump_json().encode()
        cache.set(key, body, DETAIL_TTL_SECONDS)
    return _json(body)


@router.post("/{number}/photos", response=CaseOut, summary="Add photos to my report while it is open")
def case_photos_add(request, number: str, photos: File[list[UploadedFile]]):
    case = access.access_case(request.user, number=number)
    services.case_photos_add(actor=request.user, case=case, photos=photos)
    return case_out(request.user, case)


def _idempotency_key(request) -> uuid.UUID | None:
    """The optional ``Idempotency-Key`` header of an action (a UUID): the same key again does not
    repeat the step (``services.action_once``)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    try:
        return uuid.UUID(key)
    except ValueError:
        raise ValidationFailed(fields={"Idempotency-Key": [_("Send a UUID.")]}) from None


def _act(request, number: str, service, **kwargs):
    case = access.access_case(request.user, number=number)
    services.action_once(
        actor=request.user,
        case=case,
        client_id=_idempotency_key(request),
        run=lambda: service(actor=request.user, case=case, **kwargs),
    )
    return case_out(request.user, access.access_case(request.user, number=number))


@router.post("/{number}/verify", response=CaseOut, summary="Grid worker: verify and forward")
def case_verify(request, number: str, payload: NoteIn):
    return _act(request, number, services.case_verify, note=payload.note)


@router.post("/{number}/accept", response=CaseOut, summary="Centre: accept")
def case_accept(request, number: str, payload: NoteIn):
    return _act(request, number, services.case_accept, note=payload.note)


@router.post("/{number}/reject", response=CaseOut, summary="Grid worker or centre: reject with a reason")
def case_reject(request, number: str, payload: ReasonIn):
    return _act(request, number, services.case_reject, reason=payload.reason or "")


@router.post("/{number}/merge", response=CaseOut, summary="Centre: merge as a duplicate of another case")
def case_merge(request, number: str, payload: MergeIn):
    into = Case.objects.filter(number=payload.into or "").first()
    if into is None:
        raise ValidationFailed(fields={"into": [_("No such case.")]})
    return _act(request, number, services.case_merge, into=into, note=payload.note)


class ModerateIn(Schema):
    """What the public sees: a redacted text (empty or the description: as it is), the
    reporter's photos hidden, or the whole report hidden."""

    public_text: str = ""
    hide: bool = False
    hide_photos: bool = False
    note: str = ""


@router.post(
    "/{number}/moderate", response=CaseOut, summary="Centre: review what the public sees of a report (审核)"
)
def case_moderate(request, number: str, payload: ModerateIn):
    return _act(
        request,
        number,
        services.case_moderate,
        public_text=payload.public_text,
        hide=payload.hide,
        hide_photos=payload.hide_photos,
        note=payload.note,
    )


@router.post("/{number}/dispatch", response=CaseOut, summary="Centre: dispatch to one or more units")
def case_dispatch(request, number: str, payload: DispatchIn):
    units = _units(payload.unit_ids)
    lead = None
    if payload.lead_unit_id is not None:
        lead = next((u for u in units if u.pk == payload.lead_unit_id), None)
        if lead is None:
            raise ValidationFailed(
                fields={"lead_unit_id": [_("The lead unit is one of the units the case is sent to.")]}
            )
    return _act(
        request, number, services.case_dispatch, units=units, instructions=payload.instructions, lead=lead
    )


@router.post("/{number}/check", response=CaseOut, summary="Re-check a handled case: passed or rework")
def case_check(request, number: str, payload: Form[CheckIn], photos: File[list[UploadedFile]] = None):
    return _act(request, number, services.case_check, passed=payload.passed, note=payload.note, photos=photos)


@router.post("/{number}/close", response=CaseOut, summary="Centre: close a re-checked case")
def case_close(request, number: str, payload: NoteIn):
    return _act(request, number, services.case_close, note=payload.note)


@router.post("/{number}/rate", response=CaseOut, summary="Reporter: rate the result")
def case_rate(request, number: str, payload: RateIn):
    return _act(
        request,
        number,
        services.case_rate,
        rating=payload.rating or "",
        comment=payload.comment,
        resolved=payload.resolved,
    )


@router.post("/{number}/resolve", response=CaseOut, summary="Centre: resolve a simple case at once (即办)")
def case_resolve(request, number: str, payload: NoteIn):
    return _act(request, number, services.case_resolve, note=payload.note)


@router.post(
    "/{number}/reopen", response=CaseOut, summary="Centre: reopen a case rated unsatisfied (重办), once"
)
def case_reopen(request, number: str, payload: ReasonIn):
    return _act(request, number, services.case_reopen, reason=payload.reason or "")


@router.post("/{number}/escalate", response=CaseOut, summary="Centre: pass to the command centre above")
def case_escalate(request, number: str, payload: ReasonIn):
    return _act(request, number, services.case_escalate, reason=payload.reason or "")


@router.post("/{number}/handback", response=CaseOut, summary="Centre: hand back to the command centre below")
def case_handback(request, number: str, payload: NoteIn):
    return _act(request, number, services.case_handback, note=payload.note)


@router.post("/{number}/supervise", response=CaseOut, summary="Centre: supervise (督办) the open tasks")
def case_supervise(request, number: str, payload: PressIn):
    return _act(
        request, number, services.case_press, action="supervise", level=payload.level, note=payload.note
    )


@router.post("/{number}/urge", response=CaseOut, summary="Centre: urge (催办) the open tasks")
def case_urge(request, number: str, payload: PressIn):
    return _act(request, number, services.case_press, action="urge", level=payload.level, note=payload.note)


@router.post("/{number}/withdraw", response=CaseOut, summary="Reporter: withdraw before dispatch")
def case_withdraw(request, number: str, payload: ReasonIn):
    return _act(request, number, services.case_withdraw, reason=payload.reason or "")


@router.get("/{number}/dispatch-units", response=list[Named], summary="Units this case may be sent to")
def case_dispatch_units(request, number: str):
    case = access.access_case(request.user, number=number)
    if "dispatch" not in services.actions_for(request.user, case):
        raise NotFound()
    return [Named(id=u.pk, name=u.name) for u in selectors.dispatch_units(case)]


# --- Tasks ------------------------------------------------------------------------------------------------

tasks_router = Router(tags=["tasks"])


@tasks_router.get("/", response=list[TaskOut], summary="My units' tasks")
@paginate(PageNumberPagination, page_size=20)
def task_list(request, status: str = "", open: bool = False):
    return LazyRows(selectors.tasks_list(request.user, status=status, open_only=open), _task)


@tasks_router.get("/{task_id}", response=TaskOut)
def task_get(request, task_id: int):
    return _task(access.access_task(request.user, pk=task_id))


def _task_act(request, task_id: int, service, **kwargs):
    """One step of a task, once per ``Idempotency-Key`` (see ``_act``)."""
    task = access.access_task(request.user, pk=task_id)
    services.action_once(
        actor=request.user,
        case=task.case,
        client_id=_idempotency_key(request),
        run=lambda: service(actor=request.user, task=task, **kwargs),
    )
    return _task(access.access_task(request.user, pk=task_id))


@tasks_router.post("/{task_id}/sign", response=TaskOut, summary="Unit: sign for the task")
def task_sign(request, task_id: int):
    return _task_act(request, task_id, services.task_sign)


@tasks_router.post("/{task_id}/return", response=TaskOut, summary="Unit: return it (not ours) with a reason")
def task_return(request, task_id: int, payload: ReasonIn):
    return _task_act(request, task_id, services.task_return, reason=payload.reason or "")


@tasks_router.post("/{task_id}/finish", response=TaskOut, summary="Unit: finish with after-photos and a note")
def task_finish(request, task_id: int, payload: Form[FinishIn], photos: File[list[UploadedFile]] = None):
    return _task_act(request, task_id, services.task_finish, note=payload.note, photos=photos)


@tasks_router.post(
    "/{task_id}/supervise", response=TaskOut, summary="Centre: supervise (督办) one unit's task"
)
def task_supervise(request, task_id: int, payload: PressIn):
    return _task_act(
        request, task_id, services.task_press, action="supervise", level=payload.level, note=payload.note
    )


@tasks_router.post("/{task_id}/urge", response=TaskOut, summary="Centre: urge (催办) one unit's task")
def task_urge(request, task_id: int, payload: PressIn):
    return _task_act(
        request, task_id, services.task_press, action="urge", level=payload.level, note=payload.note
    )


@tasks_router.post("/{task_id}/assess", response=TaskOut, summary="Whistling centre: rate a unit's answer")
def task_assess(request, task_id: int, payload: RateIn):
    return _task_act(
        request, task_id, services.task_assess, rating=payload.rating or "", comment=payload.comment
    )


@tasks_router.post(
    "/{task_id}/assess_request", response=TaskOut, summary="Whistled unit: rate the request it answered"
)
def task_assess_request(request, task_id: int, payload: RateIn):
    return _task_act(
        request,
        task_id,
        services.task_assess,
        rating=payload.rating or "",
        comment=payload.comment,
        by_unit=True,
    )


@tasks_router.post(
    "/{task_id}/extension_request", response=TaskOut, summary="Unit: ask for more working days (延期)"
)
def task_extension_request(request, task_id: int, payload: ExtensionIn):
    return _task_act(
        request, task_id, services.task_extension_request, days=payload.days, reason=payload.reason
    )


@tasks_router.post("/{task_id}/extension_approve", response=TaskOut, summary="Centre: approve the extension")
def task_extension_approve(request, task_id: int, payload: NoteIn):
    return _task_act(request, task_id, services.task_extension_decide, approve=True, note=payload.note)


@tasks_router.post("/{task_id}/extension_refuse", response=TaskOut, summary="Centre: refuse the extension")
def task_extension_refuse(request, task_id: int, payload: ReasonIn):
    return _task_act(
        request, task_id, services.task_extension_decide, approve=False, note=payload.reason or ""
    )
