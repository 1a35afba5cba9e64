"""Memberships in the audit log: every membership granted, changed or ended, however it is
written (the services, the admin, the user's inline in the admin, a cascade), names the user,
the role and what it is held on. The actor is the user of the request being answered, if any
(``core.audit``)."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from gridgov.core import audit
from gridgov.core.models import AuditAction

from .models import ROLE_TARGET, Membership, Role


def _held(membership: Membership) -> dict:
    """The role and its target, without reading anything not already loaded."""
    field = ROLE_TARGET[Role(membership.role)]
    descriptor = Membership._meta.get_field(field)
    held = {
        "role": membership.role,
        "target": f"{descriptor.related_model._meta.label_lower}:{getattr(membership, f'{field}_id')}",
        "path": membership.path,
    }
    if descriptor.is_cached(membership):
        held["name"] = str(getattr(membership, field))
    return held


def _record(membership: Membership, change: str, **extra) -> None:
    audit.record(
        AuditAction.MEMBERSHIP_CHANGE,
        subject=f"accounts.user:{membership.user_id}",
        detail={"change": change, "membership": membership.pk, **_held(membership), **extra},
    )


@receiver(pre_save, sender=Membership, dispatch_uid="orgs_audit_membership_before")
def _membership_before(sender, instance: Membership, raw=False, **kwargs):
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._audit_before = Membership.objects.filter(pk=instance.pk).first()


@receiver(post_save, sender=Membership, dispatch_uid="orgs_audit_membership_saved")
def _membership_saved(sender, instance: Membership, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        _record(instance, "granted")
        return
    before = getattr(instance, "_audit_before", None)
    if before is None:
        return
    was, now = _held(before), _held(instance)
    if (was["role"], was["target"]) != (now["role"], now["target"]):
        _record(instance, "changed", before=was)


@receiver(post_delete, sender=Membership, dispatch_uid="orgs_audit_membership_ended")
def _membership_ended(sender, instance: Membership, **kwargs):
    _record(instance, "ended")
