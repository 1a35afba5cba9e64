"""The spec's documents, built from the platform's rows in the spec's element order (the
GeoReport v2 examples); ``render`` turns each into XML or JSON."""

from datetime import UTC, datetime

from django.conf import settings
from django.utils.translation import gettext as _

from gridgov.cases.models import OPEN_TASK_STATUSES, Case, CaseEvent, Channel
from gridgov.cases.selectors import action_label
from gridgov.catalogue.models import Category
from gridgov.core.masking import redact_text

from .render import Many
from .selectors import DATATYPES, is_public, open311_status

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
        "service_request_id": case.number if is_public(case) else None,
        "token": str(case.client_id),
    }


def _expected(row: dict):
    if row["due_at"] is not None:
        return row["due_at"]
    dues = [due for status, due, _unit in row["tasks"] if due is not None and status in OPEN_TASK_STATUSES]
    return max(dues) if dues else None


def media_url(base_url: str, photo_id: int) -> str:
    return f"{base_url}media/{photo_id}.jpg"


def requests(rows: list[dict], *, base_url: str, extensions: bool = False) -> Many:
    """Published requests (``selectors.requests_find`` rows) in the spec's ``request`` shape."""
    labels = _Labels() if extensions else None
    return Many("request", [_request(row, base_url, labels) for row in rows])


class _Labels:
    """Display names looked up once per answer, not once per row."""

    def __init__(self):
        self.channels = {value: str(label) for value, label in Channel.choices}
        self._actions: dict[str, str] = {}

    def action(self, action: str) -> str:
        if action not in self._actions:
            self._actions[action] = action_label(action)
        return self._actions[action]


def _request(row: dict, base_url: str, labels: "_Labels | None") -> dict:
    category = row["category"]
    document = {
        "service_request_id": row["number"],
        "status": open311_status(row["status"]),
        "status_notes": redact_text(row["status_note"]),
        "service_name": category.name,
        "service_code": category.code,
        "description": redact_text(row["description"]),
        "agency_responsible": "、".join(dict.fromkeys(unit for _s, _d, unit in row["tasks"])),
        "service_notice": None,
        "requested_datetime": row["created_at"],
        "updated_datetime": row["updated_at"],
        "expected_datetime": _expected(row),
        "address": redact_text(row["address"]),
        "address_id": row["path"] if row["grid_id"] else None,
        "zipcode": None,
        "lat": row["lat"],
        "long": row["lon"],
        "media_url": media_url(base_url, row["photo_id"]) if row["photo_id"] else (row["media_url"] or None),
    }
    if labels is not None:
        document.update(_extensions(row, base_url, labels))
    return document


def _answer(question: dict | None, value):
    if question is not None and question.get("type") == "yesno":
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _extensions(row: dict, base_url: str, labels: _Labels) -> dict:
    questions = {q["key"]: q for q in row["category"].questions or []}
    return {
        "attributes": Many(
            "attribute",
            [
                {
                    "code": key,
                    "description": (questions.get(key) or {}).get("label", key),
                    "value": _answer(questions.get(key), value),
                }
                for key, value in (row["answers"] or {}).items()
            ],
        ),
        "extended_attributes": {
            "channel": row["channel"],
            "channel_name": labels.channels.get(row["channel"], row["channel"]),
            "photos": Many(
                "photo",
                [
                    {"kind": kind, "media_url": media_url(base_url, pk), "created_datetime": created}
                    for pk, kind, created in row["photos"]
                ],
            ),
        },
        "notes": Many(
            "note",
            [
                {
                    "datetime": at,
                    "status": open311_status(to_status or row["status"]),
                    "action": action,
                    "action_name": labels.action(action),
                    "agency": unit,
                    "description": redact_text(note),
                }
                for at, action, to_status, note, unit in row["events"]
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
