"""Cases (诉求/案件), their tasks (one per handling unit), the event timeline and photos.

A case copies the path of its grid (or of its city when it lies outside every grid), so every
scoped read is a range on ``path`` (ARCHITECTURE §4.6). Deadlines are stored columns
(``due_at``/``warn_at``) set when a stage starts; "overdue" and "due soon" are index queries.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.catalogue.models import Category, Stage, Urgency
from gridgov.core.masking import mask_phone
from gridgov.orgs.models import CommandCentre, HandlingUnit, OrgUnit


class Channel(models.TextChoices):
    APP = "app", _("snap report")
    PATROL = "patrol", _("patrol report")
    HOTLINE = "hotline", _("12345 hotline")
    EXTERNAL = "external", _("external system")
    OPEN311 = "open311", _("Open311")
    # The other dispatch patterns (ARCHITECTURE §5): an enterprise's demand, a street's
    # whistle to county units (吹哨报到), a superior centre's directive to every unit in scope.
    ENTERPRISE = "enterprise", _("enterprise demand")
    GRASSROOTS = "grassroots", _("grassroots request (吹哨)")
    DIRECTIVE = "directive", _("superior directive")


#: The channels of citizen appeals (百姓诉求): the public's own problems, which the public may
#: follow (Open311). An enterprise's demand, a whistle and a directive are not public.
APPEAL_CHANNELS = (Channel.APP, Channel.PATROL, Channel.HOTLINE, Channel.EXTERNAL, Channel.OPEN311)


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("awaiting verification")
    SUBMITTED = "submitted", _("awaiting acceptance")
    ACCEPTED = "accepted", _("awaiting dispatch")
    DISPATCHED = "dispatched", _("being handled")
    HANDLED = "handled", _("awaiting re-check")
    CHECKED = "checked", _("awaiting closure")
    CLOSED = "closed", _("closed")
    RATED = "rated", _("rated")
    REJECTED = "rejected", _("rejected")
    MERGED = "merged", _("merged as duplicate")
    WITHDRAWN = "withdrawn", _("withdrawn")


#: States in which a case is still being worked on.
OPEN_STATUSES = (
    CaseStatus.REPORTED,
    CaseStatus.SUBMITTED,
    CaseStatus.ACCEPTED,
    CaseStatus.DISPATCHED,
    CaseStatus.HANDLED,
    CaseStatus.CHECKED,
)


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("awaiting signature")
    SIGNED = "signed", _("being handled")
    DONE = "done", _("finished")
    RETURNED = "returned", _("returned")


#: Tasks the unit still owes work on.
OPEN_TASK_STATUSES = (TaskStatus.PENDING, TaskStatus.SIGNED)


class PressLevel(models.TextChoices):
    """How hard a command centre presses a unit (督办 / 催办)."""

    GENERAL = "general", _("general")
    KEY = "key", _("key")
    LISTED = "listed", _("listed (挂牌)")


class TaskRole(models.TextChoices):
    """A unit's part in a joint command (综合指挥): the lead unit sees the co-handlers' progress."""

    SOLE = "", _("handling unit")
    LEAD = "lead", _("lead unit")
    CO = "co", _("co-handling unit")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASIC = "basic", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


class Deadline(models.Model):
    """The SLA columns shared by cases and tasks: the running stage and its deadlines."""

    stage = models.CharField(_("SLA stage"), max_length=10, choices=Stage.choices, blank=True)
    stage_started_at = models.DateTimeField(_("stage started"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    warned = models.BooleanField(_("warning sent"), default=False)
    overdue_notified = models.BooleanField(_("overdue notice sent"), default=False)

    class Meta:
        abstract = True


class CaseNumberCounter(models.Model):
    """The last case number used on one day (Asia/Shanghai), for gap-free, sortable numbers."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Case(Deadline):
    number = models.CharField(_("case number"), max_length=16, unique=True)
    client_id = models.UUIDField(_("client request id"), null=True, blank=True, unique=True)
    request_hash = models.CharField(max_length=64, blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases"
    )
    # A directive's or a whistle's heading (冬季供暖排查); a resident's report has none.
    title = models.CharField(_("title"), max_length=100, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("description"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    path = models.CharField(_("division code"), max_length=18, db_index=True)
    grid = models.ForeignKey(
        OrgUnit, verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    street = models.ForeignKey(
        OrgUnit, verbose_name=_("street"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    centre = models.ForeignKey(
        CommandCentre, verbose_name=_("command centre"), on_delete=models.PROTECT, related_name="cases"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    # The enterprise whose demand this is (channel ``enterprise``): its accounts rate it.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    # What an external client (Open311) says of the person behind a report: name, email, its
    # own device and account ids. Personal information: masked like the phone (ARCHITECTURE §6).
    contact = models.JSONField(_("contact"), default=dict, blank=True)
    # A link to a photo kept by the external client that filed the case.
    media_url = models.URLField(_("media link"), max_length=500, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT
    )
    # 审核: what the public sees of a citizen's report (Open311's public requests), set by its
    # command centre; the description and photos themselves are kept as they came.
    public_text = models.TextField(_("public text"), blank=True, help_text=_("Empty: the description."))
    public_hidden = models.BooleanField(_("hidden from the public"), default=False)
    public_photos_hidden = models.BooleanField(_("photos hidden from the public"), default=False)
    moderated_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("rework count"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopen count"), default=0)
    # Raised by every step (an event, added photos): readers may cache what they render of a
    # case under its version.
    version = models.PositiveIntegerField(default=1, editable=False)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    # The follow-up's other question (回访: 是否解决): whether the reporter's problem is solved.
    resolved = models.BooleanField(_("solved, says the reporter"), null=True, blank=True)
    created_at = models.DateTimeField(_("reported at"), db_index=True)
    # Moved by every step of the case or its tasks (an event).
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="case_status_due"),
            models.Index(fields=["status", "warn_at"], name="case_status_warn"),
            # The SLA sweep's crossings: only the rows not yet announced are in the range.
            models.Index(fields=["warned", "status", "warn_at"], name="case_sweep_warn"),
            models.Index(fields=["overdue_notified", "status", "due_at"], name="case_sweep_due"),
            models.Index(fields=["centre", "status", "number"], name="case_centre_status"),
            models.Index(fields=["reporter", "number"], name="case_reporter"),
            # The open cases of a territory (the live picture): the states, then the path range.
            models.Index(fields=["status", "path"], name="case_status_path"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def phone(self) -> str:
        """The reporter's full phone number: only for the command centre (see ``masked_phone``)."""
        return self.contact_phone or (self.reporter.phone if self.reporter and self.reporter.phone else "")

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def contact_name(self) -> str:
        """The contact's name as a Chinese name is written: family name first."""
        c = self.contact or {}
        first, last = (c.get("first_name") or "").strip(), (c.get("last_name") or "").strip()
        if (first + last).isascii():
            return f"{first} {last}".strip()
        return f"{last}{first}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Task(Deadline):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="tasks"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.PENDING
    )
    path = models.CharField(_("division code"), max_length=18, db_index=True)
    role = models.CharField(_("part"), max_length=4, choices=TaskRole.choices, blank=True, default="")
    instructions = models.CharField(_("instructions"), max_length=500, blank=True)
    note = models.TextField(_("handling note"), blank=True)
    return_reason = models.CharField(_("return reason"), max_length=500, blank=True)
    # The unit's record on this task: how often a centre supervised (督办) or urged (催办) it.
    supervise_count = models.PositiveSmallIntegerField(_("times supervised"), default=0)
    urge_count = models.PositiveSmallIntegerField(_("times urged"), default=0)
    # 延期: a pending request for more time (working days and why), and how many were granted.
    extension_days = models.PositiveSmallIntegerField(
        _("extension asked (working days)"), null=True, blank=True
    )
    extension_reason = models.CharField(_("extension reason"), max_length=500, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    # A whistle's two-way assessment: how the requester rated the unit's answer, and how the
    # unit rated the request (was it its business, was it well put).
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    request_rating = models.CharField(
        _("unit's rating of the request"), max_length=12, choices=Rating.choices, blank=True
    )
    request_comment = models.CharField(_("unit's comment on the request"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("dispatched at"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The unit's record for the KPIs, fixed when it happens (the deadline columns move on):
    # answered (signed or returned) within the signing limit, finished within the handling
    # limit (the latest finish), and whether the task ever went overdue.
    responded_on_time = models.BooleanField(_("answered in time"), null=True, blank=True)
    finished_on_time = models.BooleanField(_("finished in time"), null=True, blank=True)
    was_overdue = models.BooleanField(_("went overdue"), default=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "unit"], condition=~Q(status="returned"), name="task_one_live_per_unit"
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="task_status_due"),
            models.Index(fields=["status", "warn_at"], name="task_status_warn"),
            models.Index(fields=["warned", "status", "warn_at"], name="task_sweep_warn"),
            models.Index(fields=["overdue_notified", "status", "due_at"], name="task_sweep_due"),
            models.Index(fields=["unit", "status", "created_at"], name="task_unit_status"),
            models.Index(fields=["status", "path"], name="task_status_path"),
            # A case's open tasks past their time ("overdue" of a case, see selectors.overdue_q).
            models.Index(fields=["case", "status", "due_at"], name="task_case_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.unit_id}"


class CaseEvent(models.Model):
    """One step of a case: who did what, when, from which status to which (the timeline)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("at"))
    # The id a client sent with the action (a page's form, the phone's outbox, the API's
    # Idempotency-Key): the same request again finds this step instead of repeating it.
    client_id = models.UUIDField(_("client request id"), null=True, blank=True, unique=True)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    internal = models.BooleanField(_("internal"), default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["case", "at"], name="caseevent_case_at"),
            models.Index(fields=["at"], name="caseevent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("before")
    AFTER = "after", _("after")
    VERIFICATION = "verification", _("verification")


def _photo_path(instance, filename: str) -> str:
    return f"cases/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}{filename[-10:]}"


class Photo(models.Model):
    """A re-encoded photo (no metadata) and its thumbnail; served only to who may see the case."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent,
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PhotoKind.choices)
    image = models.FileField(_("image"), upload_to=_photo_path, max_length=200)
    thumb = models.FileField(_("thumbnail"), upload_to=_photo_path, max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"
