"""Writes of the Open311 adapter: a POSTed request becomes a case of the ``open311`` channel,
a POSTed update a note on the client's case. Both go through the case services (one
transaction each, idempotent on the client's own ids); the services' field errors are named
after the Open311 parameters."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gridgov.cases import services as case_services
from gridgov.cases.models import Case, CaseEvent, Channel
from gridgov.core.errors import ValidationFailed
from gridgov.orgs.models import OrgUnit

from .params import Open311Error
from .selectors import public_cases, service_get

#: Service field names → the Open311 parameters they came from.
_PARAMETER = {
    "category": "service_code",
    "location": "lat",
    "contact.email": "email",
    "photos": "media",
    "photo": "media",
    "note": "description",
}


def _parameter(field: str) -> str:
    if field.startswith("answers."):
        return f"attribute[{field.removeprefix('answers.')}]"
    return _PARAMETER.get(field, field)


def open311_errors(error: ValidationFailed) -> Open311Error:
    """A service's field errors as the spec's errors, one per field, naming the parameter."""
    descriptions = [
        f"{_parameter(name)}: {' '.join(str(m) for m in messages)}" for name, messages in error.fields.items()
    ]
    return Open311Error(error.status, *(descriptions or [str(error.message)]))


@dataclass(frozen=True)
class NewRequest:
    """A POSTed service request, as read from its parameters."""

    service_code: str | None
    lat: float | None
    lon: float | None
    address_string: str
    address_id: str | None
    attributes: dict
    listed: frozenset[str]  # attribute codes given as lists
    description: str
    media_url: str
    contact: dict
    phone: str
    client_id: uuid.UUID | None


def _area(address_id: str | None) -> OrgUnit | None:
    if address_id is None:
        return None
    unit = OrgUnit.objects.filter(path=address_id, is_active=True).first()
    if unit is None:
        raise Open311Error(400, _("address_id: no such grid or area “%(id)s”.") % {"id": address_id})
    return unit


def _check_attributes(category, attributes: dict, listed: frozenset[str]) -> None:
    questions = {q["key"]: q for q in category.questions or []}
    problems = []
    for code in attributes:
        question = questions.get(code)
        if question is None:
            problems.append(_("attribute[%(code)s]: this service has no such attribute.") % {"code": code})
        elif code in listed and question["type"] != "multichoice":
            problems.append(_("attribute[%(code)s]: give one value only.") % {"code": code})
    # Unlike an unticked box on a page, a required attribute left out is an error (even yes/no).
    for code, question in questions.items():
        if question.get("required") and code not in attributes:
            problems.append(_("attribute[%(code)s]: this attribute is required.") % {"code": code})
    if problems:
        raise Open311Error(400, *problems)


def request_create(*, client, new: NewRequest, media: Iterable, fingerprint: str) -> tuple[Case, bool]:
    """File a request for ``client``: ``(case, created)``. Located in a grid it is registered at
    once (its id is returned); otherwise the centre places it and the client holds a token."""
    category = service_get(new.service_code) if new.service_code else None
    if category is None:
        raise Open311Error(400, _("service_code: this parameter is required."))
    if new.lat is None and new.lon is None and not new.address_string and new.address_id is None:
        raise Open311Error(400, _("lat/long, address_string or address_id: give the place of the request."))
    if (new.lat is None) != (new.lon is None):
        raise Open311Error(400, _("lat/long: give both, or neither."))
    _check_attributes(category, new.attributes, new.listed)
    try:
        return case_services.case_report(
            actor=client,
            category=category,
            description=new.description or category.name,
            channel=Channel.OPEN311,
            lon=new.lon,
            lat=new.lat,
            address=new.address_string,
            area=_area(new.address_id),
            answers=new.attributes,
            photos=media,
            contact_phone=new.phone,
            contact=new.contact,
            media_url=new.media_url,
            client_id=new.client_id or uuid.uuid4(),
            fingerprint=fingerprint,
        )
    except ValidationFailed as error:
        raise open311_errors(error) from None


def update_create(
    *, client, number: str, description: str, status: str | None, update_ref: str, media_url: str, media
) -> CaseEvent:
    """A note from the client on a request it filed (mySociety ``POST servicerequestupdates``)."""
    case = public_cases().filter(number=number).first()
    if case is None:
        raise Open311Error(404, _("service_request_id: no such request “%(id)s”.") % {"id": number})
    if case.reporter_id != client.pk:
        raise Open311Error(403, _("service_request_id: a client may only add to the requests it filed."))
    try:
        event, _created = case_services.case_comment(
            actor=client,
            case=case,
            note=description,
            photos=media,
            client_ref=update_ref,
            media_url=media_url,
            data={"status": status} if status else None,
        )
    except ValidationFailed as error:
        raise open311_errors(error) from None
    return event
