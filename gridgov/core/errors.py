"""Domain errors raised by services and rendered uniformly by pages and the API."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A request the platform refuses for a reason the user can fix or understand."""

    status = 400
    code = "invalid"
    default_message = _("The request is invalid.")

    def __init__(self, message=None, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        self.message = message or self.default_message
        self.fields = fields or {}
        if code:
            self.code = code
        super().__init__(str(self.message))

    @property
    def reason(self) -> str:
        """What to tell a user in one line: the field messages, else the message."""
        if self.fields:
            return "；".join(str(m) for messages in self.fields.values() for m in messages)
        return str(self.message)


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"
    default_message = _("Some fields are not valid.")

    @classmethod
    def from_django(cls, exc) -> "ValidationFailed":
        """Django's ``ValidationError`` (a model's ``full_clean``) as field messages."""
        return cls(fields={name: [str(m) for m in messages] for name, messages in exc.message_dict.items()})


def checked(instance, *, exclude=()) -> None:
    """A model's own validation (fields and validators, not uniqueness: the database decides
    that) as a 400 with field messages."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from None


class NotFound(DomainError, Http404):
    """Missing and out of scope look the same (ARCHITECTURE §4.2). Also Django's ``Http404``,
    so a page that lets it through answers with the 404 page."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class PermissionDenied(DomainError, DjangoPermissionDenied):
    """Also Django's ``PermissionDenied``, so pages answer 403."""

    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("The record changed or already exists.")


class InvalidTransition(Conflict):
    """An action that the record's current state does not allow (ARCHITECTURE §4.3)."""

    code = "invalid_transition"

    def __init__(self, *, action: str, current: str, current_label: str = ""):
        self.action = action
        self.current = current
        super().__init__(
            _("This action is not allowed while the record is “%(state)s”.")
            % {"state": current_label or current}
        )


class PayloadTooLarge(DomainError):
    status = 413
    code = "too_large"
    default_message = _("The upload is too large.")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = _("Too many attempts. Please try again later.")

    def __init__(self, message=None, *, retry_after: int = 60, **kwargs):
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class Unavailable(DomainError):
    """The platform cannot take the request just now (the database is busy: its write lock is
    held beyond the busy timeout). Nothing was written; the same request may be sent again
    after ``retry_after`` seconds."""

    status = 503
    code = "unavailable"
    default_message = _("The system is busy. Nothing was saved; please try again in a moment.")

    def __init__(self, message=None, *, retry_after: int = 2, **kwargs):
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


def unavailable_from(exc: BaseException) -> Unavailable | None:
    """The 503 for ``exc`` when it only says the database is busy (``core.db.is_busy``),
    else ``None``: any other error stays the fault it is."""
    from gridgov.core.db import is_busy

    if isinstance(exc, Unavailable):
        return exc
    return Unavailable() if is_busy(exc) else None


def error_body(error: DomainError) -> dict:
    """The one error shape of the API: ``{"code", "message", "fields"}``."""
    return {
        "code": error.code,
        "message": str(error.message),
        "fields": {name: [str(m) for m in messages] for name, messages in error.fields.items()},
    }
