"""Background work of micro-wishes (Django Tasks API): the sweep that flags published wishes
nobody has claimed for ``GRIDGOV_WISH_UNCLAIMED_DAYS`` to the party secretaries covering their
community. Idempotent: a wish is flagged once (``flagged_at``) and its message stored once per
secretary (``source``)."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from gridgov.accounts.models import NotificationKind
from gridgov.accounts.services import notifications_send
from gridgov.orgs.models import Membership, Role, path_prefixes

from .models import Wish, WishStatus


def flag_unclaimed(now: datetime | None = None) -> int:
    """Flag the published wishes with nothing pledged, published more than the configured
    days ago and not flagged before, and tell the secretaries covering their communities.
    Returns how many wishes this run flagged."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.GRIDGOV_WISH_UNCLAIMED_DAYS)
    with transaction.atomic():
        # One statement flags them; a concurrent sweep's statement skips what this one flagged,
        # and this run announces exactly the rows stamped with its own moment.
        Wish.objects.filter(
            status=WishStatus.PUBLISHED, units_pledged=0, flagged_at__isnull=True, published_at__lte=cutoff
        ).update(flagged_at=now)
        flagged = list(
            Wish.objects.filter(flagged_at=now, status=WishStatus.PUBLISHED)
            .select_related("community")
            .only("pk", "title", "path", "community__path", "community__name")
        )
        if not flagged:
            return 0
        prefixes = {p for w in flagged for p in path_prefixes(w.community.path)}
        secretaries: dict[str, set[int]] = defaultdict(set)
        for path, user_id in Membership.objects.filter(
            role=Role.PARTY_SECRETARY, path__in=sorted(prefixes)
        ).values_list("path", "user_id"):
            secretaries[path].add(user_id)
        url = reverse("wishes:wall")
        days = settings.GRIDGOV_WISH_UNCLAIMED_DAYS
        for wish in flagged:
            users = {u for p in path_prefixes(wish.community.path) for u in secretaries.get(p, ())}
            notifications_send(
                user_ids=users,
                kind=NotificationKind.WISH_UNCLAIMED,
                title=_("Micro-wish “%(title)s” of %(community)s unclaimed for %(days)d days")
                % {"title": wish.title, "community": wish.community.name, "days": days},
                url=url,
                source=f"wishes.unclaimed:{wish.pk}",
            )
    return len(flagged)


@task()
def wishes_flag_unclaimed() -> int:
    """Flag wishes nobody claimed in time (idempotent)."""
    return flag_unclaimed()
