"""The GeoReport v2 methods under ``/open311/v2/``, each in XML and JSON (``.xml``/``.json``;
XML when no format is named). A view parses its parameters, calls one selector or service
and returns a document; ``endpoint`` renders it, or the spec's errors."""

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gridgov.cases.services import CONTACT_KEYS, request_fingerprint
from gridgov.core.errors import DomainError, unavailable_from

from . import documents, selectors, services
from .access import client_get
from .params import Open311Error, Params, bad
from .render import FORMATS, Many, respond

#: At most this many requests (or updates) in one answer; also the default page size.
MAX_RESULTS = 1000
#: The longest date range a search may span, and the default window.
MAX_DAYS = 90


@dataclass(frozen=True)
class Document:
    root: str
    body: object
    status: int = 200


def _error(fmt: str, error: Open311Error, allow: tuple[str, ...] = ()) -> HttpResponse:
    response = respond(fmt, "errors", documents.errors(error.descriptions, error.status), status=error.status)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    if allow:
        response["Allow"] = ", ".join(allow)
    return response


def _from_domain(error: DomainError) -> Open311Error:
    if error.fields:
        return services.open311_errors(error)
    return Open311Error(error.status, str(error.message), retry_after=getattr(error, "retry_after", None))


def endpoint(*methods: str):
    """Format, method, jurisdiction and errors, the same for every method of the API."""
    allowed = (*methods, "HEAD") if "GET" in methods else methods

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, fmt=None, **kwargs):
            fmt = (fmt or "xml").lower()
            if fmt not in FORMATS:
                return _error("xml", Open311Error(404, _("Unknown format: use .xml or .json.")))
            if request.method not in allowed:
                return _error(fmt, Open311Error(405, _("This method is not allowed here.")), allowed)
            try:
                params = Params.of(request)
                jurisdiction = selectors.jurisdiction_get(params.get("jurisdiction_id"))
                result = view(request, params=params, jurisdiction=jurisdiction, **kwargs)
            except Open311Error as error:
                return _error(fmt, error)
            except DomainError as error:
                return _error(fmt, _from_domain(error))
            except DatabaseError as error:
                # The database's write lock held beyond the busy timeout: a 503 to retry.
                if (unavailable := unavailable_from(error)) is None:
                    raise
                return _error(fmt, _from_domain(unavailable))
            if isinstance(result, HttpResponseBase):
                return result
            return respond(fmt, result.root, result.body, status=result.status)

        return wrapper

    return decorate


def _base_url(request) -> str:
    return request.build_absolute_uri(reverse("open311:root"))


def _window(params: Params, start_name: str, end_name: str, *, inclusive_end: bool):
    """A [start, end) range of at most ``MAX_DAYS``; one bound given, the other follows."""
    start = params.moment(start_name)
    end = params.moment(end_name, end=True, inclusive=inclusive_end)
    span = timedelta(days=MAX_DAYS)
    if start is not None and end is not None:
        if end <= start:
            raise bad(end_name, _("It must be later than %(start)s.") % {"start": start_name})
        if end - start > span:
            raise bad(
                f"{start_name}/{end_name}",
                _("The range may span at most %(days)d days.") % {"days": MAX_DAYS},
            )
    elif start is not None:
        end = start + span
    elif end is not None:
        start = end - span
    return start, end


def _page(params: Params) -> tuple[int, int]:
    page = params.whole("page", default=1, low=1, high=1_000_000)
    size = params.whole("page_size", default=MAX_RESULTS, low=1, high=MAX_RESULTS)
    return (page - 1) * size, size


# --- Discovery and services ---------------------------------------------------------------------------


@endpoint("GET")
def discovery(request, *, params, jurisdiction):
    return Document("discovery", documents.discovery(_base_url(request)))


@endpoint("GET")
def services_list(request, *, params, jurisdiction):
    client_get(params, required=False)
    return Document("services", Many("service", [documents.service(c) for c in selectors.services_list()]))


@endpoint("GET")
def service_definition(request, *, params, jurisdiction, code):
    client_get(params, required=False)
    return Document("service_definition", documents.service_definition(selectors.service_get(code)))


# --- Requests ------------------------------------------------------------------------------------------


