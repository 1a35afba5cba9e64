"""The platform's audit log (issue 9): one way to write an entry, ``record``, and the reveal of
personal information in full (ARCHITECTURE §6), whose value and audit row come together, in
one transaction, or not at all.

Who may reveal what is the caller's access module's decision; lists and pages show
``core.masking``'s masked values. Entries written while a request is being answered take its
user, IP address and path from it (``AuditMiddleware`` binds the request); entries written
elsewhere (a management command, a background task) have none.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed
from .masking import redact_text
from .models import AuditAction, AuditEntry
from .ratelimit import client_ip

REASON_MAX_LENGTH = 200

_request: ContextVar = ContextVar("gridgov_audit_request", default=None)


@contextmanager
def bound(request):
    """Entries written inside take ``request``'s user, IP address and path."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def subject_of(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def _user_of(request):
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


def record(
    action: AuditAction | str,
    *,
    actor=None,
    identifier: str = "",
    subject: str = "",
    obj=None,
    field: str = "",
    reason: str = "",
    detail: dict | None = None,
    request=None,
) -> AuditEntry:
    """Write one audit entry. ``actor`` defaults to the signed-in user of ``request`` (or of
    the request being answered); ``obj`` names the subject for you; ``identifier`` is kept with
    any phone or ID number in it masked."""
    action = AuditAction(action)
    request = request if request is not None else _request.get()
    if actor is None:
        actor = _user_of(request)
    if not identifier and actor is not None:
        identifier = actor.get_username()
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        identifier=redact_text(identifier)[:150],
        subject=(subject_of(obj) if obj is not None else subject)[:80],
        field=field[:40],
        reason=reason[:REASON_MAX_LENGTH],
        ip=client_ip(request),
        path=request.path[:200] if request is not None else "",
        detail=detail or {},
    )


def reason_checked(reason: str | None) -> str:
    """The why of a reveal: required, trimmed, at most 200 characters."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why you need to see the full value.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            fields={
                "reason": [
                    _("Keep the reason to %(limit)d characters or fewer.") % {"limit": REASON_MAX_LENGTH}
                ]
            }
        )
    return reason


@transaction.atomic
def reveal(*, actor, obj, field: str, reason: str) -> str:
    """The full value of ``obj.field``, with an audit row naming ``actor`` and ``reason``
    (``ValidationFailed`` on ``reason`` when it is missing or too long)."""
    reason = reason_checked(reason)
    record(AuditAction.REVEAL, actor=actor, obj=obj, field=field, reason=reason)
    return getattr(obj, field) or ""
