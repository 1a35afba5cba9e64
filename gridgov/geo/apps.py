from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "gridgov.geo"
    label = "geo"
    verbose_name = _("Grids and maps")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the generation bumps)
