from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "gridgov.insights"
    label = "insights"
    verbose_name = _("Insights")

    def menu_entries(self, user):
        """The dashboard, for those who steer a territory: command centres and leaders."""
        from django.urls import reverse

        from gridgov.cases.access import viewer
        from gridgov.core.registry import MenuEntry

        v = viewer(user)
        if not (v.superuser or set(v.view_paths) - set(v.grid_paths)):
            return []
        return [MenuEntry(_("Dashboard"), reverse("insights:dashboard"), order=5)]

    def periodic_tasks(self):
        from .tasks import rollups_refresh

        return [rollups_refresh]

    def load_demo(self, out):
        from .services import rollups_refresh

        done = rollups_refresh()
        out.write(f"Insights: rollups of {done['days']} day(s) built ({done['rows']} rows).")
