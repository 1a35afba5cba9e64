"""An exception day saved or deleted through the ORM (the admin) counts at once in deadlines
computed afterwards (``calendar`` keeps the days in the cache)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .cached import generation_bump
from .calendar import CALENDAR
from .models import WorkCalendarDay


@receiver(post_save, sender=WorkCalendarDay, dispatch_uid="core_calendar_day_saved")
@receiver(post_delete, sender=WorkCalendarDay, dispatch_uid="core_calendar_day_deleted")
def _calendar_changed(sender, **kwargs):
    generation_bump(CALENDAR)
