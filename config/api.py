"""The platform API: one NinjaAPI, each app contributing its router from ``api.py``."""

from django.db import DatabaseError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from gridgov.accounts.auth import api_auth
from gridgov.core.errors import (
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    error_body,
    unavailable_from,
)

api = NinjaAPI(
    title="gridgov API",
    version="1",
    description="The platform API of gridgov (party-led smart grid governance).",
    auth=api_auth,
    urls_namespace="api",
)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "__all__"


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    response = api.create_response(request, error_body(exc), status=exc.status)
    if getattr(exc, "retry_after", None) is not None:  # RateLimited, Unavailable
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(DatabaseError)
def database_busy(request, exc: DatabaseError):
    """The database's write lock held beyond the busy timeout: a 503 to retry, never a 500."""
    unavailable = unavailable_from(exc)
    if unavailable is None:
        raise exc
    return domain_error(request, unavailable)


# Pydantic's messages are English; the common ones get a translated text.
_VALIDATION_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_type": gettext_lazy("Enter text."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "float_type": gettext_lazy("Enter a number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "uuid_parsing": gettext_lazy("Enter a valid UUID."),
    "uuid_type": gettext_lazy("Enter a valid UUID."),
    "list_type": gettext_lazy("Enter a list."),
    "dict_type": gettext_lazy("Enter an object."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "model_attributes_type": gettext_lazy("The request body is not valid JSON."),
}


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        message = _VALIDATION_MESSAGES.get(err.get("type", ""), err.get("msg", ""))
        fields.setdefault(_field_name(err.get("loc", ())), []).append(str(message))
    return domain_error(request, ValidationFailed(fields=fields))


@api.exception_handler(Http404)
def not_found(request, exc):
    return domain_error(request, NotFound())


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"code": "unauthenticated", "message": _("Please sign in."), "fields": {}}, status=401
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 403:
        return domain_error(request, PermissionDenied())
    return api.create_response(
        request, {"code": "error", "message": str(exc), "fields": {}}, status=exc.status_code
    )


def _register_routers():
    from gridgov.accounts.api import router as accounts_router
    from gridgov.cases.api import router as cases_router
    from gridgov.cases.api import tasks_router
    from gridgov.catalogue.api import router as catalogue_router
    from gridgov.enterprises.api import router as enterprises_router
    from gridgov.geo.api import router as geo_router
    from gridgov.insights.api import router as insights_router
    from gridgov.orgs.api import router as orgs_router
    from gridgov.party.api import router as party_router
    from gridgov.wishes.api import router as wishes_router

    api.add_router("/orgs/", orgs_router)
    api.add_router("/geo/", geo_router)
    api.add_router("/cases/", cases_router)
    api.add_router("/tasks/", tasks_router)
    api.add_router("/accounts/", accounts_router)
    api.add_router("/catalogue/", catalogue_router)
    api.add_router("/enterprises/", enterprises_router)
    api.add_router("/party/", party_router)
    api.add_router("/wishes/", wishes_router)
    api.add_router("/insights/", insights_router)


_register_routers()
