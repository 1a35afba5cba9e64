"""The territory (OrgUnit tree), handling units, command centres, party organisations and
memberships that give users a role and a data scope (ARCHITECTURE §1, §4.6)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    COUNTY = "county", _("county")
    STREET = "street", _("street / town")
    COMMUNITY = "community", _("community / village")
    GRID2 = "grid2", _("level-2 grid")
    GRID3 = "grid3", _("level-3 grid")


# Path length of each level: national division code widths 2-2-2-3-3, then 3 per grid level.
LEVEL_PATH_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
    Level.GRID2: 15,
    Level.GRID3: 18,
}
PATH_LENGTH_LEVEL = {length: level for level, length in LEVEL_PATH_LENGTH.items()}
GRID_LEVELS = (Level.GRID2, Level.GRID3)


def path_prefixes(path: str, *, inclusive: bool = True) -> list[str]:
    """The paths of the units enclosing ``path``, province first, and ``path`` itself unless
    ``inclusive`` is false (one ``path__in`` filter finds the whole chain)."""
    return [
        path[:n]
        for n in sorted(LEVEL_PATH_LENGTH.values())
        if n < len(path) or (inclusive and n == len(path))
    ]


def parent_path(path: str) -> str | None:
    """The path of the enclosing unit: the longest level prefix shorter than ``path``."""
    shorter = [n for n in LEVEL_PATH_LENGTH.values() if n < len(path)]
    return path[: max(shorter)] if shorter else None


class OrgUnit(models.Model):
    """One node of the territory: province → city → county → street/town → community/village → grid."""

    path = models.CharField(_("code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("territorial unit")
        verbose_name_plural = _("territorial units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True) | Q(parent__isnull=False),
                name="orgunit_parent_except_province",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_grid(self) -> bool:
        return self.level in GRID_LEVELS

    @property
    def parent_path(self) -> str | None:
        return parent_path(self.path)


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("department")
    STREET_OFFICE = "street_office", _("street office")
    BUREAU = "bureau", _("county bureau")
    UTILITY = "utility", _("utility")
    VILLAGE_COMMITTEE = "village_committee", _("village / community committee")
    OTHER = "other", _("other")


class HandlingUnit(models.Model):
    """A unit that receives tasks and handles them (承办单位), attached to the territory it serves."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("territorial unit"), on_delete=models.PROTECT, related_name="handling_units"
    )
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)
    phone = models.CharField(_("office phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["path", "name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="handlingunit_unique_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = self.org_unit.path
        super().save(*args, **kwargs)


class CommandCentre(models.Model):
    """The command centre (指挥中心) of a street, county or city: one per such unit."""

    name = models.CharField(_("name"), max_length=100)
    org_unit = models.OneToOneField(
        OrgUnit, verbose_name=_("territorial unit"), on_delete=models.PROTECT, related_name="command_centre"
    )
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)

    class Meta:
        verbose_name = _("command centre")
        verbose_name_plural = _("command centres")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = self.org_unit.path
        super().save(*args, **kwargs)


class PartyKind(models.TextChoices):
    COUNTY_COMMITTEE = "county_committee", _("county party committee")
    STREET_COMMITTEE = "street_committee", _("street / town party (working) committee")
    VILLAGE_BRANCH = "village_branch", _("village / community party branch")
    GRID_BRANCH = "grid_branch", _("grid party branch")
    PARTY_GROUP = "party_group", _("party group")
    OTHER = "other", _("other party organisation")


class PartyOrganisation(models.Model):
    """The party chain as its own tree, each node mapped onto the territory it serves."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("territorial unit"),
        on_delete=models.PROTECT,
        related_name="party_organisations",
    )
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["path", "name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="partyorg_unique_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = self.org_unit.path
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("grid worker")
    CENTRE_OPERATOR = "centre_operator", _("command centre operator")
    UNIT_HANDLER = "unit_handler", _("handling unit staff")
    PARTY_SECRETARY = "party_secretary", _("party secretary")
    PARTY_MEMBER = "party_member", _("party member")
    LEADER = "leader", _("leader")


# What each role is held on (the membership's target).
ROLE_TARGET = {
    Role.GRID_WORKER: "org_unit",
    Role.LEADER: "org_unit",
    Role.CENTRE_OPERATOR: "command_centre",
    Role.UNIT_HANDLER: "handling_unit",
    Role.PARTY_SECRETARY: "party_organisation",
    Role.PARTY_MEMBER: "party_organisation",
}
TARGET_FIELDS = ("org_unit", "command_centre", "handling_unit", "party_organisation")
# Roles held on territorial units may only be held at these levels.
ROLE_LEVELS = {
    Role.GRID_WORKER: GRID_LEVELS,
    Role.LEADER: (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.STREET),
}


class Membership(models.Model):
    """A role a user holds on one target; its ``path`` (the target's territory) is part of the
    user's data scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("territorial unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    command_centre = models.ForeignKey(
        CommandCentre,
        verbose_name=_("command centre"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    handling_unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    party_organisation = models.ForeignKey(
        PartyOrganisation,
        verbose_name=_("party organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    path = models.CharField(_("data scope"), max_length=18, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user_id", "path"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        org_unit__isnull=False,
                        command_centre__isnull=True,
                        handling_unit__isnull=True,
                        party_organisation__isnull=True,
                    )
                    | Q(
                        org_unit__isnull=True,
                        command_centre__isnull=False,
                        handling_unit__isnull=True,
                        party_organisation__isnull=True,
                    )
                    | Q(
                        org_unit__isnull=True,
                        command_centre__isnull=True,
                        handling_unit__isnull=False,
                        party_organisation__isnull=True,
                    )
                    | Q(
                        org_unit__isnull=True,
                        command_centre__isnull=True,
                        handling_unit__isnull=True,
                        party_organisation__isnull=False,
                    )
                ),
                name="membership_exactly_one_target",
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", "role", field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"membership_unique_{field}",
                )
                for field in TARGET_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.target}"

    def save(self, *args, **kwargs):
        self.path = self.target.path
        super().save(*args, **kwargs)

    @property
    def target(self):
        return getattr(self, ROLE_TARGET[Role(self.role)])

    def clean(self):
        """The role's own target must be set, no other, and at a level the role allows."""
        if not self.role:
            return
        wanted = ROLE_TARGET[Role(self.role)]
        errors = {
            name: _("This role is not held on this kind of target.")
            for name in TARGET_FIELDS
            if name != wanted and getattr(self, f"{name}_id") is not None
        }
        target = getattr(self, wanted) if getattr(self, f"{wanted}_id") is not None else None
        if target is None:
            errors[wanted] = _("This role needs this field.")
        elif Role(self.role) in ROLE_LEVELS and target.level not in ROLE_LEVELS[Role(self.role)]:
            errors[wanted] = _("This role is not held at this level.")
        if errors:
            raise ValidationError(errors)
