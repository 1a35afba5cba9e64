from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "gridgov.orgs"
    label = "orgs"
    verbose_name = _("Organisation")

    def load_demo(self, out):
        from .demo import load_demo

        load_demo(out)
