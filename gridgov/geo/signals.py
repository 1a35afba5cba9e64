"""Keep the grid index generation in step with writes that bypass the services: Django admin
edits and deletions of grid polygons, and changes to grid units themselves (a rename changes
what ``locate`` answers). Bulk ``QuerySet.update()`` sends no signals: call
``GridIndexState.bump()`` after one."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gridgov.orgs.models import GRID_LEVELS, OrgUnit

from .models import GridIndexState, GridPolygon, signals_quiet


@receiver(post_save, sender=GridPolygon, dispatch_uid="geo_polygon_saved")
@receiver(post_delete, sender=GridPolygon, dispatch_uid="geo_polygon_deleted")
def _polygon_changed(sender, instance, **kwargs):
    if not signals_quiet() and not kwargs.get("raw", False):
        GridIndexState.bump()


@receiver(post_save, sender=OrgUnit, dispatch_uid="geo_grid_unit_saved")
@receiver(post_delete, sender=OrgUnit, dispatch_uid="geo_grid_unit_deleted")
def _grid_unit_changed(sender, instance, **kwargs):
    if instance.level in GRID_LEVELS and not signals_quiet() and not kwargs.get("raw", False):
        GridIndexState.bump()
