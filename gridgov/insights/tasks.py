"""Background work of insights (Django Tasks API): keep the rollups up to date."""

from django_tasks import task

from . import services


@task()
def rollups_refresh() -> dict:
    """Rebuild the rollup days whose cases took a step since the last run (idempotent)."""
    return services.rollups_refresh()
