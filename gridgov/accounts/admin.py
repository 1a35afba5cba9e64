from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.forms import UserCreationForm as DjangoUserCreationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.admin import ReadOnlyMixin
from gridgov.orgs.admin import MembershipInline

from .auth import api_token_create, client_key_create
from .models import (
    ApiToken,
    LoginCode,
    LoginLockout,
    Notification,
    Open311Key,
    SmsMessage,
    TokenPurpose,
    TotpDevice,
    User,
)
from .services import login_lockout_clear, totp_device_reset

admin.site.site_header = _("Smart Grid administration")
admin.site.site_title = _("Smart Grid")
admin.site.index_title = _("Administration")


def admin_login(request, extra_context=None):
    """The admin site signs in through the platform's own sign-in page, with its lockout and
    two-factor codes, never through a form of its own."""
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse(settings.LOGIN_URL))


admin.site.login = admin_login


class UserCreationForm(DjangoUserCreationForm):
    class Meta(DjangoUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "phone")


class UserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    inlines = [MembershipInline]
    list_display = ("username", "full_name", "masked_phone_display", "is_staff", "is_active", "last_login")
    search_fields = ("username", "full_name", "phone", "email")
    actions = ["reset_totp_devices"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "full_name", "phone", "password1", "password2")},
        ),
    )

    @admin.display(description=_("mobile phone"), ordering="phone")
    def masked_phone_display(self, obj: User) -> str:
        return obj.masked_phone

    @admin.action(description=_("Reset the two-factor device of the selected users"), permissions=["change"])
    def reset_totp_devices(self, request, queryset):
        count = totp_device_reset(actor=request.user, users=queryset)
        self.message_user(
            request, _("%(count)d two-factor device(s) reset.") % {"count": count}, messages.SUCCESS
        )


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Rows written by the platform only: administrators may look and delete, not add or edit."""

    deletable = True


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "phone", "text", "backend", "status", "sent_at")
    list_filter = ("status", "backend")
    search_fields = ("phone",)
    date_hierarchy = "created_at"
    fields = ("phone", "text", "backend", "status", "error", "created_at", "sent_at")


@admin.register(LoginCode)
class LoginCodeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "phone", "expires_at", "attempts", "used_at", "ip")
    search_fields = ("phone",)
    date_hierarchy = "created_at"
    fields = ("phone", "created_at", "expires_at", "attempts", "used_at", "ip")  # never the code hash


@admin.register(LoginLockout)
class LoginLockoutAdmin(ReadOnlyAdmin):
    list_display = ("identifier", "failures", "last_failure_at", "locked_until", "locked")
    search_fields = ("identifier",)
    fields = ("identifier", "failures", "last_failure_at", "locked_until")
    actions = ["clear_lockouts"]

    @admin.display(description=_("locked"), boolean=True)
    def locked(self, obj: LoginLockout) -> bool:
        return obj.is_locked()

    @admin.action(description=_("Clear the selected lockouts"), permissions=["delete"])
    def clear_lockouts(self, request, queryset):
        count = login_lockout_clear(actor=request.user, lockouts=queryset)
        self.message_user(request, _("%(count)d lockout(s) cleared.") % {"count": count}, messages.SUCCESS)


@admin.register(TotpDevice)
class TotpDeviceAdmin(ReadOnlyAdmin):
    """Who has two-factor authentication: never the secret. Deleting a device resets it."""

    list_display = ("user", "created_at", "confirmed_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__full_name")
    fields = ("user", "created_at", "confirmed_at")
    readonly_fields = ("user", "created_at", "confirmed_at")


class _TokenAdminBase(admin.ModelAdmin):
    """Tokens are created by a service that shows the raw value once, and revoked, never edited."""

    purpose = TokenPurpose.API
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    actions = ["revoke_tokens"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(purpose=self.purpose).select_related("user")

    def _created(self, request, obj, token, raw):
        obj.pk = token.pk
        obj._state.adding = False
        obj.refresh_from_db()
        self.message_user(
            request,
            _("The new key is %(token)s — copy it now, it will not be shown again.") % {"token": raw},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(count)d key(s) revoked.") % {"count": count}, messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(_TokenAdminBase):
    autocomplete_fields = ("user",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name")
        return ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        return ("user", *self.readonly_fields) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, raw = api_token_create(user=obj.user, name=obj.name)
        self._created(request, obj, token, raw)


@admin.register(Open311Key)
class Open311KeyAdmin(_TokenAdminBase):
    """An Open311 client is named once; the platform makes its account and its key."""

    purpose = TokenPurpose.OPEN311
    list_display = ("name", "prefix", "created_at", "last_used_at", "revoked_at")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name",)
        return ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        return ("user", *self.readonly_fields) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, raw = client_key_create(name=obj.name, purpose=TokenPurpose.OPEN311)
        self._created(request, obj, token, raw)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username", "user__full_name")
    list_select_related = ("user",)
    readonly_fields = ("user", "kind", "title", "body", "url", "source", "created_at", "read_at")

    def has_add_permission(self, request):
        return False
