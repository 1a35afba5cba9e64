"""Receivers of the core app.

- An exception day saved or deleted through the ORM (the admin) counts at once in deadlines
  computed afterwards (``calendar`` keeps the days in the cache).
- The audit log (``core.audit``): sign-ins, failed sign-ins and sign-outs (Django's auth
  signals, sent for the password and the SMS-code sign-in and the admin's), every change made
  in the Django admin (each ``LogEntry`` the admin writes: categories, SLA policies, routing
  rules…), and changes of a user's administrative role (staff, superuser, active, groups).
"""

import re

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from . import audit
from .cached import generation_bump
from .calendar import CALENDAR
from .masking import mask_phone
from .models import AuditAction, WorkCalendarDay

User = get_user_model()


@receiver(post_save, sender=WorkCalendarDay, dispatch_uid="core_calendar_day_saved")
@receiver(post_delete, sender=WorkCalendarDay, dispatch_uid="core_calendar_day_deleted")
def _calendar_changed(sender, **kwargs):
    generation_bump(CALENDAR)


# --- Sign-in and sign-out ---------------------------------------------------------------------


def _method(backend: str) -> str:
    return "code" if backend.endswith("PhoneCodeBackend") else "password"


@receiver(user_logged_in, dispatch_uid="core_audit_signed_in")
def _signed_in(sender, request, user, **kwargs):
    audit.record(
        AuditAction.SIGN_IN,
        actor=user,
        request=request,
        detail={"method": _method(getattr(user, "backend", "") or "")},
    )


@receiver(user_login_failed, dispatch_uid="core_audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    """No actor: the identifier tried is kept (a phone number masked), never the secret."""
    if "phone" in credentials:
        identifier, method = mask_phone(re.sub(r"\D", "", str(credentials["phone"] or ""))), "code"
    else:
        identifier, method = credentials.get(User.USERNAME_FIELD), "password"
    audit.record(
        AuditAction.SIGN_IN_FAILED,
        identifier=str(identifier or ""),
        request=request,
        detail={"method": method},
    )


@receiver(user_logged_out, dispatch_uid="core_audit_signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.SIGN_OUT, actor=user, request=request)


# --- Changes made in the admin ----------------------------------------------------------------

_ADMIN_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


@receiver(post_save, sender=LogEntry, dispatch_uid="core_audit_admin_change")
def _admin_changed(sender, instance: LogEntry, created, **kwargs):
    if not created:
        return
    subject = ""
    if instance.content_type_id is not None:
        content_type = ContentType.objects.get_for_id(instance.content_type_id)
        subject = f"{content_type.app_label}.{content_type.model}:{instance.object_id or ''}"
    audit.record(
        AuditAction.CONFIG_CHANGE,
        actor=instance.user,
        subject=subject,
        detail={
            "change": _ADMIN_ACTIONS.get(instance.action_flag, str(instance.action_flag)),
            "object": instance.object_repr,
            "message": instance.get_change_message(),
        },
    )


# --- Administrative roles of a user -----------------------------------------------------------

_ROLE_FLAGS = ("is_staff", "is_superuser", "is_active")


@receiver(pre_save, sender=User, dispatch_uid="core_audit_user_roles_before")
def _roles_before(sender, instance, raw=False, update_fields=None, **kwargs):
    """Remember the flags an update is about to change (one read, only when they may)."""
    instance._audit_roles_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(_ROLE_FLAGS):
        return
    instance._audit_roles_before = User.objects.filter(pk=instance.pk).values(*_ROLE_FLAGS).first()


@receiver(post_save, sender=User, dispatch_uid="core_audit_user_roles_after")
def _roles_after(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        before = {"is_staff": False, "is_superuser": False, "is_active": True}
    else:
        before = getattr(instance, "_audit_roles_before", None)
        if before is None:
            return
    changes = {
        flag: [before[flag], getattr(instance, flag)]
        for flag in _ROLE_FLAGS
        if before[flag] != getattr(instance, flag)
    }
    if changes:
        audit.record(AuditAction.ROLE_CHANGE, obj=instance, detail=changes)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="core_audit_user_groups")
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A user's groups changed (``instance`` is the user), or a group's users (``reverse``:
    ``instance`` is the group)."""
    if action not in ("post_add", "post_remove", "post_clear") or pk_set == set():
        return
    audit.record(
        AuditAction.ROLE_CHANGE,
        obj=instance,
        detail={
            "users" if reverse else "groups": sorted(pk_set or []),
            "change": action.removeprefix("post_"),
        },
    )
