"""Revealing personal information in full (ARCHITECTURE §6): the value and its audit row come
together, in one transaction, or not at all. Who may reveal what is the caller's access
module's decision; lists and pages show ``core.masking``'s masked values."""

from django.db import transaction

from .models import AuditEntry


def subject_of(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


@transaction.atomic
def reveal(*, actor, obj, field: str) -> str:
    """The full value of ``obj.field``, with an audit row naming ``actor``."""
    AuditEntry.objects.create(actor=actor, action="reveal", subject=subject_of(obj), field=field)
    return getattr(obj, field) or ""
