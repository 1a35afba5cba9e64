"""A category, SLA policy or routing rule saved or deleted through the ORM (admin, services) is read afresh
at once by the cached selectors (``core.cached``)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gridgov.core.cached import generation_bump

from .models import Category, RoutingRule, SlaPolicy
from .selectors import CATALOGUE


@receiver(post_save, sender=Category, dispatch_uid="catalogue_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="catalogue_category_deleted")
@receiver(post_save, sender=SlaPolicy, dispatch_uid="catalogue_policy_saved")
@receiver(post_delete, sender=SlaPolicy, dispatch_uid="catalogue_policy_deleted")
@receiver(post_save, sender=RoutingRule, dispatch_uid="catalogue_rule_saved")
@receiver(post_delete, sender=RoutingRule, dispatch_uid="catalogue_rule_deleted")
def _catalogue_changed(sender, **kwargs):
    generation_bump(CATALOGUE)
