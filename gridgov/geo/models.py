"""Grid polygons and the generation counter that tells every process when to rebuild its
point → grid index (ARCHITECTURE §2 "Geometry")."""

import threading
import time

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from gridgov.orgs.models import OrgUnit


class GridPolygon(models.Model):
    """The area of one grid (level 2 or 3): a GeoJSON Polygon or MultiPolygon in WGS-84
    longitude/latitude, with its bounding box and centroid kept as plain columns.

    Write it through ``gridgov.geo.services`` so it is validated (valid, inside WGS-84, no
    overlap with another grid of the same level, a level-3 grid inside its level-2 grid).
    """

    unit = models.OneToOneField(
        OrgUnit,
        verbose_name=_("grid"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="polygon",
    )
    geometry = models.JSONField(
        _("geometry"), help_text=_("GeoJSON Polygon or MultiPolygon, WGS-84 lon/lat.")
    )
    min_lon = models.FloatField(_("west"), editable=False, default=0.0)
    min_lat = models.FloatField(_("south"), editable=False, default=0.0)
    max_lon = models.FloatField(_("east"), editable=False, default=0.0)
    max_lat = models.FloatField(_("north"), editable=False, default=0.0)
    centroid_lon = models.FloatField(_("centroid longitude"), editable=False, default=0.0)
    centroid_lat = models.FloatField(_("centroid latitude"), editable=False, default=0.0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("grid polygon")
        verbose_name_plural = _("grid polygons")
        ordering = ["unit__path"]
        indexes = [models.Index(fields=["min_lon", "max_lon"], name="geo_gridpolygon_lon_range")]

    def __str__(self) -> str:
        return str(self.unit)

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self, geom=None) -> None:
        """Recompute the bounding box and centroid from ``geometry`` (or the given shapely
        geometry); bulk writes call this because they bypass ``save()``."""
        from .geometry import derived_columns, to_shape

        if geom is None:
            geom = to_shape(self.geometry)
        for name, value in derived_columns(geom).items():
            setattr(self, name, value)


# While a service holds the generation (it bumped it once at the start of its transaction),
# the signal handlers need not bump it again for every row it writes.
_quiet = threading.local()


def signals_quiet() -> bool:
    return getattr(_quiet, "depth", 0) > 0


class GridIndexState(models.Model):
    """One row whose ``generation`` changes, in the same transaction, with every change to a
    grid or its polygon. Each process compares it with the generation its index was built at.

    The value is strictly increasing and never reused, even when a transaction that bumped it
    rolls back: a bump sets ``max(generation + 1, now in microseconds)``.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("grid index state")
        verbose_name_plural = _("grid index state")

    def __str__(self) -> str:
        return f"generation {self.generation}"

    @classmethod
    def current(cls) -> int:
        """The committed (or, inside a transaction, the visible) generation: one query."""
        value = cls.objects.filter(pk=1).values_list("generation", flat=True).first()
        return value or 0

    @classmethod
    def bump(cls) -> None:
        """Change the generation. On PostgreSQL the row stays locked until the transaction ends,
        which also serialises concurrent grid writers (their overlap checks see each other)."""
        new_value = Greatest(F("generation") + 1, Value(time.time_ns() // 1000))
        if cls.objects.filter(pk=1).update(generation=new_value):
            return
        cls.objects.get_or_create(pk=1, defaults={"generation": 0})
        cls.objects.filter(pk=1).update(generation=new_value)
