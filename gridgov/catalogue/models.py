"""What can be reported and how it is handled: event and component categories after GB/T 30428
(数字化城市管理), the routing table (category × area → default handling unit) and the SLA
policies (category × urgency × stage → limit in working minutes) (ARCHITECTURE §5)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.orgs.models import HandlingUnit, OrgUnit

# The extra questions live in ``questions``; these names stay importable from here.
from .questions import QUESTION_KEY, QUESTION_KEYS, QUESTION_TYPES, question_errors  # noqa: F401


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal")
    URGENT = "urgent", _("urgent")
    CRITICAL = "critical", _("critical")


class Stage(models.TextChoices):
    """The timed stages of a case (ARCHITECTURE §5), each with its own limit."""

    ACCEPT = "accept", _("accept")  # the centre accepts a submitted case
    DISPATCH = "dispatch", _("dispatch")  # the centre dispatches an accepted case
    SIGN = "sign", _("sign")  # the unit signs for its task
    HANDLE = "handle", _("handle")  # the unit finishes a signed task
    VERIFY = "verify", _("verify")  # the grid worker re-checks a handled case


class CategoryKind(models.TextChoices):
    EVENT = "event", _("event")
    COMPONENT = "component", _("component")
    # Not reported by residents: the types of an enterprise's demand (融资, 用工 …) and the
    # kinds of work a superior centre's directive orders (排查, 集中行动 …).
    DEMAND = "demand", _("enterprise demand")
    DIRECTIVE = "directive", _("superior directive")


# Major categories are "E01".."E99" (events), "C01".."C99" (components), "D01".. (enterprise
# demands) and "W01".. (directives); a subcategory appends two digits to its major's code
# ("C0201").
CODE_PREFIX = {
    CategoryKind.EVENT: "E",
    CategoryKind.COMPONENT: "C",
    CategoryKind.DEMAND: "D",
    CategoryKind.DIRECTIVE: "W",
}
PREFIX_KIND = {prefix: kind for kind, prefix in CODE_PREFIX.items()}
MAJOR_CODE = re.compile(r"^[ECDW]\d{2}$")
SUB_CODE = re.compile(r"^[ECDW]\d{4}$")
#: The kinds a resident (or an Open311 client) reports.
REPORTABLE_KINDS = (CategoryKind.EVENT, CategoryKind.COMPONENT)


class Category(models.Model):
    """An event or component category. Majors (no parent) group subcategories; only active
    subcategories of active majors can be reported."""

    code = models.CharField(_("category code"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CategoryKind.choices)
    name = models.CharField(_("category name"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("major category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
    )
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_("Words reporters may search for, separated by spaces or commas."),
    )
    questions = models.JSONField(
        _("extra questions"),
        default=list,
        blank=True,
        help_text=_(
            'A list of {"key", "label", "type": "text" | "longtext" | "number" | "datetime" | '
            '"yesno" | "choice" | "multichoice", "choices": [...] (choice and multichoice only), '
            '"required": true | false}.'
        ),
    )
    default_urgency = models.CharField(
        _("default urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="event", code__startswith="E")
                | Q(kind="component", code__startswith="C")
                | Q(kind="demand", code__startswith="D")
                | Q(kind="directive", code__startswith="W"),
                name="category_code_prefix_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_major(self) -> bool:
        return self.parent_id is None

    @property
    def is_usable(self) -> bool:
        """An active subcategory of an active major (the parent is read; select it)."""
        return self.parent_id is not None and self.is_active and self.parent.is_active

    @property
    def is_reportable(self) -> bool:
        """A usable event or component category: what residents and clients report."""
        return self.kind in REPORTABLE_KINDS and self.is_usable

    @property
    def major(self) -> "Category":
        return self if self.parent_id is None else self.parent

    @property
    def keyword_list(self) -> list[str]:
        return [w for w in re.split(r"[\s,，、;；]+", self.keywords) if w]

    def clean(self):
        if self.questions is None:
            self.questions = []
        errors: dict[str, list] = {}
        problems = question_errors(self.questions)
        if problems:
            errors["questions"] = problems
        if self.parent_id is not None:
            parent = self.parent
            if parent.parent_id is not None:
                errors["parent"] = [_("Only major categories can have subcategories.")]
            elif self.pk is not None and parent.pk == self.pk:
                errors["parent"] = [_("A category cannot be its own major category.")]
            else:
                if self.kind and self.kind != parent.kind:
                    errors["kind"] = [_("A subcategory has the kind of its major category.")]
                if self.code and not (SUB_CODE.match(self.code) and self.code[:3] == parent.code):
                    errors["code"] = [
                        _("A subcategory code is its major's code and two digits, e.g. %(code)s01.")
                        % {"code": parent.code}
                    ]
            if self.pk is not None and Category.objects.filter(parent_id=self.pk).exists():
                errors["parent"] = [_("A major category with subcategories cannot become a subcategory.")]
        elif self.code and not MAJOR_CODE.match(self.code):
            errors["code"] = [_("A major category code is E, C, D or W and two digits, e.g. E01 or C02.")]
        if "code" not in errors and self.code and self.kind and self.code[0] != CODE_PREFIX.get(self.kind):
            errors["code"] = [
                _(
                    "Event codes start with E, component codes with C, demand codes with D, directive codes with W."
                )
            ]
        if errors:
            raise ValidationError(errors)


class SlaPolicy(models.Model):
    """How long a stage may take for a category and urgency, in working minutes on the work
    calendar, or in plain minutes around the clock for emergencies (a gas leak on a Saturday
    night cannot wait for Monday). A policy without a category is the default for every
    category; a major's policy covers its subcategories (see ``selectors.sla_policy``)."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sla_policies",
        help_text=_("Leave empty for the default of every category."),
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    limit_minutes = models.PositiveIntegerField(
        _("limit (working minutes)"), validators=[MinValueValidator(1)]
    )
    warn_ratio = models.FloatField(
        _("warning at share of the limit"),
        default=0.8,
        validators=[MinValueValidator(0.01), MaxValueValidator(0.99)],
        help_text=_("A case turns yellow once this share of the limit has passed, e.g. 0.8."),
    )
    around_the_clock = models.BooleanField(
        _("around the clock"),
        default=False,
        help_text=_("Count the limit in plain minutes, nights, weekends and holidays included."),
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["category__code", "urgency", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "urgency", "stage"],
                condition=Q(category__isnull=False),
                name="slapolicy_unique_category_urgency_stage",
                violation_error_message=_("This category already has a limit for this urgency and stage."),
            ),
            models.UniqueConstraint(
                fields=["urgency", "stage"],
                condition=Q(category__isnull=True),
                name="slapolicy_unique_default_urgency_stage",
                violation_error_message=_("There already is a default limit for this urgency and stage."),
            ),
            models.CheckConstraint(condition=Q(limit_minutes__gt=0), name="slapolicy_limit_positive"),
            models.CheckConstraint(
                condition=Q(warn_ratio__gt=0, warn_ratio__lt=1), name="slapolicy_warn_ratio_between_0_and_1"
            ),
        ]

    def __str__(self) -> str:
        scope = self.category or _("default")
        return f"{scope} · {self.get_urgency_display()} · {self.get_stage_display()}"

    @property
    def warn_minutes(self) -> int:
        """Working minutes after which the stage is in warning (yellow)."""
        return int(self.limit_minutes * self.warn_ratio)


class RoutingRule(models.Model):
    """The default handling unit for a category within an area (派单规则). A major's rule covers
    its subcategories; the most specific area wins (see ``selectors.routing_suggest``)."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    area = models.ForeignKey(
        OrgUnit, verbose_name=_("area"), on_delete=models.PROTECT, related_name="routing_rules"
    )
    area_path = models.CharField(_("area code"), max_length=18, editable=False, db_index=True)
    handling_unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="routing_rules"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    auto_dispatch = models.BooleanField(
        _("dispatch automatically"),
        default=False,
        help_text=_(
            "A located case of this category that reaches the command centre is accepted and "
            "dispatched to this unit at once, without an operator."
        ),
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["area_path", "category__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area"],
                name="routingrule_unique_category_area",
                violation_error_message=_("This category already has a rule for this area."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.area} → {self.handling_unit}"

    def save(self, *args, **kwargs):
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    def clean(self):
        if self.area_id is None or self.handling_unit_id is None:
            return
        if not self.area.path.startswith(self.handling_unit.path):
            raise ValidationError(
                {"handling_unit": _("The handling unit must serve the whole area (its territory or above).")}
            )
