"""Page forms of the case loop: they only shape the input (types, lists of files, choices);
the services decide what is valid for the case (ARCHITECTURE §4.1), so most fields are
optional here and the domain's own messages ("请选择问题类别。") come from the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.catalogue.models import Category
from gridgov.core.masking import redact_text
from gridgov.orgs.models import UnitKind

from .models import CaseStatus, PressLevel, Rating

ANSWER_PREFIX = "answers."


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of photos from one ``<input type="file" multiple>`` (a list, maybe empty)."""

    def __init__(self, **kwargs):
        attrs = {"accept": "image/*", "capture": "environment", "multiple": True}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        return [single(item, initial) for item in items if item]


def _textarea(placeholder, rows=3, maxlength=500):
    return forms.Textarea(attrs={"rows": rows, "maxlength": maxlength, "placeholder": placeholder})


class ReportForm(forms.Form):
    """随手拍 and 巡查上报. ``client_id`` is made when the form is first shown, so submitting it
    twice (a double tap, a retry on a bad connection) gives the same case."""

    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    category = forms.CharField(label=_("Category"), required=False, max_length=10)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=_textarea(
            _("What is the problem? e.g. broken paving tiles by the road"), rows=4, maxlength=2000
        ),
    )
    address = forms.CharField(
        label=_("Where"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. in front of the village committee")}),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    photos = PhotosField(label=_("Photos"))
    # 12345 hotline entry: the caller's number (personal information, masked to most readers).
    contact_phone = forms.CharField(
        label=_("Caller's phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": _("e.g. 13800138000")}
        ),
    )

    def clean_category(self):
        code = (self.cleaned_data.get("category") or "").strip().upper()
        if not code:
            return None
        category = Category.objects.filter(code=code, is_active=True).select_related("parent").first()
        if category is None:
            raise forms.ValidationError(_("Unknown category."))
        return category

    def answers(self) -> dict:
        """The extra questions' answers, posted as ``answers.<key>``: a string each, except a
        ``multichoice`` question's ticked boxes, posted as repeated values and read as a list
        (when the category is not known, a key posted more than once is read as a list)."""
        multi = self._multichoice_keys()
        getlist = getattr(self.data, "getlist", None)
        answers = {}
        for name in self.data:
            if not name.startswith(ANSWER_PREFIX):
                continue
            key = name[len(ANSWER_PREFIX) :]
            values = getlist(name) if getlist else self.data[name]
            values = [values] if isinstance(values, str) else list(values or [])
            values = [v.strip() for v in values if isinstance(v, str)]
            if (key in multi) if multi is not None else len(values) > 1:
                answers[key] = [v for v in values if v]
            elif values:
                answers[key] = values[-1]
        return answers

    def _multichoice_keys(self) -> set[str] | None:
        """The keys of the chosen category's multichoice questions (None: no category known)."""
        category = getattr(self, "cleaned_data", {}).get("category")
        if category is None:
            code = str(self.data.get("category") or "").strip().upper()
            category = Category.objects.filter(code=code).first() if code else None
        if category is None:
            return None
        return {q["key"] for q in category.questions or [] if q.get("type") == "multichoice"}


class ActionForm(forms.Form):
    """An action on a case or task. ``client_id`` is made when the page is shown, so the same
    form sent again (a double tap, a retry, the phone's outbox) makes its step once."""

    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)


class ConfirmForm(ActionForm):
    """An action that needs nothing but the button (签收)."""


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=_textarea(_("Optional")))


class ResolveForm(ActionForm):
    """即办: what the centre did (required by the service)."""

    note = forms.CharField(
        label=_("How it was resolved"),
        required=False,
        max_length=500,
        widget=_textarea(_("e.g. told the caller where to apply (required)")),
    )


class PressForm(ActionForm):
    """督办 / 催办 of the case's open tasks: a level and a note for the units."""

    level = forms.ChoiceField(label=_("Level"), choices=PressLevel.choices, initial=PressLevel.GENERAL)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=_textarea(_("What the units must do, by when")),
    )


class ExtensionForm(ActionForm):
    """延期: how many more working days, and why (the services check both)."""

    days = forms.IntegerField(label=_("Working days"), required=False, min_value=1, initial=1)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=_textarea(_("Why more time is needed (required)")),
    )


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500, widget=_textarea(_("Say why (required)"))
    )


