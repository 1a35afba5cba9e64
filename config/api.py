"""The platform API: one NinjaAPI, each app contributing its router from ``api.py``."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from gridgov.accounts.auth import api_auth
from gridgov.core.errors import (
    DomainError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    error_body,
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
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        fields.setdefault(_field_name(err.get("loc", ())), []).append(err.get("msg", ""))
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
    from gridgov.geo.api import router as geo_router
    from gridgov.orgs.api import router as orgs_router

    api.add_router("/orgs/", orgs_router)
    api.add_router("/geo/", geo_router)


_register_routers()
