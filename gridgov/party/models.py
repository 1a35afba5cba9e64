"""The party chain reaching every household (党建引领): party members, the in-service members'
dual registration (双报到) with the community they live in, central households (党员中心户) and the
households they look after (联系户) with their visits, and service posts (设岗定责).

Every row copies the path of the place it belongs to (ARCHITECTURE §4.6): a member the grid
they live in (or their organisation's place), a registration its community or grid, a central
household its grid, a post its organisation's place. ID numbers, phones, birth dates and the
households' names, addresses and phones are personal information (§6): masked on every page
and answer, revealed one field at a time with an audit row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.validators import validate_id_number, validate_mainland_mobile
from gridgov.orgs.models import OrgUnit, PartyOrganisation


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("primary school")
    JUNIOR = "junior", _("junior middle school")
    SENIOR = "senior", _("senior middle school or technical secondary school")
    COLLEGE = "college", _("junior college")
    BACHELOR = "bachelor", _("university")
    POSTGRADUATE = "postgraduate", _("postgraduate")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    TRANSFERRED = "transferred", _("transferred out")
    DECEASED = "deceased", _("deceased")


class PartyMember(models.Model):
    """A party member (党员): their own organisation (for an in-service member 在职党员, the one
    at their workplace) and the grid they live in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_member",
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    joined_on = models.DateField(_("joined the party"), null=True, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True, validators=[validate_mainland_mobile])
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, validators=[validate_id_number])
    organisation = models.ForeignKey(
        PartyOrganisation,
        verbose_name=_("party organisation"),
        on_delete=models.PROTECT,
        related_name="party_members",
    )
    grid = models.ForeignKey(
        OrgUnit,
        verbose_name=_("residential grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_party_members",
    )
    in_service = models.BooleanField(_("in-service member"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=~Q(id_number=""), name="partymember_unique_id_number"
            )
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="partymember_org_status")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = self.grid.path if self.grid_id else self.organisation.path
        super().save(*args, **kwargs)


class DualRegistration(models.Model):
    """An in-service member registered with the community they live in (双报到): the community
    assigns them a grid, and they take its service posts."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("party member"), on_delete=models.CASCADE, related_name="registrations"
    )
    community = models.ForeignKey(
        OrgUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="dual_registrations"
    )
    grid = models.ForeignKey(
        OrgUnit,
        verbose_name=_("assigned grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered"))
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)

    class Meta:
        verbose_name = _("dual registration")
        verbose_name_plural = _("dual registrations")
        ordering = ["path", "-registered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "community"], name="dualregistration_once_per_community"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.community}"

    def save(self, *args, **kwargs):
        self.path = self.grid.path if self.grid_id else self.community.path
        super().save(*args, **kwargs)


class CentralHousehold(models.Model):
    """A party member who looks after linked households in their grid (党员中心户)."""

    member = models.OneToOneField(
        PartyMember,
        verbose_name=_("party member"),
        on_delete=models.CASCADE,
        related_name="central_household",
    )
    grid = models.ForeignKey(OrgUnit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("since"))
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)

    class Meta:
        verbose_name = _("central household")
        verbose_name_plural = _("central households")
        ordering = ["path", "pk"]

    def __str__(self) -> str:
        return str(self.member)

    def save(self, *args, **kwargs):
        self.path = self.grid.path
        super().save(*args, **kwargs)


class LinkedHousehold(models.Model):
    """A household a central household looks after (联系户)."""

    central = models.ForeignKey(
        CentralHousehold,
        verbose_name=_("central household"),
        on_delete=models.CASCADE,
        related_name="households",
    )
    head = models.CharField(_("head of household"), max_length=50)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=11, blank=True, validators=[validate_mainland_mobile])
    note = models.CharField(_("note"), max_length=200, blank=True)
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("linked household")
        verbose_name_plural = _("linked households")
        ordering = ["central_id", "pk"]

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs):
        self.path = self.central.path
        super().save(*args, **kwargs)


class Visit(models.Model):
    """A central household's visit to one of its households: what was asked and what follows;
    a follow-up can become a case (``case``)."""

    central = models.ForeignKey(
        CentralHousehold, verbose_name=_("central household"), on_delete=models.CASCADE, related_name="visits"
    )
    household = models.ForeignKey(
        LinkedHousehold, verbose_name=_("household"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"))
    asked = models.TextField(_("what was asked"), max_length=1000)
    follow_up = models.TextField(_("follow-up"), max_length=1000, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["central", "visited_on"], name="visit_central_day")]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.household}"

    def save(self, *args, **kwargs):
        self.path = self.central.path
        super().save(*args, **kwargs)


class PostKind(models.TextChoices):
    POLICY = "policy", _("policy outreach post")
    ENVIRONMENT = "environment", _("environment watch post")
    MEDIATION = "mediation", _("neighbourhood mediation post")
    CARE = "care", _("care and help post")
    SAFETY = "safety", _("safety patrol post")
    OTHER = "other", _("other post")


class ServicePost(models.Model):
    """A service post a branch defines, with its duties (设岗定责)."""

    organisation = models.ForeignKey(
        PartyOrganisation,
        verbose_name=_("party organisation"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PostKind.choices)
    name = models.CharField(_("name"), max_length=60)
    duties = models.TextField(_("duties"), max_length=1000)
    is_active = models.BooleanField(_("active"), default=True)
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)

    class Meta:
        verbose_name = _("service post")
        verbose_name_plural = _("service posts")
        ordering = ["path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="servicepost_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = self.organisation.path
        super().save(*args, **kwargs)


class PostHolder(models.Model):
    """A member holding a post, from ``since`` until ``until`` (open while they hold it)."""

    post = models.ForeignKey(
        ServicePost, verbose_name=_("service post"), on_delete=models.CASCADE, related_name="holders"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name=_("party member"), on_delete=models.CASCADE, related_name="posts"
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("post holder")
        verbose_name_plural = _("post holders")
        ordering = ["post_id", "since"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"], condition=Q(until__isnull=True), name="postholder_once_while_held"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.post}"


class PostActivity(models.Model):
    """What a member did on a post (an activity logged against it)."""

    holder = models.ForeignKey(
        PostHolder, verbose_name=_("post holder"), on_delete=models.CASCADE, related_name="activities"
    )
    on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    summary = models.CharField(_("what was done"), max_length=300)
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("post activity")
        verbose_name_plural = _("post activities")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["holder", "on"], name="postactivity_holder_day")]

    def __str__(self) -> str:
        return f"{self.on} {self.summary}"

    def save(self, *args, **kwargs):
        self.path = self.holder.post.path
        super().save(*args, **kwargs)


class Pairing(models.Model):
    """A unit paired with a community or village (结对): the unit's party organisation (an
    agency's, an enterprise's…); its members' claims and activities there count for the unit."""

    organisation = models.ForeignKey(
        PartyOrganisation,
        verbose_name=_("paired unit's party organisation"),
        on_delete=models.CASCADE,
        related_name="pairings",
    )
    community = models.ForeignKey(
        OrgUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="pairings"
    )
    since = models.DateField(_("since"))
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["path", "pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "community"], name="pairing_once")]

    def __str__(self) -> str:
        return f"{self.organisation} ↔ {self.community}"

    def save(self, *args, **kwargs):
        self.path = self.community.path
        super().save(*args, **kwargs)


class PointRule(models.Model):
    """A configurable rule of points (积分): how many points one unit of what it counts earns
    (an hour of volunteering, a fulfilled wish…). Administrators change the points; the ledger
    keeps what each entry earned when it was written."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    points = models.IntegerField(_("points per unit"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PointEntry(models.Model):
    """One line of a member's points ledger: written once, never changed (a correction is a
    new line). ``source`` names what earned it, so an award is given once."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("party member"), on_delete=models.PROTECT, related_name="points"
    )
    rule = models.ForeignKey(PointRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=200)
    source = models.CharField(_("source"), max_length=80)
    at = models.DateTimeField(_("at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    path = models.CharField(_("division code"), max_length=18, db_index=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["member", "rule", "source"], name="pointentry_once")]
        indexes = [models.Index(fields=["member", "at"], name="pointentry_member_at")]

    def __str__(self) -> str:
        return f"{self.member} {self.points:+d}"


class DeputyKind(models.TextChoices):
    PARTY_CONGRESS = "party_congress", _("party congress deputy")
    PEOPLES_CONGRESS = "peoples_congress", _("people's congress deputy")
    CPPCC = "cppcc", _("CPPCC member")


class Deputy(models.Model):
    """One of the 两代表一委员 (a party congress deputy, a people's congress deputy or a CPPCC
    member) serving the communities within ``area``: they claim wishes there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="deputy"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeputyKind.choices)
    area = models.ForeignKey(OrgUnit, verbose_name=_("serves"), on_delete=models.PROTECT, related_name="+")
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["path", "pk"]

    def __str__(self) -> str:
        return str(self.user)

    def save(self, *args, **kwargs):
        self.path = self.area.path
        super().save(*args, **kwargs)


class ActivityStatus(models.TextChoices):
    PUBLISHED = "published", _("published")
    CANCELLED = "cancelled", _("cancelled")


class VolunteerActivity(models.Model):
    """A volunteer activity a branch or a community's party organisation publishes: when,
    where, how many can come. Members sign up, check in and out on site with the one-time
    code the organiser shows; their hours earn points."""

    organisation = models.ForeignKey(
        PartyOrganisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="activities"
    )
    place = models.ForeignKey(OrgUnit, verbose_name=_("where"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    location = models.CharField(_("meeting point"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    slots = models.PositiveIntegerField(_("places"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PUBLISHED
    )
    secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    path = models.CharField(_("division code"), max_length=18, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["path", "starts_at"], name="activity_path_start")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.path = self.place.path
        super().save(*args, **kwargs)


class SignUp(models.Model):
    """A member signed up for an activity, and what they did there: checked in, checked out,
    the hours that counted."""

    activity = models.ForeignKey(
        VolunteerActivity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name=_("party member"), on_delete=models.CASCADE, related_name="signups"
    )
    signed_at = models.DateTimeField(_("signed up"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["activity_id", "signed_at"]
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="signup_once")]

    def __str__(self) -> str:
        return f"{self.member} · {self.activity}"
