"""The enterprise registry (企业名录): the enterprises of a street or town that enterprise demands
(企业需求·党政呼应) will hang on, each with the cadre who looks after it (包保干部).

An enterprise copies the path of the territorial unit it is in (a street/town or below), so
every scoped read is a range on ``path`` (ARCHITECTURE §4.6). Its contact person's name and
phone are personal information, shown masked to roles that do not need them (§6).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.validators import normalize_mobile, normalize_uscc, validate_mainland_mobile, validate_uscc
from gridgov.orgs.models import Level, Membership, OrgUnit


class Industry(models.TextChoices):
    """The sections (门类) of GB/T 4754-2017 Industrial classification for national economic
    activities; the value is the section's letter."""

    AGRICULTURE = "A", _("Agriculture, forestry, animal husbandry and fishery")
    MINING = "B", _("Mining")
    MANUFACTURING = "C", _("Manufacturing")
    UTILITIES = "D", _("Production and supply of electricity, heat, gas and water")
    CONSTRUCTION = "E", _("Construction")
    TRADE = "F", _("Wholesale and retail trade")
    TRANSPORT = "G", _("Transport, storage and postal services")
    HOSPITALITY = "H", _("Accommodation and catering")
    IT = "I", _("Information transmission, software and information technology services")
    FINANCE = "J", _("Finance")
    REAL_ESTATE = "K", _("Real estate")
    LEASING = "L", _("Leasing and business services")
    RESEARCH = "M", _("Scientific research and technical services")
    ENVIRONMENT = "N", _("Water conservancy, environment and public facilities management")
    HOUSEHOLD = "O", _("Resident services, repair and other services")
    EDUCATION = "P", _("Education")
    HEALTH = "Q", _("Health and social work")
    CULTURE = "R", _("Culture, sports and entertainment")
    PUBLIC = "S", _("Public administration, social security and social organisations")
    INTERNATIONAL = "T", _("International organisations")


class Size(models.TextChoices):
    """Enterprise size after the statistical classification of large, medium, small and micro
    enterprises (统计上大中小微型企业划分办法)."""

    LARGE = "large", _("large")
    MEDIUM = "medium", _("medium")
    SMALL = "small", _("small")
    MICRO = "micro", _("micro")


#: The levels of the territory an enterprise may be placed on: a street/town or below.
ENTERPRISE_LEVELS = (Level.STREET, Level.COMMUNITY, Level.GRID2, Level.GRID3)


def _is_cadre(user) -> bool:
    """A cadre: an active account with at least one membership (not a resident)."""
    return user.is_active and Membership.objects.filter(user=user).exists()


class Enterprise(models.Model):
    """One enterprise of the registry (企业名录)."""

    name = models.CharField(_("enterprise name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        error_messages={
            "unique": _("An enterprise with this unified social credit code is already registered.")
        },
    )
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    size = models.CharField(_("enterprise size"), max_length=10, choices=Size.choices)
    address = models.CharField(_("enterprise address"), max_length=200, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("territorial unit"), on_delete=models.PROTECT, related_name="enterprises"
    )
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_mainland_mobile]
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison cadre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises_looked_after",
    )
    # The enterprise's own people (their resident accounts): they file its demands and rate them.
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enterprise accounts"),
        blank=True,
        related_name="enterprises",
        help_text=_("The enterprise's own people, who file its demands and rate the answers."),
    )
    is_active = models.BooleanField(_("on the registry"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["path", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.normalise()
        self.path = self.org_unit.path
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # After the field validators, before the uniqueness check: "91…a" and "91…A" are one code.
        self.normalise()
        errors = {}
        if self.org_unit_id is not None:
            if self.org_unit.level not in ENTERPRISE_LEVELS:
                errors["org_unit"] = _("An enterprise is placed in a street or town, or a unit within one.")
            elif not self.org_unit.is_active:
                errors["org_unit"] = _("This territorial unit is no longer active.")
        if self.liaison_id is not None and not _is_cadre(self.liaison):
            errors["liaison"] = _("The liaison cadre must be an active user who holds a role.")
        if errors:
            raise ValidationError(errors)

    def normalise(self) -> None:
        """Store the code in capitals and the phone as 11 digits, whatever was typed."""
        self.uscc = normalize_uscc(self.uscc)
        if self.contact_phone:
            self.contact_phone = normalize_mobile(self.contact_phone)