@endpoint("GET", "POST")
def requests(request, *, params, jurisdiction):
    if request.method == "POST":
        return _request_create(request, params)
    client_get(params, required=False)
    offset, limit = _page(params)
    numbers = tuple(params.items("service_request_id")[:MAX_RESULTS])
    if numbers:
        filters = selectors.RequestFilters(jurisdiction=jurisdiction, numbers=numbers)
    else:
        statuses = tuple(s.lower() for s in params.items("status"))
        wrong = [s for s in statuses if s not in ("open", "closed")]
        if wrong:
            raise bad("status", _("Use open or closed, not “%(value)s”.") % {"value": wrong[0]})
        updated = _window(params, "updated_after", "updated_before", inclusive_end=False)
        requested = _window(params, "start_date", "end_date", inclusive_end=True)
        if requested == (None, None) and updated == (None, None):
            now = timezone.now()
            requested = (now - timedelta(days=MAX_DAYS), None)
        filters = selectors.RequestFilters(
            jurisdiction=jurisdiction,
            service_codes=tuple(selectors.service_codes_check(params.items("service_code"))),
            statuses=statuses,
            requested=requested,
            updated=updated,
        )
    extensions = params.flag("extensions")
    rows = selectors.requests_find(filters, offset=offset, limit=limit, extensions=extensions)
    return _requests_document(request, rows, extensions)


def _requests_document(request, rows: list[dict], extensions: bool) -> Document:
    body = documents.requests(rows, base_url=_base_url(request), extensions=extensions)
    return Document("service_requests", body)


def _request_create(request, params: Params) -> Document:
    client = client_get(params, required=True)
    attributes, listed = params.attributes()
    new = services.NewRequest(
        service_code=params.get("service_code"),
        lat=params.number("lat", low=-90, high=90),
        lon=params.number("long", low=-180, high=180),
        address_string=params.text("address_string", 200),
        address_id=params.get("address_id"),
        attributes=attributes,
        listed=frozenset(listed),
        description=params.text("description", 4000),
        media_url=params.text("media_url", 500),
        contact={name: params.text(name, 100) for name in CONTACT_KEYS},
        phone=params.text("phone", 20),
        client_id=params.uuid("client_id"),
    )
    media = params.files.getlist("media") if params.files else []
    fingerprint = request_fingerprint(
        {
            "params": {k: v for k, v in params.data.items() if k not in ("api_key", "client_id")},
            "media": [[f.name, f.size] for f in media],
        }
    )
    case, created = services.request_create(client=client, new=new, media=media, fingerprint=fingerprint)
    body = documents.created(case, registered=selectors.is_public(case))
    return Document("service_requests", Many("request", [body]), status=201 if created else 200)


@endpoint("GET")
def request_detail(request, *, params, jurisdiction, number):
    client_get(params, required=False)
    extensions = params.flag("extensions")
    row = selectors.request_get(number, jurisdiction, extensions=extensions)
    return _requests_document(request, [row], extensions)


@endpoint("GET")
def token(request, *, params, jurisdiction, token):
    client_get(params, required=False)
    case = selectors.request_by_token(token)
    return Document("service_requests", Many("request", [documents.token(case)]))


@endpoint("GET")
def media(request, *, params, jurisdiction, photo_id):
    photo = selectors.photo_public(photo_id)
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- Updates (mySociety extension) -------------------------------------------------------------------


@endpoint("GET", "POST")
def updates(request, *, params, jurisdiction):
    if request.method == "POST":
        return _update_create(params)
    client_get(params, required=False)
    offset, limit = _page(params)
    window = _window(params, "start_date", "end_date", inclusive_end=True)
    if window == (None, None):
        window = (timezone.now() - timedelta(days=MAX_DAYS), None)
    events = selectors.updates_find(jurisdiction=jurisdiction, window=window, offset=offset, limit=limit)
    base = _base_url(request)
    return Document(
        "service_request_updates",
        Many("request_update", [documents.update(e, base_url=base) for e in events]),
    )


def _update_create(params: Params) -> Document:
    client = client_get(params, required=True)
    number = params.get("service_request_id")
    if number is None:
        raise bad("service_request_id", _("This parameter is required."))
    status = (params.get("status") or "").upper() or None
    if status not in (None, "OPEN", "CLOSED"):
        raise bad("status", _("Use OPEN or CLOSED."))
    params.moment("updated_datetime")  # validated; the platform's own clock dates the step
    event = services.update_create(
        client=client,
        number=number,
        description=params.text("description", 4000),
        status=status,
        update_ref=params.text("update_id", 100),
        media_url=params.text("media_url", 500),
        media=params.files.getlist("media") if params.files else [],
    )
    return Document("service_request_updates", Many("request_update", [{"update_id": str(event.pk)}]))
