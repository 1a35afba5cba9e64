"""Micro-wishes (微心愿): a small wish of someone from a vulnerable group, collected by the grid
worker on a visit or posted by a resident, reviewed by the community's party secretary,
published on the public wish wall without identifying details, claimed by party members,
paired units and deputies (one-to-one, one-to-many, many-to-one), fulfilled with a photo,
confirmed by the grid worker or the poster and thanked.

A wish copies the path of its grid (ARCHITECTURE §4.6); a pledge the path of its wish. The
beneficiary's name, phone and address are personal information (§6): masked on every staff
answer, never on public ones, revealed one field at a time with an audit row.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.validators import validate_mainland_mobile
from gridgov.orgs.models import OrgUnit, PartyOrganisation
from gridgov.party.models import Deputy, PartyMember


class VulnerableGroup(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("elderly living alone")
    LEFT_BEHIND_CHILD = "left_behind_child", _("left-behind child")
    SICK_OR_DISABLED = "sick_or_disabled", _("sick or disabled family")
    SUBSISTENCE = "subsistence", _("subsistence-allowance household")
    BEREAVED_ELDERLY = "bereaved_elderly", _("bereaved-parent elderly")


class WishCategory(models.TextChoices):
    NECESSITIES = "necessities", _("daily necessities")
    SERVICE = "service", _("daily-life service")
    STUDY = "study", _("study supplies")
    HEALTH = "health", _("medical and health")
    OTHER = "other", _("other wish")


class WishSource(models.TextChoices):
    COLLECTED = "collected", _("collected by the grid worker")
    POSTED = "posted", _("posted by a resident")


class WishStatus(models.TextChoices):
    PENDING = "pending", _("awaiting review")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("not approved")
    FULFILLED = "fulfilled", _("wish fulfilled")
    CONFIRMED = "confirmed", _("fulfilment confirmed")
    THANKED = "thanked", _("thanked")


#: The states shown on the public wish wall.
PUBLIC_STATUSES = (WishStatus.PUBLISHED, WishStatus.FULFILLED, WishStatus.CONFIRMED, WishStatus.THANKED)


class Wish(models.Model):
    """One micro-wish: public title and description (no identifying details), the private
    beneficiary, how many units it needs (10 bags of rice; 1 when indivisible) and how many are
    pledged (kept under the wish's row lock, so it always equals the sum of live pledges)."""

    title = models.CharField(_("wish title"), max_length=60)
    description = models.TextField(_("wish description"), max_length=1000, blank=True)
    category = models.CharField(_("wish category"), max_length=20, choices=WishCategory.choices)
    group = models.CharField(_("vulnerable group"), max_length=20, choices=VulnerableGroup.choices)
    beneficiary_name = models.CharField(_("beneficiary's name"), max_length=50)
    beneficiary_phone = models.CharField(
        _("beneficiary's phone"), max_length=11, blank=True, validators=[validate_mainland_mobile]
    )
    beneficiary_address = models.CharField(_("beneficiary's address"), max_length=200)
    community = models.ForeignKey(
        OrgUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(OrgUnit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    units_needed = models.PositiveIntegerField(_("units needed"))
    units_pledged = models.PositiveIntegerField(_("units pledged"), default=0)
    source = models.CharField(_("wish source"), max_length=12, choices=WishSource.choices)
    status = models.CharField(
        _("wish status"), max_length=12, choices=WishStatus.choices, default=WishStatus.PENDING
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for not approving"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged as unclaimed at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    thanks = models.TextField(_("thank-you note"), max_length=500, blank=True)
    thanked_at = models.DateTimeField(_("thanked at"), null=True, blank=True)
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(units_needed__gte=1), name="wish_needs_a_unit"),
            models.CheckConstraint(
                condition=Q(units_pledged__lte=models.F("units_needed")), name="wish_never_over_pledged"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="wish_status_published"),
            models.Index(fields=["status", "path"], name="wish_status_path"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.path = self.grid.path
        super().save(*args, **kwargs)

    @property
    def units_remaining(self) -> int:
        return max(self.units_needed - self.units_pledged, 0)


class ClaimMode(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("one-to-one")
    ONE_TO_MANY = "one_to_many", _("one-to-many")
    MANY_TO_ONE = "many_to_one", _("many-to-one")


class ClaimerKind(models.TextChoices):
    MEMBER = "member", _("party member")
    UNIT = "unit", _("paired unit")
    DEPUTY = "deputy", _("deputy (两代表一委员)")


class PledgeStatus(models.TextChoices):
    PLEDGED = "pledged", _("pledged")
    FULFILLED = "fulfilled", _("pledge fulfilled")
    WITHDRAWN = "withdrawn", _("withdrawn")


#: Pledges that count towards a wish.
LIVE_PLEDGES = (PledgeStatus.PLEDGED, PledgeStatus.FULFILLED)


def _photo_path(instance, filename: str) -> str:
    return f"wishes/{instance.wish_id}/{uuid.uuid4().hex}{filename[-10:]}"


class Pledge(models.Model):
    """A claimer's pledge of ``units`` of one wish: by a party member (``member``), on behalf
    of a paired unit (``organisation``, claimed by its secretary) or by a deputy (``deputy``).
    ``claimer`` is the account that claimed (empty only for demo rows made in bulk)."""

    wish = models.ForeignKey(
        Wish, verbose_name=_("micro-wish"), on_delete=models.CASCADE, related_name="pledges"
    )
    kind = models.CharField(_("claimer kind"), max_length=10, choices=ClaimerKind.choices)
    mode = models.CharField(_("claim mode"), max_length=12, choices=ClaimMode.choices)
    claimer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("party member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wish_pledges",
    )
    organisation = models.ForeignKey(
        PartyOrganisation,
        verbose_name=_("paired unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wish_pledges",
    )
    deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("deputy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wish_pledges",
    )
    units = models.PositiveIntegerField(_("units pledged"))
    status = models.CharField(
        _("pledge status"), max_length=12, choices=PledgeStatus.choices, default=PledgeStatus.PLEDGED
    )
    photo = models.FileField(_("photo"), upload_to=_photo_path, max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["wish_id", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="pledge_at_least_a_unit"),
            models.UniqueConstraint(
                fields=["wish", "claimer"],
                condition=Q(status__in=["pledged", "fulfilled"], claimer__isnull=False),
                name="pledge_once_per_claimer",
            ),
        ]
        indexes = [models.Index(fields=["wish", "status"], name="pledge_wish_status")]

    def __str__(self) -> str:
        return f"{self.wish_id} × {self.units}"

    def save(self, *args, **kwargs):
        self.path = self.wish.path
        super().save(*args, **kwargs)