class ModerateForm(ActionForm):
    """审核: what the public sees of a report; shown with its current public text."""

    public_text = forms.CharField(
        label=_("Public text"),
        required=False,
        max_length=2000,
        widget=_textarea(_("What the public reads of this report"), rows=4, maxlength=2000),
    )
    hide_photos = forms.BooleanField(label=_("Hide the reporter's photos from the public"), required=False)
    hide = forms.BooleanField(label=_("Hide the whole report from the public"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=_textarea(_("Why (kept inside)"))
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None and not self.is_bound:
            self.initial.update(
                public_text=case.public_text or redact_text(case.description),
                hide_photos=case.public_photos_hidden,
                hide=case.public_hidden,
            )


class MergeForm(ActionForm):
    into = forms.CharField(
        label=_("Duplicate of case"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": _("Case number")}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=_textarea(_("Optional")))


class DispatchForm(ActionForm):
    """The units are the ones the case may go to (``selectors.dispatch_units``); naming a lead
    unit among them makes it a joint command (综合指挥)."""

    units = forms.TypedMultipleChoiceField(
        label=_("Handling units"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    lead = forms.TypedChoiceField(
        label=_("Lead unit (joint command)"), required=False, coerce=int, empty_value=None
    )
    instructions = forms.CharField(
        label=_("Instructions"), required=False, max_length=500, widget=_textarea(_("Optional"))
    )

    def __init__(self, *args, units=(), suggested=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_rows = list(units)
        self.suggested = suggested
        self.fields["units"].choices = [(u.pk, u.name) for u in self.unit_rows]
        self.fields["lead"].choices = [("", _("None: each unit on its own"))] + [
            (u.pk, u.name) for u in self.unit_rows
        ]
        if not self.is_bound and suggested is not None:
            self.initial.setdefault("units", [suggested.pk])

    def chosen_units(self):
        wanted = set(self.cleaned_data.get("units") or [])
        return [u for u in self.unit_rows if u.pk in wanted]

    def chosen_lead(self):
        lead = self.cleaned_data.get("lead")
        return next((u for u in self.unit_rows if u.pk == lead), None)


def _category_choices(categories) -> list:
    """Subcategories grouped under their majors, for a select."""
    groups: dict[str, list] = {}
    for c in categories:
        groups.setdefault(c.parent.name, []).append((c.code, c.name))
    return [("", _("Choose…"))] + list(groups.items())


class SentForm(forms.Form):
    """What a command centre sends out itself (a whistle, a directive): the services check it.
    ``client_id`` is made when the form is first shown, so sending it twice gives one case."""

    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Title"), required=False, max_length=100, widget=forms.TextInput(attrs={"maxlength": 100})
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=_textarea(_("What is to be done, and why"), 4, 2000)
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category_rows = {c.code: c for c in categories}
        self.fields["category"].choices = _category_choices(categories)

    def chosen_category(self):
        return self.category_rows.get(self.cleaned_data.get("category") or "")


class WhistleForm(SentForm):
    """吹哨: the units above the street that must answer."""

    units = forms.TypedMultipleChoiceField(
        label=_("Units to call"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    address = forms.CharField(label=_("Where"), required=False, max_length=200)
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_rows = list(units)
        self.fields["units"].choices = [(u.pk, u.name) for u in self.unit_rows]

    def chosen_units(self):
        wanted = set(self.cleaned_data.get("units") or [])
        return [u for u in self.unit_rows if u.pk in wanted]


class DirectiveForm(SentForm):
    """上级号召: every unit of the chosen kinds in the centre's territory, by a deadline."""

    unit_kinds = forms.MultipleChoiceField(
        label=_("Kinds of unit"),
        required=False,
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    due_at = forms.DateTimeField(
        label=_("Done by"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    photos = PhotosField(label=_("Attachments (photos)"))


class DemandForm(forms.Form):
    """企业需求: the enterprise (of those the user speaks for) and the type of its demand."""

    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    enterprise = forms.TypedChoiceField(label=_("Enterprise"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label=_("Type of demand"), required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=_textarea(_("What does the enterprise need? e.g. 30 seasonal workers"), 4, 2000),
    )
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, enterprises=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise_rows = {e.pk: e for e in enterprises}
        self.category_rows = {c.code: c for c in categories}
        self.fields["enterprise"].choices = [(e.pk, e.name) for e in enterprises]
        self.fields["category"].choices = [("", _("Choose…"))] + [(c.code, c.name) for c in categories]

    def chosen_enterprise(self):
        return self.enterprise_rows.get(self.cleaned_data.get("enterprise"))

    def chosen_category(self):
        return self.category_rows.get(self.cleaned_data.get("category") or "")


class CheckForm(ActionForm):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=_textarea(_("What you found"))
    )
    photos = PhotosField(label=_("Photos"))


class FinishForm(ActionForm):
    note = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=2000,
        widget=_textarea(_("Required"), maxlength=2000),
    )
    photos = PhotosField(label=_("Photos after the fix"))


class RateForm(ActionForm):
    rating = forms.ChoiceField(
        label=_("How satisfied are you?"), required=False, choices=Rating.choices, widget=forms.RadioSelect
    )
    resolved = forms.TypedChoiceField(
        label=_("Is the problem solved?"),
        required=False,
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda v: v == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=500, widget=_textarea(_("Optional"))
    )


class CaseFilterForm(forms.Form):
    """The all-cases list: status, category (a major covers its subcategories), grid, unit,
    overdue, and a free text (number, description, address)."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    grid = forms.ChoiceField(label=_("Grid"), required=False)
    unit = forms.TypedChoiceField(label=_("Handling unit"), required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, description or address")}),
    )

    def __init__(self, *args, categories=(), grids=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("All"))]
        self.fields["status"].choices = anything + list(CaseStatus.choices)
        groups: dict[str, list] = {}
        majors = []
        for c in categories:
            if c.parent_id is None:
                majors.append(c)
            else:
                groups.setdefault(c.parent_id, []).append((c.code, f"{c.code} {c.name}"))
        whole = _("all of it")
        self.fields["category"].choices = anything + [
            (f"{m.code} {m.name}", [(m.code, f"{m.code} {m.name}（{whole}）"), *groups.get(m.pk, [])])
            for m in majors
        ]
        self.fields["grid"].choices = anything + [(g.path, g.name) for g in grids]
        self.fields["unit"].choices = anything + [(u.pk, u.name) for u in units]
