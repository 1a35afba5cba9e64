from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gridgov.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_stamp

        # Every sign-in starts the session's idle and absolute clocks.
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: session_stamp(request),
            weak=False,
            dispatch_uid="gridgov.accounts.session_stamp",
        )

    def menu_entries(self, user):
        """Staff reach the Django admin from the menu."""
        from django.urls import reverse

        from gridgov.core.registry import MenuEntry

        from .services import totp_applies

        entries = []
        if user.is_active and user.has_usable_password():
            entries.append(MenuEntry(_("Change password"), reverse("accounts:password_change"), order=910))
        if totp_applies(user):
            entries.append(MenuEntry(_("Two-factor authentication"), reverse("accounts:totp"), order=911))
        if user.is_active and user.is_staff:
            entries.append(MenuEntry(_("Admin site"), reverse("admin:index"), order=900))
        return entries
