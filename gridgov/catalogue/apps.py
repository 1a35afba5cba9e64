from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "gridgov.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the catalogue's generation bumps)

    def load_demo(self, out):
        from .demo import load_demo

        load_demo(out)

    def demo_loaded(self) -> bool:
        from .demo import demo_loaded

        return demo_loaded()
