"""Deadlines: when a stage starts, its due and warning times are computed once and stored.

Limits come from the catalogue's SLA policies (category × urgency × stage) and are counted in
working minutes on the work calendar (weekends, public holidays, make-up working days), or
around the clock where the policy says so (emergencies).
"""

from datetime import datetime, timedelta

from gridgov.catalogue.models import Category
from gridgov.catalogue.selectors import sla_policy
from gridgov.core.calendar import working_minutes_add


def _plain_minutes_add(start: datetime, minutes: int) -> datetime:
    return start + timedelta(minutes=minutes)


CLEARED = {"stage": "", "stage_started_at": None, "warn_at": None, "due_at": None}


def stage_deadline(*, category: Category, urgency: str, stage: str, start: datetime) -> dict:
    """The Deadline columns for ``stage`` starting at ``start`` (cleared for no stage or no
    policy), ready to pass to ``update()``/``create()``."""
    if not stage:
        return {**CLEARED, "warned": False, "overdue_notified": False}
    policy = sla_policy(category=category, urgency=urgency, stage=stage)
    if policy is None:
        return {
            **CLEARED,
            "stage": stage,
            "stage_started_at": start,
            "warned": False,
            "overdue_notified": False,
        }
    add = _plain_minutes_add if policy.around_the_clock else working_minutes_add
    return {
        "stage": stage,
        "stage_started_at": start,
        "warn_at": add(start, round(policy.limit_minutes * policy.warn_ratio)),
        "due_at": add(start, policy.limit_minutes),
        "warned": False,
        "overdue_notified": False,
    }
