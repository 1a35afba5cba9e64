from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "gridgov.insights"
    label = "insights"
    verbose_name = _("Insights")

    def periodic_tasks(self):
        from .tasks import rollups_refresh

        return [rollups_refresh]

    def load_demo(self, out):
        from .services import rollups_refresh

        done = rollups_refresh()
        out.write(f"Insights: rollups of {done['days']} day(s) built ({done['rows']} rows).")
