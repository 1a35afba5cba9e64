"""Reads of the Open311 adapter over the catalogue and the cases.

What Open311 publishes: every case past its first human look — not a resident's report still
waiting for its grid worker, not a withdrawn one, not one that no grid could take and that
the command centre has not registered yet (its client holds a token meanwhile). Who reported
a case and how to reach them is never read here.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from gridgov.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    Photo,
    PhotoKind,
    Task,
    TaskStatus,
)
from gridgov.cases.selectors import published_q
from gridgov.catalogue.models import Category
from gridgov.catalogue.selectors import categories_by_id, categories_reportable, category_active
from gridgov.core.scoping import within
from gridgov.orgs.models import LEVEL_PATH_LENGTH, Level, OrgUnit

from .params import Open311Error

#: The spec knows two states: ``closed`` is every state in which nothing more will be done.
CLOSED_STATUSES = (CaseStatus.CLOSED, CaseStatus.RATED, CaseStatus.REJECTED, CaseStatus.MERGED)
#: The Open311 datatype of each kind of extra question.
DATATYPES = {
    "text": "string",
    "longtext": "text",
    "number": "number",
    "datetime": "datetime",
    "yesno": "singlevaluelist",
    "choice": "singlevaluelist",
    "multichoice": "multivaluelist",
}


def open311_status(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def is_public(case: Case) -> bool:
    """``public_cases`` for one case in hand."""
    if case.status in (CaseStatus.REPORTED, CaseStatus.WITHDRAWN):
        return False
    return not (case.status == CaseStatus.SUBMITTED and case.grid_id is None)


def public_cases() -> QuerySet[Case]:
    """Citizen appeals past their verification (``cases.selectors.published_q``; an
    enterprise's demand, a whistle or a directive is not the public's to read), less those
    their command centre hid."""
    return Case.objects.filter(published_q(), public_hidden=False)


# --- Jurisdictions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Jurisdiction:
    """Where a request's answers are drawn from: a city or county (its path) or everything."""

    path: str = ""


#: Division codes of the levels a jurisdiction may be (a city's 12-digit or 6-digit code).
JURISDICTION_LEVELS = (Level.COUNTY, Level.CITY)


def jurisdiction_get(value: str | None) -> Jurisdiction:
    """``jurisdiction_id``: absent, a name configured for the whole platform
    (``GRIDGOV_OPEN311_JURISDICTIONS``, e.g. its domain), or a city's or county's division
    code (``210200`` or ``210200000000``); anything else is a 404."""
    if value is None or value in settings.GRIDGOV_OPEN311_JURISDICTIONS:
        return Jurisdiction()
    if value.isdigit() and len(value) in (6, 12):
        code = value.ljust(12, "0")
        for level in JURISDICTION_LEVELS:
            length = LEVEL_PATH_LENGTH[level]
            if code[length:].strip("0") == "" and (
                OrgUnit.objects.filter(path=code[:length], level=level, is_active=True).exists()
            ):
                return Jurisdiction(path=code[:length])
    raise Open311Error(404, _("jurisdiction_id: no such jurisdiction."))


# --- Services --------------------------------------------------------------------------------------


def services_list() -> QuerySet[Category]:
    return categories_reportable()


def service_get(code: str | None) -> Category:
    """A reportable category by its code (the ``service_code``); unknown → 404."""
    category = category_active(code or "")
    if category is None or not category.is_reportable:
        raise Open311Error(404, _("service_code: no such service “%(code)s”.") % {"code": code})
    return category


def service_codes_check(codes: list[str]) -> list[str]:
    known = set(
        categories_reportable().filter(code__in=[c.upper() for c in codes]).values_list("code", flat=True)
    )
    unknown = [c for c in codes if c.upper() not in known]
    if unknown:
        raise Open311Error(404, _("service_code: no such service “%(code)s”.") % {"code": unknown[0]})
    return [c.upper() for c in codes]


# --- Requests --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFilters:
    jurisdiction: Jurisdiction = Jurisdiction()
    numbers: tuple[str, ...] = ()  # when given, the other filters are ignored (spec)
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # "open" / "closed"
    requested: tuple[datetime | None, datetime | None] = (None, None)  # [start, end)
    updated: tuple[datetime | None, datetime | None] = (None, None)


def _public_note() -> Subquery:
    """The latest public note of a case (its ``status_notes``)."""
    notes = (
        CaseEvent.objects.filter(case_id=OuterRef("pk"), internal=False)
        .exclude(note="")
        .order_by("-at", "-pk")
        .values("note")[:1]
    )
    return Subquery(notes)


def _first_photo(**match) -> Subquery:
    return Subquery(Photo.objects.filter(**match).order_by("created_at", "pk").values("pk")[:1])


def _range(field: str, bounds) -> Q:
    start, end = bounds
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lt": end})
    return q


#: What a published request shows of its case (read as plain values: a page holds 1,000).
REQUEST_FIELDS = (
    "pk",
    "number",
    "status",
    "category_id",
    "description",
    "address",
    "path",
    "grid_id",
    "lat",
    "lon",
    "created_at",
    "updated_at",
    "due_at",
    "media_url",
    "channel",
    "public_text",
    "public_photos_hidden",
)


