"""The spec's documents, built from the platform's rows in the spec's element order (the
GeoReport v2 examples); ``render`` turns each into XML or JSON."""

from datetime import UTC, datetime

from django.conf import settings
from django.utils.translation import gettext as _

from gridgov.cases.models import OPEN_TASK_STATUSES, Case, CaseEvent
from gridgov.cases.selectors import action_label
from gridgov.catalogue.models import Category
from gridgov.core.masking import redact_text

from .render import Many
from .selectors import DATATYPES, open311_status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: When this endpoint's interface last changed (the discovery document's changeset).
CHANGESET = datetime(2026, 11, 27, tzinfo=UTC)
FORMATS = ["text/xml", "application/json"]


def discovery(base_url: str) -> dict:
    return {
        "changeset": CHANGESET,
        "contact": settings.GRIDGOV_OPEN311_CONTACT or _("Ask the city's command centre for help."),
        "key_service": settings.GRIDGOV_OPEN311_KEY_SERVICE
        or _("Keys are issued by the platform's administrators."),
        "endpoints": Many(
            "endpoint",
            [
                {
                    "specification": SPECIFICATION,
                    "url": base_url.rstrip("/"),
                    "changeset": CHANGESET,
                    "type": settings.GRIDGOV_OPEN311_ENDPOINT_TYPE,
                    "formats": Many("format", FORMATS),
                }
            ],
        ),
    }


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.parent.name} · {category.name}",
        "metadata": bool(category.questions),
        "type": "realtime",
        "keywords": ", ".join(category.keyword_list),
        "group": category.parent.name,
    }


def _datatype_description(kind: str, code: str) -> str:
    text = {
        "text": _("One line of text."),
        "longtext": _("Text; may contain line breaks."),
        "number": _("A number."),
        "datetime": _("A W3C date and time, e.g. 2026-11-27T21:30:00+08:00."),
        "yesno": _("true or false."),
        "choice": _("One of the values."),
        "multichoice": _("One or more of the values, each as attribute[%(code)s][]."),
    }.get(kind, "")
    return text % {"code": code} if kind == "multichoice" else text


def _values(question: dict) -> Many:
    if question["type"] == "yesno":
        return Many("value", [{"key": "true", "name": _("yes")}, {"key": "false", "name": _("no")}])
    return Many("value", [{"key": c, "name": c} for c in question.get("choices") or []])


def service_definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": Many(
            "attribute",
            [
                {
                    "variable": True,
                    "code": q["key"],
                    "datatype": DATATYPES.get(q["type"], "string"),
                    "required": bool(q.get("required")),
                    "datatype_description": _datatype_description(q["type"], q["key"]),
                    "order": order,
                    "description": q["label"],
                    "values": _values(q),
                }
                for order, q in enumerate(category.questions or [], start=1)
            ],
        ),
    }


def created(case: Case, *, registered: bool) -> dict:
    """The answer to a POST: the request id, or a token while the centre has to place it."""
    if registered:
        head = {"service_request_id": case.number}
        notice = _("Filed with %(centre)s as case %(number)s.") % {
            "centre": case.centre.name,
            "number": case.number,
        }
    else:
        head = {"token": str(case.client_id)}
        notice = _("The place could not be matched to a grid: %(centre)s will register the request.") % {
            "centre": case.centre.name
        }
    return {**head, "service_notice": notice, "account_id": (case.contact or {}).get("account_id")}


def token(case: Case) -> dict:
    return {
        "service_request_id": case.number if case.is_public else None,
        "token": str(case.client_id),
    }


def _expected(case: Case):
    if case.due_at is not None:
        return case.due_at
    dues = [t.due_at for t in case.live_tasks if t.due_at is not None and t.status in OPEN_TASK_STATUSES]
    return max(dues) if dues else None


def media_url(base_url: str, photo_id: int) -> str:
    return f"{base_url}media/{photo_id}.jpg"


def request(case: Case, *, base_url: str, extensions: bool = False) -> dict:
    row = {
        "service_request_id": case.number,
        "status": open311_status(case.status),
        "status_notes": redact_text(case.status_note),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": redact_text(case.description),
        "agency_responsible": "、".join(dict.fromkeys(t.unit.name for t in case.live_tasks)),
        "service_notice": None,
        "requested_datetime": case.created_at,
        "updated_datetime": case.updated_at,
        "expected_datetime": _expected(case),
        "address": redact_text(case.address),
        "address_id": case.path if case.grid_id else None,
        "zipcode": None,
        "lat": case.lat,
        "long": case.lon,
        "media_url": media_url(base_url, case.photo_id) if case.photo_id else (case.media_url or None),
    }
    if extensions:
        row.update(_extensions(case, base_url))
    return row


def _answer(question: dict | None, value):
    if question is not None and question.get("type") == "yesno":
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _extensions(case: Case, base_url: str) -> dict:
    questions = {q["key"]: q for q in case.category.questions or []}
    return {
        "attributes": Many(
            "attribute",
            [
                {
                    "code": key,
                    "description": (questions.get(key) or {}).get("label", key),
                    "value": _answer(questions.get(key), value),
                }
                for key, value in (case.answers or {}).items()
            ],
        ),
        "extended_attributes": {
            "channel": case.channel,
            "channel_name": str(case.get_channel_display()),
            "photos": Many(
                "photo",
                [
                    {"kind": p.kind, "media_url": media_url(base_url, p.pk), "created_datetime": p.created_at}
                    for p in case.photo_list
                ],
            ),
        },
        "notes": Many(
            "note",
            [
                {
                    "datetime": e.at,
                    "status": open311_status(e.to_status or case.status),
                    "action": e.action,
                    "action_name": action_label(e.action),
                    "agency": e.task.unit.name if e.task_id else None,
                    "description": redact_text(e.note),
                }
                for e in case.public_events
            ],
        ),
    }


def update(event: CaseEvent, *, base_url: str) -> dict:
    """One step of a case as a mySociety ``request_update``."""
    label = action_label(event.action)
    note = redact_text(event.note)
    return {
        "update_id": str(event.pk),
        "service_request_id": event.case.number,
        "status": open311_status(event.to_status or event.case.status).upper(),
        "updated_datetime": event.at,
        "description": f"{label}：{note}" if note else label,
        "media_url": media_url(base_url, event.photo_id) if event.photo_id else None,
        "external_status_code": event.to_status or None,
    }


def errors(descriptions: list[str], status: int) -> Many:
    return Many("error", [{"code": status, "description": d} for d in descriptions])
