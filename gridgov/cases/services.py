"""Writes of the case loop: report → verify → accept → dispatch → sign → finish → check →
close → rate, and the side roads (reject, merge, return, rework, withdraw).

Every state change is a guarded conditional update (``UPDATE … WHERE status IN sources``),
one ``CaseEvent`` row, and notifications enqueued when the transaction commits
(ARCHITECTURE §4.1–4.3). Photos are decoded and re-encoded before the transaction starts, and
their files are removed again if it fails, so a failure leaves nothing half-written.
"""

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.catalogue.models import Category, CategoryKind, Stage, Urgency
from gridgov.catalogue.questions import answers_clean
from gridgov.catalogue.seed import DEFAULT_WARN_RATIO
from gridgov.catalogue.selectors import routing_auto_unit, sla_policy
from gridgov.core.calendar import working_day_minutes, working_minutes_add
from gridgov.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from gridgov.core.scoping import within
from gridgov.core.tasks import enqueue_on_commit
from gridgov.enterprises import access as enterprise_access
from gridgov.enterprises.models import Enterprise
from gridgov.geo import index as geo_index
from gridgov.orgs.models import (
    GRID_LEVELS,
    LEVEL_PATH_LENGTH,
    PATH_LENGTH_LEVEL,
    CommandCentre,
    HandlingUnit,
    Level,
    OrgUnit,
    UnitKind,
    path_prefixes,
)

from . import access, selectors
from .models import (
    APPEAL_CHANNELS,
    OPEN_STATUSES,
    OPEN_TASK_STATUSES,
    Case,
    CaseEvent,
    CaseNumberCounter,
    CaseStatus,
    Channel,
    Photo,
    PhotoKind,
    PressLevel,
    Rating,
    Task,
    TaskRole,
    TaskStatus,
)
from .photos import PreparedPhoto, photo_prepare
from .sla import stage_deadline
from .transitions import CASE_START_STAGE, CASE_TRANSITIONS, CENTRE, TASK_START_STAGE, TASK_TRANSITIONS

DESCRIPTION_MAX = 4000  # as Open311 allows
MAX_PHOTOS = 9
TITLE_MAX = 100
#: Cases whose tasks keep the deadline they were given (a directive's date), whatever the stage.
FIXED_DEADLINE_CHANNELS = (Channel.DIRECTIVE,)


# --- Location ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where a case belongs: its grid (if any), community, street, scope path and centre."""

    path: str
    centre: CommandCentre
    grid: OrgUnit | None = None
    community: OrgUnit | None = None
    street: OrgUnit | None = None
    has_grid_worker: bool = False

    @property
    def located(self) -> bool:
        return self.grid is not None


#: Placements of grids are cached this long: the units above a grid change rarely, and a
#: short life keeps renamed or re-attached centres current.
PLACEMENT_TTL_SECONDS = 60


def case_place(*, lon: float | None, lat: float | None, area: OrgUnit | None = None) -> Placement:
    """GPS point → grid → community → street, and the responsible command centre: the nearest
    centre above the grid (the street's). Without a point, a known ``area`` (a grid, community
    or street named by an external system) places the case there. A point outside every grid
    (or no place at all) goes to the city centre's "unlocated" queue: the city of the nearest
    grid, else the first city."""
    hit = geo_index.locate(lon, lat) if lon is not None and lat is not None else None
    path = hit.path if hit is not None else (area.path if area is not None and lon is None else "")
    if path:
        key = f"case-placement:{path}"
        placement = cache.get(key)
        if placement is None:
            placement = _area_placement(path)
            if placement is not None:
                cache.set(key, placement, PLACEMENT_TTL_SECONDS)
        if placement is not None:
            return placement
    near = geo_index.nearest(lon, lat) if lon is not None and lat is not None else None
    city_length = LEVEL_PATH_LENGTH[Level.CITY]
    cities = CommandCentre.objects.filter(org_unit__level=Level.CITY).select_related("org_unit")
    centre = None
    if near is not None:
        centre = cities.filter(path=near.path[:city_length]).first()
    centre = centre or cities.order_by("path").first()
    if centre is None:
        raise ValidationFailed(
            _("No command centre can take this case: ask the administrator to set one up.")
        )
    return Placement(path=centre.path, centre=centre)


def _area_placement(path: str) -> Placement | None:
    """The placement of a case inside the unit at ``path`` (a grid, else a larger area)."""
    prefixes = path_prefixes(path)
    units = {u.path: u for u in OrgUnit.objects.filter(path__in=prefixes)}
    centre = (
        CommandCentre.objects.filter(path__in=prefixes).select_related("org_unit").order_by("-path").first()
    )
    if centre is None:
        return None
    unit = units.get(path)
    grid = unit if unit is not None and unit.level in GRID_LEVELS else None

    def above(level):  # the unit of ``level`` that contains the place, if the place is inside one
        length = LEVEL_PATH_LENGTH[level]
        return units.get(path[:length]) if len(path) >= length else None

    return Placement(
        path=path,
        centre=centre,
        grid=grid,
        community=above(Level.COMMUNITY),
        street=above(Level.STREET),
        has_grid_worker=grid is not None and selectors.grid_workers_of(path).exists(),
    )


# --- Helpers -------------------------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _number(at: datetime) -> str:
    """The next case number of the day: ``YYYYMMDD`` (Asia/Shanghai) + six digits. The day's
    counter row is incremented in the case's transaction (``UPDATE … RETURNING``), so numbers
    are unique and without gaps."""
    day = timezone.localtime(at).date()
    table = connection.ops.quote_name(CaseNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET "last" = "last" + 1 WHERE "day" = %s RETURNING "last"', [day])
        row = cursor.fetchone()
    if row is None:
        CaseNumberCounter.objects.bulk_create([CaseNumberCounter(day=day, last=0)], ignore_conflicts=True)
        return _number(at)
    return f"{day:%Y%m%d}{row[0]:06d}"


def _prepare(files: Iterable | None, field: str = "photos") -> list[PreparedPhoto]:
    files = list(files or [])
    if len(files) > MAX_PHOTOS:
        raise ValidationFailed(fields={field: [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]})
    return [photo_prepare(f) for f in files]


class _PhotoWriter:
    """Stores prepared photos inside a transaction and deletes their files if it fails."""

    def __init__(self):
        self.saved: list[Photo] = []

    def save(self, prepared: Sequence[PreparedPhoto], *, case, kind, event, actor, at) -> None:
        for p in prepared:
            photo = Photo(
                case=case,
                event=event,
                kind=kind,
                width=p.width,
                height=p.height,
                sha256=p.sha256,
                uploaded_by=actor,
                created_at=at,
            )
            photo.image.save(".jpg", ContentFile(p.large), save=False)
            self.saved.append(photo)
            photo.thumb.save("-thumb.jpg", ContentFile(p.thumb), save=False)
            photo.save()

    def discard(self) -> None:
        for photo in self.saved:
            for f in (photo.image, photo.thumb):
                if f.name:
                    f.storage.delete(f.name)


def _atomic_with_photos(work):
    """Run ``work(writer)`` in a transaction; on any failure remove the photo files it stored."""
    writer = _PhotoWriter()
    try:
        with transaction.atomic():
            return work(writer)
    except BaseException:
        writer.discard()
        raise


def _notify(event: CaseEvent) -> None:
    from .tasks import case_event_notify

    enqueue_on_commit(case_event_notify, event.pk)


def _event(*, case, action, actor, at, from_status, to_status, task=None, note="", internal=False, data=None):
    event = CaseEvent.objects.create(
        case=case,
        task=task,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note,
        internal=internal,
        data=data or {},
    )
    if action != "report":
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1, updated_at=at)
    _notify(event)
    return event