def requests_find(
    filters: RequestFilters, *, offset: int = 0, limit: int = 1000, extensions: bool = False
) -> list[dict]:
    """One page of public requests, newest first: each a dict of ``REQUEST_FIELDS`` with
    ``status_note``, ``photo_id``, ``category`` and ``tasks`` (live ones: status, due time,
    unit name); with ``extensions`` also ``answers``, ``events`` and ``photos``. Two queries
    (four with extensions) once the catalogue is cached."""
    qs = public_cases()
    if filters.jurisdiction.path:
        qs = qs.filter(within(filters.jurisdiction.path))
    if filters.numbers:
        qs = qs.filter(number__in=filters.numbers)
    else:
        if filters.service_codes:
            qs = qs.filter(category__code__in=filters.service_codes)
        if filters.statuses and set(filters.statuses) != {"open", "closed"}:
            closed = Q(status__in=CLOSED_STATUSES)
            qs = qs.filter(closed if "closed" in filters.statuses else ~closed)
        qs = qs.filter(_range("created_at", filters.requested) & _range("updated_at", filters.updated))
    fields = (*REQUEST_FIELDS, "answers") if extensions else REQUEST_FIELDS
    qs = qs.annotate(status_note=_public_note(), photo_id=_first_photo(case_id=OuterRef("pk")))
    rows = list(qs.values(*fields, "status_note", "photo_id").order_by("-number")[offset : offset + limit])
    categories = categories_by_id()
    by_pk = {}
    for row in rows:
        # what the centre's review left public: its text for the description, no reporter's photo
        row["description"] = row.pop("public_text") or row["description"]
        if row["public_photos_hidden"]:
            row["photo_id"] = None
        row["category"] = categories[row["category_id"]]
        row["tasks"], row["events"], row["photos"] = [], [], []
        by_pk[row["pk"]] = row
    if rows:
        tasks = (
            Task.objects.filter(case_id__in=list(by_pk))
            .exclude(status=TaskStatus.RETURNED)
            .order_by("created_at", "pk")
            .values_list("case_id", "status", "due_at", "unit__name")
        )
        for case_id, *task in tasks:
            by_pk[case_id]["tasks"].append(task)
    if rows and extensions:
        events = (
            CaseEvent.objects.filter(case_id__in=list(by_pk), internal=False)
            .order_by("at", "pk")
            .values_list("case_id", "at", "action", "to_status", "note", "task__unit__name")
        )
        for case_id, *event in events:
            by_pk[case_id]["events"].append(event)
        photos = (
            Photo.objects.filter(case_id__in=list(by_pk))
            .order_by("created_at", "pk")
            .values_list("case_id", "pk", "kind", "created_at")
        )
        for case_id, *photo in photos:
            if not (by_pk[case_id]["public_photos_hidden"] and photo[1] == PhotoKind.BEFORE):
                by_pk[case_id]["photos"].append(photo)
    return rows


def request_get(
    number: str, jurisdiction: Jurisdiction = Jurisdiction(), *, extensions: bool = False
) -> dict:
    found = requests_find(
        RequestFilters(jurisdiction=jurisdiction, numbers=(number,)), limit=1, extensions=extensions
    )
    if not found:
        raise Open311Error(404, _("service_request_id: no such request “%(id)s”.") % {"id": number})
    return found[0]


def request_by_token(token: str) -> Case:
    """The case an Open311 client was given ``token`` for (its ``client_id``); unknown → 404."""
    case = Case.objects.filter(client_id=token, channel=Channel.OPEN311).first() if _is_uuid(token) else None
    if case is None:
        raise Open311Error(404, _("token: no such token."))
    return case


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _public_photos() -> QuerySet[Photo]:
    """Photos of public cases, less the reporter's where the centre hid them."""
    return Photo.objects.filter(case__in=public_cases()).exclude(
        case__public_photos_hidden=True, kind=PhotoKind.BEFORE
    )


def photo_public(photo_id: int) -> Photo:
    photo = _public_photos().filter(pk=photo_id).first()
    if photo is None:
        raise Open311Error(404, _("No such photo."))
    return photo


# --- Updates (mySociety servicerequestupdates) -------------------------------------------------------


def updates_find(
    *, jurisdiction: Jurisdiction, window: tuple[datetime | None, datetime | None], offset: int, limit: int
) -> list[CaseEvent]:
    """Public steps of public cases in ``window`` (oldest first), after the report itself:
    one query, each with ``photo_id`` and its case's number."""
    cases = public_cases()
    if jurisdiction.path:
        cases = cases.filter(within(jurisdiction.path))
    qs = (
        CaseEvent.objects.filter(_range("at", window), internal=False, case__in=cases)
        .exclude(action="report")
        .select_related("case")
        .annotate(photo_id=_first_photo(event_id=OuterRef("pk")))
        .order_by("at", "pk")
    )
    return list(qs[offset : offset + limit])
