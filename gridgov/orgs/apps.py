from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "gridgov.orgs"
    label = "orgs"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (memberships in the audit log)

    def menu_entries(self, user):
        from django.urls import reverse

        from gridgov.core.registry import MenuEntry

        from .selectors import user_scope

        if not user_scope(user):
            return []
        return [MenuEntry(_("Organisation"), reverse("orgs:index"), order=50)]

    def screen_figures(self, scope: str):
        """Party building on the big screen: organisations, grids, grid workers."""
        from gridgov.core.registry import ScreenFigure

        from .selectors import party_figures

        found = party_figures(scope)
        return [
            ScreenFigure(_("party organisations"), found["party_organisations"]),
            ScreenFigure(_("grids"), found["grids"]),
            ScreenFigure(_("grid workers"), found["grid_workers"]),
        ]

    def load_demo(self, out):
        from .demo import load_demo

        load_demo(out)

    def demo_loaded(self) -> bool:
        from .demo import demo_loaded

        return demo_loaded()