def action_once(*, actor, case: Case, client_id: uuid.UUID | None, run) -> bool:
    """Run ``run()`` (one action on ``case``) once per ``client_id``: the same request again (a
    retry after a timeout, the phone's outbox sending what it kept without a signal) finds the
    step it made and does nothing. True when it ran, False when it had been done already. The
    id is kept on the first step the actor wrote; an id already used for another case or by
    someone else is a 409. Without an id it just runs."""
    if client_id is None:
        run()
        return True
    if _action_done(client_id, case, actor):
        return False
    try:
        with transaction.atomic():
            before = CaseEvent.objects.filter(case=case).aggregate(last=Max("pk"))["last"] or 0
            run()
            step = (
                CaseEvent.objects.filter(case=case, pk__gt=before, actor=actor, client_id=None)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            if step is not None:
                CaseEvent.objects.filter(pk=step).update(client_id=client_id)
    except (IntegrityError, InvalidTransition):
        # The same request, sent twice at once, made its step in the other transaction.
        if _action_done(client_id, case, actor):
            return False
        raise
    return True


def _action_done(client_id: uuid.UUID, case: Case, actor) -> bool:
    done = CaseEvent.objects.filter(client_id=client_id).values("case_id", "actor_id").first()
    if done is None:
        return False
    if done["case_id"] != case.pk or done["actor_id"] != getattr(actor, "pk", None):
        raise Conflict(
            _("This request id was already used for a different action."), code="idempotency_conflict"
        )
    return True


def _guarded_update(row: Case | Task, *, transition, updates: dict) -> str:
    """``UPDATE … WHERE status IN sources`` on one case or task; the status it left, or a 409
    naming the current state when the row was not in a source state."""
    model = type(row)
    if not model.objects.filter(pk=row.pk, status__in=transition.sources).update(**updates):
        current = model.objects.filter(pk=row.pk).values_list("status", flat=True).first() or ""
        label = dict(model._meta.get_field("status").choices).get(current, current)
        raise InvalidTransition(action=transition.action, current=current, current_label=str(label))
    source = row.status
    row.refresh_from_db()
    return source


def _case_step(
    *,
    case: Case,
    action: str,
    actor,
    at: datetime | None = None,
    note: str = "",
    internal: bool = False,
    data: dict | None = None,
    fields: dict | None = None,
    authorise: bool = True,
) -> tuple[Case, CaseEvent]:
    """Apply one case transition (to be called inside a transaction)."""
    t = CASE_TRANSITIONS[action]
    if authorise:
        access.require_actor(actor, case, t)
    now = _now(at)
    updates = {"updated_at": now, **(fields or {})}
    if t.target is not None:  # a step that keeps the state keeps its deadline too
        updates.update(
            status=t.target,
            **stage_deadline(category=case.category, urgency=case.urgency, stage=t.stage, start=now),
            **(fields or {}),
        )
    source = _guarded_update(case, transition=t, updates=updates)
    event = _event(
        case=case,
        action=action,
        actor=actor,
        at=now,
        from_status=source,
        to_status=t.target or source,
        note=note,
        internal=internal,
        data=data,
    )
    return case, event


def _task_step(
    *,
    task: Task,
    action: str,
    actor,
    at: datetime | None = None,
    note: str = "",
    fields=None,
    data: dict | None = None,
    authorise=True,
) -> tuple[Task, CaseEvent]:
    t = TASK_TRANSITIONS[action]
    if authorise:
        access.require_actor(actor, task.case, t, task)
    now = _now(at)
    updates = dict(fields or {})
    if t.target is not None:  # a step that keeps the state keeps its deadline too
        updates["status"] = t.target
        if not (t.stage and task.case.channel in FIXED_DEADLINE_CHANNELS):
            updates.update(
                stage_deadline(
                    category=task.case.category, urgency=task.case.urgency, stage=t.stage, start=now
                )
            )
    source = _guarded_update(task, transition=t, updates=updates)
    event = _event(
        case=task.case,
        task=task,
        action=action,
        actor=actor,
        at=now,
        from_status=source,
        to_status=t.target or source,
        note=note,
        data={"unit": task.unit.name, **(data or {})},
    )
    return task, event


def _require_text(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(fields={field: [message]})
    return value


# --- Reporting -------------------------------------------------------------------------------------


def request_fingerprint(payload: dict) -> str:
    """A stable hash of a create request's body, for idempotent retries."""
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _validate_report(*, category, description, lon, lat, answers, kind: str | None = None) -> dict:
    """Check a new case's fields; ``kind``: the category kind it needs (``None``: one a resident
    reports, an event or a component); ``answers`` ``None``: none are asked (a centre's own)."""
    errors: dict[str, list[str]] = {}
    usable = category is not None and (
        category.is_usable and category.kind == kind if kind else category.is_reportable
    )
    if category is None:
        errors["category"] = [_("Choose a category.")]
    elif not usable:
        errors["category"] = [_("Choose a subcategory that can be reported.")]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Describe the problem.")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("At most %(n)d characters.") % {"n": DESCRIPTION_MAX}]
    if (lon is None) != (lat is None):
        errors["location"] = [_("Give both longitude and latitude, or neither.")]
    elif lon is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90):
        errors["location"] = [_("The location is not a valid WGS-84 point.")]
    cleaned_answers = {}
    if usable and answers is not None:
        cleaned_answers, answer_errors = answers_clean(category, answers or {})
        errors.update(answer_errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned_answers


def case_report(
    *,
    actor,
    category: Category | None,
    description: str,
    channel: str = Channel.APP,
    urgency: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    address: str = "",
    answers: dict | None = None,
    photos: Iterable | None = None,
    contact_phone: str = "",
    contact: dict | None = None,
    media_url: str = "",
    area: OrgUnit | None = None,
    enterprise: Enterprise | None = None,
    client_id: uuid.UUID | None = None,
    fingerprint: str = "",
    at: datetime | None = None,
) -> tuple[Case, bool]:
    """Create a case; returns ``(case, created)``.

    Residents' snap reports start *reported* (their grid worker verifies them); grid workers'
    patrol reports and cases entered by the centre or an external system start *submitted*.
    With ``client_id`` the call is idempotent: the same id and the same request fingerprint
    give back the first case (``created`` False); the same id with another request is a 409.
    ``contact`` and ``media_url`` are what an external client knows of the person and the photo;
    ``area`` places a case that has no point (see ``case_place``).

    An enterprise's demand (channel ``enterprise``, 企业需求) is filed by one of the
    enterprise's accounts or its liaison cadre, with a demand type (a ``demand`` category); it
    is placed where the enterprise is and waits for its command centre.
    """
    if channel not in Channel.values or channel in (Channel.GRASSROOTS, Channel.DIRECTIVE):
        # Whistles and directives are sent by a command centre (``case_whistle``, ``directive_issue``).
        raise ValidationFailed(fields={"channel": [_("Choose a valid channel.")]})
    if channel == Channel.ENTERPRISE:
        if enterprise is None or not enterprise.is_active:
            raise ValidationFailed(fields={"enterprise": [_("Choose an enterprise on the registry.")]})
        if not enterprise_access.speaks_for(actor, enterprise.pk):
            raise PermissionDenied(
                _("Only the enterprise's accounts and its liaison cadre file its demands.")
            )
        area, lon, lat = enterprise.org_unit, None, None
    elif enterprise is not None:
        raise ValidationFailed(fields={"enterprise": [_("Only an enterprise demand names an enterprise.")]})
    elif channel == Channel.OPEN311:
        if not access.is_open311_client(actor):
            raise PermissionDenied(_("Only Open311 clients file cases from this channel."))
    elif channel == Channel.PATROL and not access.viewer(actor).grid_paths:
        raise PermissionDenied(_("Only grid workers file patrol reports."))
    elif channel not in (Channel.APP, Channel.PATROL) and not access.viewer(actor).centre_paths:
        # Hotline calls and external systems' cases are entered by a command centre.
        raise PermissionDenied(_("Only a command centre enters cases from this channel."))
    clean_answers = _validate_report(
        category=category,
        description=description,
        lon=lon,
        lat=lat,
        answers=answers,
        kind=CategoryKind.DEMAND if channel == Channel.ENTERPRISE else None,
    )
    contact, media_url = _clean_contact(contact or {}), _clean_media_url(media_url)
    if urgency is not None and urgency not in Urgency.values:
        raise ValidationFailed(fields={"urgency": [_("Choose a valid urgency.")]})
    prepared = _prepare(photos)
    place = case_place(lon=lon, lat=lat, area=area)
    now = _now(at)
    status = CaseStatus.REPORTED if channel == Channel.APP else CaseStatus.SUBMITTED
    if status == CaseStatus.REPORTED and not place.has_grid_worker:
        status = CaseStatus.SUBMITTED  # no grid worker can verify it: straight to the centre
    urgency = urgency or category.default_urgency
    deadline = stage_deadline(category=category, urgency=urgency, stage=CASE_START_STAGE[status], start=now)

    def work(writer: _PhotoWriter) -> Case:
        case = Case.objects.create(
            number=_number(now),
            client_id=client_id,
            request_hash=fingerprint,
            channel=channel,
            status=status,
            category=category,
            urgency=urgency,
            description=description.strip(),
            answers=clean_answers,
            address=(address or "").strip()[:200],
            lon=lon,
            lat=lat,
            path=place.path,
            grid=place.grid,
            community=place.community,
            street=place.street,
            centre=place.centre,
            reporter=actor if getattr(actor, "pk", None) else None,
            enterprise=enterprise if channel == Channel.ENTERPRISE else None,
            contact_phone=(contact_phone or "").strip()[:20],
            contact=contact,
            media_url=media_url,
            created_at=now,
            updated_at=now,
            **deadline,
        )
        event = _event(
            case=case,
            action="report",
            actor=actor,
            at=now,
            from_status="",
            to_status=status,
            data={"channel": channel, "located": place.located},
        )
        writer.save(prepared, case=case, kind=PhotoKind.BEFORE, event=event, actor=actor, at=now)
        if not _auto_dispatch(case, at=now):
            # What a reader of the new case needs is all here: no need to read it back.
            case.timeline, case.photo_list, case.task_list = [event], list(writer.saved), []
        return case

    try:
        return _atomic_with_photos(work), True
    except IntegrityError:
        if client_id is not None:
            existing = _existing_report(client_id, fingerprint, actor)
            if existing is not None:
                return existing, False
        raise


#: What an external client may say of the person behind a report (kept as given, trimmed).
CONTACT_KEYS = ("first_name", "last_name", "email", "device_id", "account_id")


def _clean_contact(contact: dict) -> dict:
    cleaned = {k: str(contact[k]).strip()[:100] for k in CONTACT_KEYS if str(contact.get(k) or "").strip()}
    if "email" in cleaned:
        try:
            EmailValidator()(cleaned["email"])
        except DjangoValidationError:
            raise ValidationFailed(fields={"contact.email": [_("Enter a valid email address.")]}) from None
    return cleaned


def _clean_media_url(url: str) -> str:
    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except DjangoValidationError:
            url = ""
        if not url or len(url) > 500:
            raise ValidationFailed(fields={"media_url": [_("Enter a valid http(s) link.")]})
    return url


def _existing_report(client_id, fingerprint: str, actor) -> Case | None:
    case = Case.objects.filter(client_id=client_id).first()
    if case is None:
        return None
    same_reporter = case.reporter_id == getattr(actor, "pk", None)
    if not same_reporter or case.request_hash != fingerprint:
        raise Conflict(
            _("This request id was already used for a different report."), code="idempotency_conflict"
        )
    return case


def case_photos_add(*, actor, case: Case, photos: Iterable, at: datetime | None = None) -> list[Photo]:
    """The reporter adds photos to their report while the centre has not dispatched it."""
    if case.reporter_id != getattr(actor, "pk", None):
        raise PermissionDenied()
    prepared = _prepare(photos)
    if not prepared:
        raise ValidationFailed(fields={"photos": [_("Add at least one photo.")]})
    now = _now(at)

    def work(writer: _PhotoWriter) -> list[Photo]:
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status not in (CaseStatus.REPORTED, CaseStatus.SUBMITTED, CaseStatus.ACCEPTED):
            raise InvalidTransition(
                action="photos", current=locked.status, current_label=str(locked.get_status_display())
            )
        if locked.photos.count() + len(prepared) > MAX_PHOTOS:
            raise ValidationFailed(fields={"photos": [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]})
        writer.save(prepared, case=locked, kind=PhotoKind.BEFORE, event=None, actor=actor, at=now)
        Case.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        return writer.saved

    return _atomic_with_photos(work)


def case_comment(
    *,
    actor,
    case: Case,
    note: str,
    photos: Iterable | None = None,
    client_ref: str = "",
    media_url: str = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> tuple[CaseEvent, bool]:
    """The reporter adds to their case (it happened again, more detail, a new photo): a public
    step that changes no state; the command centre is told. Returns ``(event, created)``: with
    ``client_ref`` (the caller's own id of the note) a retried note is stored once."""
    if case.reporter_id is None or case.reporter_id != getattr(actor, "pk", None):
        raise PermissionDenied()
    note = _require_text(note, "note", _("Write what you want to add."))[:DESCRIPTION_MAX]
    client_ref = (client_ref or "").strip()[:100]
    media_url = _clean_media_url(media_url)
    data = {
        **(data or {}),
        **({"client_ref": client_ref} if client_ref else {}),
        **({"media_url": media_url} if media_url else {}),
    }
    prepared = _prepare(photos)
    now = _now(at)

    def work(writer: _PhotoWriter) -> tuple[CaseEvent, bool]:
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if client_ref:
            earlier = CaseEvent.objects.filter(
                case=locked, action="comment", actor=actor, data__client_ref=client_ref
            ).first()
            if earlier is not None:
                return earlier, False
        if locked.status == CaseStatus.WITHDRAWN:
            raise InvalidTransition(
                action="comment", current=locked.status, current_label=str(locked.get_status_display())
            )
        if prepared and locked.photos.count() + len(prepared) > MAX_PHOTOS:
            raise ValidationFailed(fields={"photos": [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]})
        event = _event(
            case=locked,
            action="comment",
            actor=actor,
            at=now,
            from_status=locked.status,
            to_status=locked.status,
            note=note,
            data=data,
        )
        writer.save(prepared, case=locked, kind=PhotoKind.BEFORE, event=event, actor=actor, at=now)
        return event, True

    return _atomic_with_photos(work)


# --- The centre and the grid -------------------------------------------------------------------------


@transaction.atomic
def case_verify(*, actor, case: Case, note: str = "", at: datetime | None = None) -> Case:
    """The grid worker confirms a resident's report and forwards it to the command centre (which
    may dispatch it automatically, see ``_auto_dispatch``)."""
    now = _now(at)
    case = _case_step(case=case, action="verify", actor=actor, at=now, note=(note or "").strip())[0]
    _auto_dispatch(case, at=now)
    return case


@transaction.atomic
def case_moderate(
    *,
    actor,
    case: Case,
    public_text: str = "",
    hide: bool = False,
    hide_photos: bool = False,
    note: str = "",
    at: datetime | None = None,
) -> Case:
    """审核: the centre decides what the public sees of a published report: its text as it is or
    redacted (``public_text``; the same as the description, or empty, keeps the description),
    its reporter's photos hidden, or the whole report hidden. The description and the photos
    stay as they came; the step is internal (the reporter is not told of it)."""
    if case.channel not in APPEAL_CHANNELS:
        raise ValidationFailed(_("Only a citizen's report is published."))
    text = (public_text or "").strip()
    if len(text) > 2000:
        raise ValidationFailed(fields={"public_text": [_("At most 2000 characters.")]})
    if text == (case.description or "").strip():
        text = ""
    now = _now(at)
    return _case_step(
        case=case,
        action="moderate",
        actor=actor,
        at=now,
        note=(note or "").strip(),
        internal=True,
        data={"hidden": bool(hide), "photos_hidden": bool(hide_photos), "text_changed": bool(text)},
        fields={
            "public_text": text,
            "public_hidden": bool(hide),
            "public_photos_hidden": bool(hide_photos),
            "moderated_at": now,
        },
    )[0]


@transaction.atomic
def case_accept(*, actor, case: Case, note: str = "", at: datetime | None = None) -> Case:
    return _case_step(case=case, action="accept", actor=actor, at=at, note=(note or "").strip())[0]


@transaction.atomic
def case_reject(*, actor, case: Case, reason: str, at: datetime | None = None) -> Case:
    reason = _require_text(reason, "reason", _("Give the reason for rejecting it."))
    return _case_step(case=case, action="reject", actor=actor, at=at, note=reason)[0]


@transaction.atomic
def case_merge(*, actor, case: Case, into: Case, note: str = "", at: datetime | None = None) -> Case:
    """Close ``case`` as a duplicate of the open case ``into``."""
    if into.pk == case.pk:
        raise ValidationFailed(fields={"into": [_("A case cannot be merged into itself.")]})
    if into.status not in OPEN_STATUSES or into.merged_into_id:
        raise ValidationFailed(fields={"into": [_("Merge into a case that is still open.")]})
    if not access.can_see_case(actor, into):
        raise ValidationFailed(fields={"into": [_("No such case.")]})
    case, _event_row = _case_step(
        case=case,
        action="merge",
        actor=actor,
        at=at,
        note=(note or "").strip(),
        data={"into": into.number},
        fields={"merged_into": into},
    )
    return case


def _units_checked(units: Sequence[HandlingUnit], reach, field: str = "units") -> list[HandlingUnit]:
    """The chosen units, once each, all active and all within ``reach`` (a queryset of units)."""
    units = list({u.pk: u for u in units}.values())
    if not units:
        raise ValidationFailed(fields={field: [_("Choose at least one handling unit.")]})
    if any(not u.is_active for u in units):
        raise ValidationFailed(fields={field: [_("A chosen handling unit is no longer active.")]})
    reachable = set(reach.filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    if len(reachable) != len(units):
        raise ValidationFailed(fields={field: [_("A chosen handling unit is outside this case's reach.")]})
    return units


@transaction.atomic
def case_dispatch(
    *,
    actor,
    case: Case,
    units: Sequence[HandlingUnit],
    instructions: str = "",
    lead: HandlingUnit | None = None,
    at: datetime | None = None,
) -> Case:
    """Send an accepted case to one or more handling units within the centre's reach
    (``selectors.dispatch_units``): one task per unit, each with its own deadline.

    With ``lead`` it is a joint command (综合指挥): the lead unit (one of ``units``) and the
    co-handlers work their own tasks, the case is handled when all are done, and the lead unit
    sees how far the co-handlers are (``access.tasks_shown``)."""
    units = _units_checked(units, selectors.dispatch_units(case))
    if lead is not None and (len(units) < 2 or lead.pk not in {u.pk for u in units}):
        raise ValidationFailed(
            fields={"lead": [_("The lead unit is one of two or more units the case is sent to.")]}
        )
    return _dispatch(case=case, units=units, actor=actor, instructions=instructions, at=_now(at), lead=lead)


def _dispatch(
    *,
    case: Case,
    units: list[HandlingUnit],
    actor,
    instructions: str,
    at: datetime,
    auto=False,
    lead: HandlingUnit | None = None,
    deadline: dict | None = None,
) -> Case:
    """One task per unit (``deadline``: the tasks' Deadline columns when not the SLA's)."""
    instructions = (instructions or "").strip()[:500]
    case, _event_row = _case_step(
        case=case,
        action="dispatch",
        actor=actor,
        at=at,
        note=instructions,
        data={
            "units": [u.name for u in units],
            "unit_ids": [u.pk for u in units],
            **({"auto": True} if auto else {}),
            **({"lead": lead.name} if lead else {}),
        },
        authorise=not auto,
    )
    if deadline is None:
        deadline = stage_deadline(
            category=case.category, urgency=case.urgency, stage=TASK_START_STAGE, start=at
        )

    def role(unit) -> str:
        if lead is None:
            return TaskRole.SOLE
        return TaskRole.LEAD if unit.pk == lead.pk else TaskRole.CO

    try:
        with transaction.atomic():
            Task.objects.bulk_create(
                [
                    Task(
                        case=case,
                        unit=u,
                        path=case.path,
                        role=role(u),
                        instructions=instructions,
                        created_at=at,
                        **deadline,
                    )
                    for u in units
                ],
                batch_size=500,
            )
    except IntegrityError:
        raise ValidationFailed(fields={"units": [_("That unit already has this case.")]}) from None
    return case


def _auto_dispatch(case: Case, *, at: datetime) -> bool:
    """A located case that reaches its centre goes on at once where the routing table's winning
    rule for it is marked to dispatch automatically: accepted and dispatched by the platform."""
    if case.status != CaseStatus.SUBMITTED or case.grid_id is None:
        return False
    unit = routing_auto_unit(category=case.category, path=case.path)
    if unit is None:
        return False
    case, _event_row = _case_step(
        case=case, action="accept", actor=None, at=at, data={"auto": True}, authorise=False
    )
    _dispatch(case=case, units=[unit], actor=None, instructions="", at=at, auto=True)
    return True


# --- Handling units ----------------------------------------------------------------------------------------


def _lock_case(task: Task) -> Case:
    """Lock the task's case row so that concurrent finishes and returns see each other."""
    case = Case.objects.select_for_update().select_related("category").get(pk=task.case_id)
    task.case = case
    return case


def _settle(case: Case, *, actor, at: datetime) -> None:
    """After a task finished or was returned: when no task is open any more, the case is
    handled (some task finished) or back at the centre for dispatch (all were returned)."""
    tasks = list(case.tasks.values_list("status", flat=True))
    if any(s in OPEN_TASK_STATUSES for s in tasks):
        return
    action = "complete" if TaskStatus.DONE in tasks else "redispatch"
    _case_step(case=case, action=action, actor=actor, at=at, authorise=False)


def _in_time(task: Task, at: datetime) -> bool:
    """Whether ``at`` keeps the task's running deadline (no deadline: always in time)."""
    return task.due_at is None or at <= task.due_at


@transaction.atomic
def task_sign(*, actor, task: Task, at: datetime | None = None) -> Task:
    _lock_case(task)
    now = _now(at)
    return _task_step(
        task=task,
        action="sign",
        actor=actor,
        at=now,
        fields={"signed_at": now, "responded_on_time": _in_time(task, now)},
    )[0]


@transaction.atomic
def task_return(*, actor, task: Task, reason: str, at: datetime | None = None) -> Task:
    """The unit says the task is not theirs; the centre gets the case back."""
    reason = _require_text(reason, "reason", _("Give the reason for returning it."))
    case = _lock_case(task)
    now = _now(at)
    fields = {"return_reason": reason[:500]}
    if task.status == TaskStatus.PENDING:  # returning unsigned answers the task
        fields["responded_on_time"] = _in_time(task, now)
    task, _event_row = _task_step(task=task, action="return", actor=actor, at=now, note=reason, fields=fields)
    _settle(case, actor=actor, at=now)
    return task


def task_finish(
    *, actor, task: Task, note: str, photos: Iterable | None = None, at: datetime | None = None
) -> Task:
    """The unit reports the fix, with at least one after-photo and a note."""
    note = _require_text(note, "note", _("Describe what was done."))
    prepared = _prepare(photos)
    if not prepared:
        raise ValidationFailed(fields={"photos": [_("Add at least one photo of the result.")]})
    now = _now(at)

    def work(writer: _PhotoWriter) -> Task:
        case = _lock_case(task)
        done, event = _task_step(
            task=task,
            action="finish",
            actor=actor,
            at=now,
            note=note,
            fields={"note": note, "finished_at": now, "finished_on_time": _in_time(task, now)},
        )
        writer.save(prepared, case=case, kind=PhotoKind.AFTER, event=event, actor=actor, at=now)
        _settle(case, actor=actor, at=now)
        return done

    return _atomic_with_photos(work)


def task_press(
    *, actor, task: Task, action: str, level: str, note: str = "", at: datetime | None = None
) -> Task:
    """督办 (``supervise``) or 催办 (``urge``): a command centre presses the unit on an open
    task, with a level and a note; the unit is told, and the task counts it (the unit's
    record). The task's state and deadline stay."""
    if action not in ("supervise", "urge"):
        raise ValidationFailed(fields={"action": [_("Choose 督办 or 催办.")]})
    if level not in PressLevel.values:
        raise ValidationFailed(fields={"level": [_("Choose a level.")]})
    counter = "supervise_count" if action == "supervise" else "urge_count"
    with transaction.atomic():
        _lock_case(task)
        return _task_step(
            task=task,
            action=action,
            actor=actor,
            at=at,
            note=(note or "").strip()[:500],
            fields={counter: F(counter) + 1},
            data={"level": level},
        )[0]


def case_press(
    *, actor, case: Case, action: str, level: str, note: str = "", at: datetime | None = None
) -> list[Task]:
    """督办 / 催办 every open task of a case (each unit is pressed and counts it)."""
    tasks = list(case.tasks.filter(status__in=OPEN_TASK_STATUSES).select_related("unit", "case__category"))
    if not tasks:
        raise InvalidTransition(
            action=action, current=case.status, current_label=str(case.get_status_display())
        )
    now = _now(at)
    with transaction.atomic():
        return [task_press(actor=actor, task=t, action=action, level=level, note=note, at=now) for t in tasks]


def _locked_task(task: Task) -> Task:
    _lock_case(task)
    locked = Task.objects.select_for_update().select_related("unit").get(pk=task.pk)
    locked.case = task.case
    return locked


def task_extension_request(*, actor, task: Task, days, reason: str, at: datetime | None = None) -> Task:
    """延期: the unit asks for ``days`` more working days on an open task, saying why; the
    command centre is told and decides. One request is pending at a time."""
    reason = _require_text(reason, "reason", _("Say why more time is needed."))[:500]
    limit = settings.GRIDGOV_EXTENSION_MAX_DAYS
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= limit:
        raise ValidationFailed(fields={"days": [_("Ask for 1 to %(n)d working days.") % {"n": limit}]})
    with transaction.atomic():
        locked = _locked_task(task)
        if locked.extension_days is not None:
            raise Conflict(
                _("An extension request is already waiting for the centre."), code="extension_pending"
            )
        return _task_step(
            task=locked,
            action="extension_request",
            actor=actor,
            at=at,
            note=reason,
            fields={"extension_days": days, "extension_reason": reason},
            data={"days": days},
        )[0]


def task_extension_decide(
    *, actor, task: Task, approve: bool, note: str = "", at: datetime | None = None
) -> Task:
    """The centre approves a pending extension (the task's deadline moves by the working days
    asked, its warning with it) or refuses it (a reason is required)."""
    note = (note or "").strip()[:500]
    if not approve:
        note = _require_text(note, "reason", _("Give the reason for refusing it."))
    with transaction.atomic():
        locked = _locked_task(task)
        days = locked.extension_days
        if days is None:
            raise Conflict(_("No extension request is waiting."), code="no_extension_pending")
        fields: dict = {"extension_days": None, "extension_reason": ""}
        if approve and locked.due_at is not None:
            due = working_minutes_add(locked.due_at, days * working_day_minutes())
            fields.update(
                due_at=due,
                warn_at=locked.warn_at + (due - locked.due_at) if locked.warn_at else None,
                warned=False,
                overdue_notified=False,
                extension_count=F("extension_count") + 1,
            )
        elif approve:
            fields["extension_count"] = F("extension_count") + 1
        return _task_step(
            task=locked,
            action="extension_approve" if approve else "extension_refuse",
            actor=actor,
            at=at,
            note=note,
            fields=fields,
            data={"days": days},
        )[0]


# --- Re-check, closure, rating ----------------------------------------------------------------------------


def case_check(
    *,
    actor,
    case: Case,
    passed: bool,
    note: str = "",
    photos: Iterable | None = None,
    at: datetime | None = None,
) -> Case:
    """The grid worker (or the centre) re-checks a handled case on site: the fix holds
    (→ awaiting closure) or it does not (→ rework: the finished tasks reopen)."""
    note = (note or "").strip()
    if not passed:
        note = _require_text(note, "note", _("Say what is still wrong."))
    prepared = _prepare(photos)
    now = _now(at)

    def work(writer: _PhotoWriter) -> Case:
        locked = Case.objects.select_for_update().select_related("category").get(pk=case.pk)
        if passed:
            done, event = _case_step(case=locked, action="check", actor=actor, at=now, note=note)
        else:
            done, event = _case_step(
                case=locked,
                action="rework",
                actor=actor,
                at=now,
                note=note,
                fields={"rework_count": F("rework_count") + 1},
            )
            for task in done.tasks.filter(status=TaskStatus.DONE).select_related("unit"):
                task.case = done
                _task_step(task=task, action="reopen", actor=actor, at=now, note=note, authorise=False)
        writer.save(prepared, case=done, kind=PhotoKind.VERIFICATION, event=event, actor=actor, at=now)
        return done

    case = _atomic_with_photos(work)
    return case


@transaction.atomic
def case_close(*, actor, case: Case, note: str = "", at: datetime | None = None) -> Case:
    now = _now(at)
    return _case_step(
        case=case, action="close", actor=actor, at=now, note=(note or "").strip(), fields={"closed_at": now}
    )[0]


@transaction.atomic
def case_rate(
    *,
    actor,
    case: Case,
    rating: str,
    comment: str = "",
    resolved: bool | None = None,
    at: datetime | None = None,
) -> Case:
    """The follow-up (回访): how satisfied the reporter is, and whether the problem is solved
    (``resolved``; not asked: solved unless the reporter is unsatisfied)."""
    if rating not in Rating.values:
        raise ValidationFailed(fields={"rating": [_("Choose 满意, 基本满意 or 不满意.")]})
    if resolved is None:
        resolved = rating != Rating.UNSATISFIED
    comment = (comment or "").strip()[:500]
    now = _now(at)
    return _case_step(
        case=case,
        action="rate",
        actor=actor,
        at=now,
        note=comment,
        data={"rating": rating, "resolved": resolved},
        fields={"rating": rating, "rating_comment": comment, "rated_at": now, "resolved": resolved},
    )[0]


@transaction.atomic
def case_resolve(*, actor, case: Case, note: str, at: datetime | None = None) -> Case:
    """即办: the command centre settles a simple matter itself at once (a question answered on
    the phone, advice given): the case is closed with what was done, and can be rated."""
    note = _require_text(note, "note", _("Say how it was resolved."))
    now = _now(at)
    return _case_step(case=case, action="resolve", actor=actor, at=now, note=note, fields={"closed_at": now})[
        0
    ]


#: How many times a case may be reopened (重办) after an unsatisfied rating.
MAX_REOPENS = 1


def _reopen_refusal(case: Case) -> str:
    """Why a rated case cannot be reopened ("" when it can)."""
    if case.rating != Rating.UNSATISFIED:
        return _("Only a case rated unsatisfied is reopened.")
    if case.reopen_count >= MAX_REOPENS:
        return _("A case is reopened once only.")
    return ""


def case_reopen(*, actor, case: Case, reason: str, at: datetime | None = None) -> Case:
    """重办: the reporter rated the result unsatisfied, and the centre sends the finished tasks
    back to their units, with new deadlines; once per case."""
    reason = _require_text(reason, "reason", _("Say what must be done again."))
    now = _now(at)
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("category").get(pk=case.pk)
        if locked.status == CaseStatus.RATED:
            refusal = _reopen_refusal(locked)
            if refusal:
                raise Conflict(refusal, code="reopen_refused")
            if not locked.tasks.filter(status=TaskStatus.DONE).exists():
                raise Conflict(
                    _("No handling unit worked on this case: enter it again as a new case."),
                    code="reopen_refused",
                )
        done, _event_row = _case_step(
            case=locked,
            action="reopen",
            actor=actor,
            at=now,
            note=reason,
            fields={
                "reopen_count": F("reopen_count") + 1,
                "rating": "",
                "rating_comment": "",
                "rated_at": None,
                "resolved": None,
                "closed_at": None,
            },
        )
        for task in done.tasks.filter(status=TaskStatus.DONE).select_related("unit"):
            task.case = done
            _task_step(task=task, action="reopen", actor=actor, at=now, note=reason, authorise=False)
        return done


def _centre_step(*, actor, case: Case, action: str, note: str, at) -> Case:
    """Move a case to the command centre one level up (``escalate``) or down toward the case
    (``handback``); only the centre holding it may, and only where such a centre exists."""
    in_turn = case.status in CASE_TRANSITIONS[action].sources
    if in_turn and not access.holds_case(actor, case):
        raise PermissionDenied(_("Only the command centre holding the case may pass it on."))
    target = selectors.centre_moves(case)[action]
    if target is None and in_turn:
        message = (
            _("There is no command centre above this one.")
            if action == "escalate"
            else _("There is no command centre below this one for this case.")
        )
        raise Conflict(message, code=f"no_{action}")
    from_name = case.centre.name
    case, _event_row = _case_step(
        case=case,
        action=action,
        actor=actor,
        at=at,
        note=note,
        data={
            "from": from_name,
            "to": target.name if target else "",
            "centre_id": target.pk if target else None,
        },
        fields={"centre": target} if target else {},
    )
    return case


@transaction.atomic
def case_escalate(*, actor, case: Case, reason: str, at: datetime | None = None) -> Case:
    """上报: the centre holding the case passes it to the command centre one level up, saying why."""
    reason = _require_text(reason, "reason", _("Say why the centre above should take it."))
    return _centre_step(actor=actor, case=case, action="escalate", note=reason, at=at)


@transaction.atomic
def case_handback(*, actor, case: Case, note: str = "", at: datetime | None = None) -> Case:
    """下派: the centre holding an escalated case hands it back to the centre one level down."""
    return _centre_step(actor=actor, case=case, action="handback", note=(note or "").strip(), at=at)


@transaction.atomic
def case_withdraw(*, actor, case: Case, reason: str = "", at: datetime | None = None) -> Case:
    return _case_step(case=case, action="withdraw", actor=actor, at=at, note=(reason or "").strip())[0]


# --- Whistles (基层请求·部门必应) and directives (上级号召·全市响应) ------------------------------------


def _sending_centre(actor, centre: CommandCentre | None, *, levels, refusal) -> CommandCentre:
    """The command centre ``actor`` operates and sends from: ``centre`` when given, else their
    only centre on one of ``levels``; 403 (``refusal``) when they operate none there."""
    v = access.viewer(actor)
    if centre is None:
        mine = [p for p in v.own_centres if PATH_LENGTH_LEVEL.get(len(p)) in levels]
        if len(mine) > 1:
            raise ValidationFailed(fields={"centre": [_("Choose the command centre it comes from.")]})
        centre = CommandCentre.objects.select_related("org_unit").filter(path__in=mine).first()
    if centre is None or PATH_LENGTH_LEVEL.get(len(centre.path)) not in levels:
        raise PermissionDenied(refusal)
    if not (v.superuser or centre.path in v.own_centres):
        raise PermissionDenied(refusal)
    return centre


def _sent_fields(*, title: str, description: str, category, kind: str | None, urgency) -> tuple:
    """Check what a centre sends out: its title, description, category and urgency."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give it a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("At most %(n)d characters.") % {"n": TITLE_MAX}]
    try:
        _validate_report(
            category=category, description=description, lon=None, lat=None, answers=None, kind=kind
        )
    except ValidationFailed as failed:
        errors.update(failed.fields)
    if urgency is not None and urgency not in Urgency.values:
        errors["urgency"] = [_("Choose a valid urgency.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return title, description.strip(), urgency or category.default_urgency


def _case_sent(
    *,
    actor,
    centre: CommandCentre,
    channel: str,
    action: str,
    category: Category,
    title: str,
    description: str,
    urgency: str,
    units: list[HandlingUnit],
    instructions: str = "",
    address: str = "",
    photos: Iterable | None = None,
    deadline: dict | None = None,
    client_id: uuid.UUID | None = None,
    fingerprint: str = "",
    at: datetime | None = None,
) -> Case:
    """A case a command centre sends out itself: it is born accepted on the centre's territory
    and dispatched at once to ``units`` (one ``action`` event, one dispatch event). Idempotent
    on ``client_id`` as ``case_report`` is (see ``_sent_before``)."""
    prepared = _prepare(photos)
    now = _now(at)
    org = centre.org_unit

    def work(writer: _PhotoWriter) -> Case:
        case = Case.objects.create(
            number=_number(now),
            client_id=client_id,
            request_hash=fingerprint,
            channel=channel,
            status=CaseStatus.ACCEPTED,
            category=category,
            title=title,
            urgency=urgency,
            description=description,
            address=(address or "").strip()[:200],
            path=centre.path,
            street=org if org.level == Level.STREET else None,
            community=org if org.level == Level.COMMUNITY else None,
            centre=centre,
            reporter=actor if getattr(actor, "pk", None) else None,
            created_at=now,
            updated_at=now,
            **stage_deadline(category=category, urgency=urgency, stage="", start=now),
        )
        event = _event(
            case=case,
            action=action,
            actor=actor,
            at=now,
            from_status="",
            to_status=CaseStatus.ACCEPTED,
            data={"channel": channel},
        )
        writer.save(prepared, case=case, kind=PhotoKind.BEFORE, event=event, actor=actor, at=now)
        return _dispatch(
            case=case, units=units, actor=actor, instructions=instructions, at=now, deadline=deadline
        )

    try:
        return _atomic_with_photos(work)
    except IntegrityError:
        # The same request, sent twice at once, made its case in the other transaction.
        if client_id is not None and (existing := _existing_report(client_id, fingerprint, actor)):
            return existing
        raise


def _sent_before(client_id: uuid.UUID | None, fingerprint: str, actor) -> Case | None:
    """The case a whistle or directive sent with ``client_id`` made before (a retry after a
    timeout, a second tap), given back as it is without checking the request again (its
    deadline may have passed since); the same id with another request is a 409."""
    return _existing_report(client_id, fingerprint, actor) if client_id is not None else None


#: Where whistles come from: the command centres of streets and towns (and below).
WHISTLE_LEVELS = (Level.STREET, Level.COMMUNITY)
#: Who issues directives: the command centres of cities and counties.
DIRECTIVE_LEVELS = (Level.CITY, Level.COUNTY)


def whistling_centre(actor, centre: CommandCentre | None = None) -> CommandCentre:
    """The street's or village's command centre ``actor`` whistles from (403 if none)."""
    return _sending_centre(
        actor,
        centre,
        levels=WHISTLE_LEVELS,
        refusal=_("Only a street's or village's command centre whistles."),
    )


def directing_centre(actor, centre: CommandCentre | None = None) -> CommandCentre:
    """The city's or county's command centre ``actor`` issues directives from (403 if none)."""
    return _sending_centre(
        actor,
        centre,
        levels=DIRECTIVE_LEVELS,
        refusal=_("Only a city's or county's command centre issues directives."),
    )


def case_whistle(
    *,
    actor,
    units: Sequence[HandlingUnit],
    category: Category | None,
    title: str,
    description: str,
    centre: CommandCentre | None = None,
    urgency: str | None = None,
    address: str = "",
    photos: Iterable | None = None,
    client_id: uuid.UUID | None = None,
    fingerprint: str = "",
    at: datetime | None = None,
) -> Case:
    """吹哨报到: a street's (or village's) command centre "whistles" a problem it cannot solve
    to named units above it (county bureaus, city departments). Each unit gets a task and must
    sign within the SLA's limit and report its handling; the whistling centre holds the case
    and rates each unit's answer (``task_assess``); an unsigned task past its limit is pressed
    by the sweep (``tasks.sla_sweep``). With ``client_id`` the same request again gives back
    the first case; the same id with another request is a 409."""
    if existing := _sent_before(client_id, fingerprint, actor):
        return existing
    centre = whistling_centre(actor, centre)
    title, description, urgency = _sent_fields(
        title=title, description=description, category=category, kind=None, urgency=urgency
    )
    units = _units_checked(units, selectors.whistle_units(centre))
    return _case_sent(
        actor=actor,
        centre=centre,
        channel=Channel.GRASSROOTS,
        action="whistle",
        category=category,
        title=title,
        description=description,
        urgency=urgency,
        units=units,
        address=address,
        photos=photos,
        client_id=client_id,
        fingerprint=fingerprint,
        at=at,
    )


def directive_issue(
    *,
    actor,
    unit_kinds: Sequence[str],
    category: Category | None,
    title: str,
    description: str,
    due_at: datetime | None,
    centre: CommandCentre | None = None,
    urgency: str | None = None,
    photos: Iterable | None = None,
    client_id: uuid.UUID | None = None,
    fingerprint: str = "",
    at: datetime | None = None,
) -> Case:
    """上级号召: a city's or county's command centre orders every active unit of the chosen
    kinds within its territory to act by ``due_at`` (冬季供暖排查, 生存认证集中行动). Each unit
    acknowledges (signs) and reports completion with evidence (finishes with photos); the
    deadline is the directive's, whatever the SLA says. The response board follows it
    (``selectors.directive_board``). Idempotent on ``client_id`` as ``case_whistle`` is."""
    if existing := _sent_before(client_id, fingerprint, actor):
        return existing
    centre = directing_centre(actor, centre)
    errors: dict[str, list[str]] = {}
    kinds = sorted(set(unit_kinds or []))
    if not kinds:
        errors["unit_kinds"] = [_("Choose the kinds of unit it goes to.")]
    elif any(k not in UnitKind.values for k in kinds):
        errors["unit_kinds"] = [_("Choose valid kinds of unit.")]
    now = _now(at)
    if due_at is None:
        errors["due_at"] = [_("Give the date by which it must be done.")]
    elif timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    if due_at is not None and due_at <= now:
        errors["due_at"] = [_("The deadline must lie in the future.")]
    try:
        title, description, urgency = _sent_fields(
            title=title,
            description=description,
            category=category,
            kind=CategoryKind.DIRECTIVE,
            urgency=urgency,
        )
    except ValidationFailed as failed:
        errors.update(failed.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    units = list(
        HandlingUnit.objects.filter(within(centre.path), kind__in=kinds, is_active=True)
        .only("pk", "name")
        .order_by("path", "name")
    )
    if not units:
        raise ValidationFailed(
            fields={"unit_kinds": [_("No active unit of these kinds lies within this centre's territory.")]}
        )
    policy = sla_policy(category=category, urgency=urgency, stage=Stage.HANDLE)
    ratio = policy.warn_ratio if policy else DEFAULT_WARN_RATIO
    deadline = {
        "stage": Stage.HANDLE,
        "stage_started_at": now,
        "warn_at": now + (due_at - now) * ratio,
        "due_at": due_at,
        "warned": False,
        "overdue_notified": False,
    }
    return _case_sent(
        actor=actor,
        centre=centre,
        channel=Channel.DIRECTIVE,
        action="issue",
        category=category,
        title=title,
        description=description,
        urgency=urgency,
        units=units,
        photos=photos,
        deadline=deadline,
        client_id=client_id,
        fingerprint=fingerprint,
        at=now,
    )


def task_assess(
    *, actor, task: Task, rating: str, comment: str = "", by_unit: bool = False, at: datetime | None = None
) -> Task:
    """Two-way assessment of a whistle, each side once, after the unit reported: the whistling
    centre rates the unit's answer (``assess``); with ``by_unit`` the unit rates the request
    it answered (``assess_request``: was it its business, was it well put)."""
    if rating not in Rating.values:
        raise ValidationFailed(fields={"rating": [_("Choose 满意, 基本满意 or 不满意.")]})
    comment = (comment or "").strip()[:500]
    rating_field, comment_field = (
        ("request_rating", "request_comment") if by_unit else ("rating", "rating_comment")
    )
    with transaction.atomic():
        locked = _locked_task(task)
        case = locked.case
        if case.channel != Channel.GRASSROOTS:
            raise Conflict(_("Units are rated one by one on a whistle only."), code="not_a_whistle")
        if not by_unit and locked.status == TaskStatus.DONE and not access.holds_case(actor, case):
            raise PermissionDenied(_("Only the centre that whistled rates the units."))
        if getattr(locked, rating_field):
            raise Conflict(_("This is already rated."), code="already_rated")
        return _task_step(
            task=locked,
            action="assess_request" if by_unit else "assess",
            actor=actor,
            at=at,
            note=comment,
            fields={rating_field: rating, comment_field: comment},
            data={"rating": rating},
        )[0]


def task_actions_for(user, task: Task) -> list[str]:
    """The task actions ``user`` may take now on ``task`` (its case attached)."""
    kinds = access.actor_kinds(user, task.case, task)
    pending = task.extension_days is not None
    whistle = task.case.channel == Channel.GRASSROOTS
    assessable = whistle and not task.rating and access.holds_case(user, task.case)
    return [
        action
        for action, t in TASK_TRANSITIONS.items()
        if task.status in t.sources
        and kinds & set(t.actors)
        and not (action == "extension_request" and pending)
        and not (action in ("extension_approve", "extension_refuse") and not pending)
        and not (action == "assess" and not assessable)
        and not (action == "assess_request" and not (whistle and not task.request_rating))
    ]


def actions_for(user, case: Case) -> list[str]:
    """The case actions ``user`` may take now (for pages and the API's ``actions`` field)."""
    kinds = access.actor_kinds(user, case)
    actions = [
        action
        for action, t in CASE_TRANSITIONS.items()
        if case.status in t.sources
        and kinds & set(t.actors)
        and not (action == "reopen" and _reopen_refusal(case))
        and not (action == "moderate" and case.channel not in APPEAL_CHANNELS)
    ]
    if CENTRE in kinds and case.status == CaseStatus.DISPATCHED:
        actions += ["supervise", "urge"]  # on its open tasks (``case_press``)
    if {"escalate", "handback"} & set(actions):
        moves = selectors.centre_moves(case) if access.holds_case(user, case) else {}
        actions = [a for a in actions if a not in ("escalate", "handback") or moves.get(a)]
    return actions
