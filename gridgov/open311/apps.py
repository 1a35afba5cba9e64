from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    """The Open311 GeoReport v2 server: an adapter over the catalogue and the case loop, with
    no models of its own (ARCHITECTURE §3)."""

    name = "gridgov.open311"
    label = "open311"
    verbose_name = _("Open311")

    def load_demo(self, out):
        from .demo import load_demo

        load_demo(out)

    def demo_loaded(self) -> bool:
        from .demo import demo_loaded

        return demo_loaded()
