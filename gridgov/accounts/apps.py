from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gridgov.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def menu_entries(self, user):
        """Staff reach the Django admin from the menu."""
        from django.urls import reverse

        from gridgov.core.registry import MenuEntry

        if not (user.is_active and user.is_staff):
            return []
        return [MenuEntry(_("Admin site"), reverse("admin:index"), order=900)]
