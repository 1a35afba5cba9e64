from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "gridgov.party"
    label = "party"
    verbose_name = _("Party building")

    def menu_entries(self, user):
        """Party members and secretaries have their party service page (read from the
        memberships every menu shares: no query of its own)."""
        from django.urls import reverse

        from gridgov.core.registry import MenuEntry
        from gridgov.orgs.models import Role
        from gridgov.orgs.selectors import membership_rows

        if not getattr(user, "is_authenticated", False):
            return []
        if not any(
            role in (Role.PARTY_MEMBER, Role.PARTY_SECRETARY) for role, _p, _u in membership_rows(user)
        ):
            return []
        return [MenuEntry(_("Party service"), reverse("party:home"), order=60)]

    def screen_figures(self, scope: str):
        """Party work on the big screen: active party members, central households, the
        households they look after, in-service members registered with their communities."""
        from django.utils import timezone

        from gridgov.core.registry import ScreenFigure

        from .selectors import figures, quarter_of

        start, end = quarter_of(timezone.localdate())
        found = figures(scope, start=start, end=end)
        return [
            ScreenFigure(_("party members"), found["members"]),
            ScreenFigure(_("central households"), found["central_households"]),
            ScreenFigure(_("linked households"), found["linked_households"]),
            ScreenFigure(_("dual registrations"), found["registrations"]),
        ]

    def load_demo(self, out):
        from .demo import load_demo

        load_demo(out)

    def demo_loaded(self) -> bool:
        from .demo import demo_loaded

        return demo_loaded()
