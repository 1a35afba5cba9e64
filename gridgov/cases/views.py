"""Pages of the snap-and-report loop (随手拍 → 核实 → 受理 → 派遣 → 签收 → 办结 → 核查 → 结案 → 评价).

Residents and grid workers use them on a phone (WeUI-like cells), the command centre and the
handling units at a desk (dense tables). Every page behaves like the JSON API (``api.py``):
objects come through ``access`` (404 when out of scope), each POST calls one service and
redirects with a message, and a domain error from the service is shown on the page with its
status (400 field errors, 403, 409 naming the current state, 413) instead of a 500.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.catalogue.models import Category, CategoryKind
from gridgov.catalogue.questions import LONGTEXT_MAX_LENGTH, TEXT_MAX_LENGTH, parse_answer_datetime
from gridgov.catalogue.selectors import categories_reportable, categories_usable
from gridgov.core.errors import DomainError, PermissionDenied, ValidationFailed
from gridgov.core.masking import mask_email, mask_name
from gridgov.core.pinyin import initials
from gridgov.core.pwa import offline_copy
from gridgov.core.ratelimit import client_ip
from gridgov.core.scoping import within_any
from gridgov.enterprises.selectors import enterprises_spoken_for
from gridgov.orgs.models import HandlingUnit

from . import access, selectors, services
from .forms import (
    ANSWER_PREFIX,
    CaseFilterForm,
    CheckForm,
    ConfirmForm,
    DemandForm,
    DirectiveForm,
    DispatchForm,
    ExtensionForm,
    FinishForm,
    MergeForm,
    ModerateForm,
    NoteForm,
    PressForm,
    RateForm,
    ReasonForm,
    ReportForm,
    ResolveForm,
    WhistleForm,
)
from .models import (
    OPEN_STATUSES,
    OPEN_TASK_STATUSES,
    Case,
    CaseStatus,
    Channel,
    PhotoKind,
    Rating,
    Task,
    TaskStatus,
)
from .transitions import TASK_TRANSITIONS

PAGE_SIZE = 20

#: Service field names that a page form calls otherwise.
FIELD_ALIASES = {"photo": "photos", "location": "lat", "unit_ids": "units"}


# --- Helpers -----------------------------------------------------------------------------------


def _show_error(form, error: DomainError) -> None:
    """Put a service's error on the form: field messages on their fields (answers to extra
    questions on ``form.answer_errors``), anything else on the form itself."""
    answer_errors = getattr(form, "answer_errors", None)
    for name, field_messages in error.fields.items():
        name = FIELD_ALIASES.get(name, name)
        for message in field_messages:
            if name in form.fields:
                form.add_error(name, str(message))
            elif name.startswith(ANSWER_PREFIX) and answer_errors is not None:
                answer_errors.setdefault(name[len(ANSWER_PREFIX) :], []).append(str(message))
            else:
                form.add_error(None, str(message))
    if not error.fields:
        form.add_error(None, str(error.message))


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, list(page.object_list)


def _duration(minutes: int) -> str:
    if minutes >= 24 * 60:
        return _("%(d)d d %(h)d h") % {"d": minutes // (24 * 60), "h": minutes % (24 * 60) // 60}
    if minutes >= 60:
        return _("%(h)d h %(m)d min") % {"h": minutes // 60, "m": minutes % 60}
    return _("%(m)d min") % {"m": max(minutes, 1)}


@dataclass(frozen=True)
class Sla:
    """A deadline as a page shows it: green, yellow after the warning time, red when overdue."""

    state: str  # "ok" | "warn" | "overdue"
    text: str
    due_at: datetime
    warn_at: datetime | None


def sla_of(row, now: datetime) -> Sla | None:
    """The running deadline of an open case or task (``None`` when nothing is timed)."""
    if row.due_at is None or row.status not in (*OPEN_STATUSES, *OPEN_TASK_STATUSES):
        return None
    seconds = (row.due_at - now).total_seconds()
    if seconds < 0:
        state, text = "overdue", _("overdue by %(time)s") % {"time": _duration(int(-seconds // 60))}
    else:
        state = "warn" if row.warn_at is not None and row.warn_at <= now else "ok"
        text = _("%(time)s left") % {"time": _duration(int(seconds // 60))}
    return Sla(state=state, text=text, due_at=row.due_at, warn_at=row.warn_at)


def _with_sla(rows, now=None):
    now = now or timezone.now()
    for row in rows:
        row.sla = sla_of(row, now)
    return rows


@dataclass(frozen=True)
class _Due:
    status: str
    due_at: datetime
    warn_at: datetime | None


def _cases_with_sla(rows, now=None):
    """Case rows with their running deadline: the case's own, or for a dispatched case (whose
    clock runs on its tasks) the earliest deadline of an open task (one query for the page)."""
    now = now or timezone.now()
    dispatched = [c.pk for c in rows if c.status == CaseStatus.DISPATCHED]
    earliest: dict[int, _Due] = {}
    if dispatched:
        open_tasks = Task.objects.filter(
            case_id__in=dispatched, status__in=OPEN_TASK_STATUSES, due_at__isnull=False
        )
        for case_id, status, due_at, warn_at in open_tasks.values_list(
            "case_id", "status", "due_at", "warn_at"
        ):
            if case_id not in earliest or due_at < earliest[case_id].due_at:
                earliest[case_id] = _Due(status, due_at, warn_at)
    for row in rows:
        row.sla = sla_of(earliest.get(row.pk, row), now)
    return rows


def photo_url(photo, thumb: bool = False) -> str:
    return f"/api/cases/photos/{photo.pk}" + ("?size=thumb" if thumb else "")


def js_texts() -> dict:
    """What cases.js says (countdowns, the category search, extra questions), translated."""
    return {
        "left": _("%(time)s left"),
        "overdue": _("overdue by %(time)s"),
        "dh": _("%(d)d d %(h)d h"),
        "hm": _("%(h)d h %(m)d min"),
        "m": _("%(m)d min"),
        "choose": _("Choose…"),
        "required": _("required"),
        "noMatch": _("No category matches. Try another word, or choose from the list below."),
        "photos": _("%(n)d photo(s) chosen"),
    }


def _render(request, template: str, context: dict, status: int = 200):
    return render(request, template, {**context, "js_texts": js_texts()}, status=status)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


# --- Reporting -----------------------------------------------------------------------------------


def _categories_json(categories) -> list[dict]:
    return [
        {
            "code": c.code,
            "name": c.name,
            "major": c.parent.name,
            "keywords": c.keywords,
            "initials": f"{initials(c.name)} {initials(c.parent.name)}",
            "questions": c.questions or [],
        }
        for c in categories
    ]


def _question_value(q: dict, value):
    """What a question's control shows of an answer: a list of the ticked choices for
    ``multichoice``, the ``datetime-local`` value ("2026-11-27T21:30", Asia/Shanghai) for
    ``datetime`` (what cannot be read is shown as it was typed), the text otherwise."""
    kind = q.get("type")
    if kind == "multichoice":
        return [v for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")]
    if value is None:
        return ""
    if kind == "datetime":
        moment = parse_answer_datetime(value)
        return moment.strftime("%Y-%m-%dT%H:%M") if moment else value
    return value


def _question_rows(category, answers: dict, errors: dict) -> list[dict]:
    """The extra questions of the chosen category, with what was answered (re-rendered forms)."""
    if category is None:
        return []
    return [
        {
            **q,
            "name": f"{ANSWER_PREFIX}{q['key']}",
            "value": _question_value(q, answers.get(q["key"])),
            "errors": errors.get(q["key"], []),
            "maxlength": LONGTEXT_MAX_LENGTH if q.get("type") == "longtext" else TEXT_MAX_LENGTH,
        }
        for q in category.questions or []
    ]


@login_required
@require_http_methods(["GET", "POST"])
@offline_copy
def report(request, channel: str = Channel.APP):
    """随手拍 (residents), 巡查上报 (grid workers) and 12345 hotline entry (a command centre's
    operator on behalf of a caller): photo, GPS pin, category, description."""
    if channel == Channel.PATROL:
        _require(bool(access.viewer(request.user).grid_paths))
    elif channel == Channel.HOTLINE:
        _require(bool(access.viewer(request.user).centre_paths))
    categories = list(categories_reportable())
    status, retry_after = 200, None
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        form.answer_errors = {}
        if form.is_valid():
            data = form.cleaned_data
            answers = form.answers()
            category = data["category"]
            fingerprint = services.request_fingerprint(
                {
                    "channel": channel,
                    "category": category.code if category else "",
                    "description": data["description"],
                    "address": data["address"],
                    "lon": data["lon"],
                    "lat": data["lat"],
                    "answers": answers,
                    "photos": [[f.name, f.size] for f in data["photos"]],
                    "contact_phone": data["contact_phone"],
                }
            )
            try:
                access.report_rate_check(request.user, ip=client_ip(request), client_id=data["client_id"])
                case, created = services.case_report(
                    actor=request.user,
                    category=category,
                    description=data["description"],
                    channel=channel,
                    lon=data["lon"],
                    lat=data["lat"],
                    address=data["address"],
                    answers=answers,
                    photos=data["photos"],
                    contact_phone=data["contact_phone"] if channel == Channel.HOTLINE else "",
                    client_id=data["client_id"],
                    fingerprint=fingerprint,
                )
            except DomainError as error:
                _show_error(form, error)
                status = error.status
                retry_after = getattr(error, "retry_after", None)
            else:
                if created:
                    messages.success(
                        request, _("Reported. Your case number is %(number)s.") % {"number": case.number}
                    )
                else:
                    messages.info(
                        request,
                        _("This report was already submitted: case %(number)s.") % {"number": case.number},
                    )
                return redirect("cases:detail", number=case.number)
        else:
            status = 400
        chosen = form.cleaned_data.get("category") if hasattr(form, "cleaned_data") else None
        chosen_code = (request.POST.get("category") or "").strip().upper()
        answers, answer_errors = form.answers(), form.answer_errors
    else:
        form = ReportForm(initial={"client_id": uuid.uuid4()})
        chosen, chosen_code, answers, answer_errors = None, "", {}, {}
    if chosen is None and chosen_code:
        chosen = next((c for c in categories if c.code == chosen_code), None)
    is_patrol = channel == Channel.PATROL
    titles = {
        Channel.PATROL: (_("Patrol report"), "cases:patrol"),
        Channel.HOTLINE: (_("12345 hotline entry"), "cases:hotline"),
    }
    title, url_name = titles.get(channel, (_("Snap report"), "cases:report"))
    response = _render(
        request,
        "cases/report.html",
        {
            "form": form,
            "is_patrol": is_patrol,
            "is_hotline": channel == Channel.HOTLINE,
            "title": title,
            "action_url": reverse(url_name),
            "categories": categories,
            "categories_json": _categories_json(categories),
            "chosen_code": chosen.code if chosen else chosen_code,
            "questions": _question_rows(chosen, answers, answer_errors),
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


# --- Lists ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    name: str
    title: object
    role: str  # "grid" | "centre"
    empty: object


QUEUES = {
    q.name: q
    for q in [
        Queue(
            "to_verify", gettext_lazy("To verify"), "grid", gettext_lazy("No report waits for verification.")
        ),
        Queue(
            "to_check", gettext_lazy("To re-check"), "grid", gettext_lazy("No fix waits for your re-check.")
        ),
        Queue(
            "my_patrol",
            gettext_lazy("My patrol reports"),
            "grid",
            gettext_lazy("You have filed no patrol report yet."),
        ),
        Queue("incoming", gettext_lazy("To accept"), "centre", gettext_lazy("No case waits for acceptance.")),
        Queue(
            "to_dispatch", gettext_lazy("To dispatch"), "centre", gettext_lazy("No case waits for dispatch.")
        ),
        Queue("to_close", gettext_lazy("To close"), "centre", gettext_lazy("No case waits for closure.")),
        Queue(
            "unlocated",
            gettext_lazy("Unlocated"),
            "centre",
            gettext_lazy("No open case lies outside the grids."),
        ),
        Queue(
            "sent",
            gettext_lazy("Whistles and directives"),
            "centre",
            gettext_lazy("No whistle or directive of this centre is open."),
        ),
        Queue(
            "to_review",
            gettext_lazy("Public content to review"),
            "centre",
            gettext_lazy("No published report waits for review."),
        ),
    ]
}


def _queue_allowed(user, role: str) -> bool:
    v = access.viewer(user)
    return v.superuser or bool(v.grid_paths if role == "grid" else v.centre_paths)


@login_required
def index(request):
    """``/cases/``: the user's first work list."""
    v = access.viewer(request.user)
    if v.grid_paths:
        return redirect("cases:queue", name="to_verify")
    if v.centre_paths or v.superuser:
        return redirect("cases:queue", name="incoming")
    if v.unit_ids:
        return redirect("cases:tasks")
    return redirect("cases:mine")


@login_required
@offline_copy
def mine(request):
    """The resident's own reports, newest first."""
    page, rows = _page(request, selectors.cases_list(request.user, queue="mine"))
    return _render(request, "cases/mine.html", {"page": page, "rows": _cases_with_sla(rows)})


@login_required
@offline_copy
def queue(request, name: str):
    """A work list of the grid worker (phone) or the command centre (desk)."""
    q = QUEUES.get(name)
    if q is None:
        raise Http404()
    _require(_queue_allowed(request.user, q.role))
    page, rows = _page(request, selectors.cases_list(request.user, queue=name))
    tabs = [other for other in QUEUES.values() if other.role == q.role]
    return _render(
        request,
        "cases/queue.html",
        {"queue": q, "tabs": tabs, "page": page, "rows": _cases_with_sla(rows), "desk": q.role == "centre"},
    )


def _filter_units(user):
    """Handling units for the filter: those inside the viewer's scope and those above it."""
    v = access.viewer(user)
    qs = HandlingUnit.objects.filter(is_active=True)
    if not v.superuser:
        above = {p[:n] for p in v.view_paths for n in (2, 4, 6, 9, 12) if n < len(p)}
        qs = qs.filter(within_any(v.view_paths) | Q(path__in=above))
    return qs.order_by("path", "name")


@login_required
def all_cases(request):
    """Every case in the centre's territory, filtered by status, category, grid, unit, overdue."""
    v = access.viewer(request.user)
    _require(v.superuser or bool(v.view_paths))
    form = CaseFilterForm(
        request.GET or None,
        categories=Category.objects.filter(is_active=True).order_by("sort_order", "code"),
        grids=selectors.grids_choices(request.user),
        units=_filter_units(request.user),
    )
    filters = selectors.CaseFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.CaseFilters(
            status=d["status"],
            category=d["category"],
            grid=d["grid"],
            unit=d["unit"],
            overdue=d["overdue"],
            q=d["q"].strip(),
        )
    page, rows = _page(request, selectors.cases_list(request.user, filters=filters))
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        "cases/all.html",
        {"form": form, "page": page, "rows": _cases_with_sla(rows), "query": query.urlencode()},
    )


TASK_TABS = [
    ("open", gettext_lazy("Open tasks")),
    (TaskStatus.PENDING, gettext_lazy("To sign")),
    (TaskStatus.SIGNED, gettext_lazy("Being handled")),
    (TaskStatus.DONE, gettext_lazy("Done")),
    (TaskStatus.RETURNED, gettext_lazy("Returned")),
    ("all", gettext_lazy("All")),
]


@login_required
def tasks(request):
    """The handling unit's task queue."""
    _require(bool(access.viewer(request.user).unit_ids))
    tab = request.GET.get("status", "open")
    if tab not in dict(TASK_TABS):
        tab = "open"
    qs = selectors.tasks_list(
        request.user, status="" if tab in ("open", "all") else tab, open_only=tab == "open"
    )
    page, rows = _page(request, qs)
    return _render(
        request,
        "cases/tasks.html",
        {"tabs": TASK_TABS, "tab": tab, "page": page, "rows": _with_sla(rows), "query": f"status={tab}"},
    )


# --- The case page -----------------------------------------------------------------------------


@dataclass
class ActionSpec:
    form: type
    run: object  # (user, case, form) -> None
    done: object  # the success message
    primary: bool = True  # shown open; secondary actions are folded away
    style: str = "primary"


def _press_spec(action: str, done) -> ActionSpec:
    """督办 / 催办 of the case's open tasks."""

    def run(user, case, form):
        data = form.cleaned_data
        services.case_press(actor=user, case=case, action=action, level=data["level"], note=data["note"])

    return ActionSpec(PressForm, run, done, primary=False)


def _merge(user, case, form):
    into = Case.objects.filter(number=(form.cleaned_data["into"] or "").strip()).first()
    if into is None:
        raise ValidationFailed(fields={"into": [_("No such case.")]})
    services.case_merge(actor=user, case=case, into=into, note=form.cleaned_data["note"])


CASE_ACTIONS: dict[str, ActionSpec] = {
    "verify": ActionSpec(
        NoteForm,
        lambda u, c, f: services.case_verify(actor=u, case=c, note=f.cleaned_data["note"]),
        gettext_lazy("Verified and forwarded to the command centre."),
    ),
    "accept": ActionSpec(
        NoteForm,
        lambda u, c, f: services.case_accept(actor=u, case=c, note=f.cleaned_data["note"]),
        gettext_lazy("Accepted. Dispatch it next."),
    ),
    "dispatch": ActionSpec(
        DispatchForm,
        lambda u, c, f: services.case_dispatch(
            actor=u,
            case=c,
            units=f.chosen_units(),
            instructions=f.cleaned_data["instructions"],
            lead=f.chosen_lead(),
        ),
        gettext_lazy("Dispatched."),
    ),
    "check": ActionSpec(
        CheckForm,
        lambda u, c, f: services.case_check(
            actor=u, case=c, passed=True, note=f.cleaned_data["note"], photos=f.cleaned_data["photos"]
        ),
        gettext_lazy("Re-check passed."),
    ),
    "close": ActionSpec(
        NoteForm,
        lambda u, c, f: services.case_close(actor=u, case=c, note=f.cleaned_data["note"]),
        gettext_lazy("Case closed."),
    ),
    "rate": ActionSpec(
        RateForm,
        lambda u, c, f: services.case_rate(
            actor=u,
            case=c,
            rating=f.cleaned_data["rating"],
            comment=f.cleaned_data["comment"],
            resolved=f.cleaned_data["resolved"],
        ),
        gettext_lazy("Thank you for your rating."),
    ),
    "resolve": ActionSpec(
        ResolveForm,
        lambda u, c, f: services.case_resolve(actor=u, case=c, note=f.cleaned_data["note"]),
        gettext_lazy("Resolved and closed. The reporter is asked to rate it."),
        primary=False,
    ),
    "reopen": ActionSpec(
        ReasonForm,
        lambda u, c, f: services.case_reopen(actor=u, case=c, reason=f.cleaned_data["reason"]),
        gettext_lazy("Reopened: the handling units work on it again."),
        primary=False,
        style="warn",
    ),
    "escalate": ActionSpec(
        ReasonForm,
        lambda u, c, f: services.case_escalate(actor=u, case=c, reason=f.cleaned_data["reason"]),
        gettext_lazy("Passed to the command centre above."),
        primary=False,
    ),
    "handback": ActionSpec(
        NoteForm,
        lambda u, c, f: services.case_handback(actor=u, case=c, note=f.cleaned_data["note"]),
        gettext_lazy("Handed back to the command centre below."),
        primary=False,
    ),
    "supervise": _press_spec("supervise", gettext_lazy("Supervised: the handling units are told.")),
    "urge": _press_spec("urge", gettext_lazy("Urged: the handling units are told.")),
    "rework": ActionSpec(
        CheckForm,
        lambda u, c, f: services.case_check(
            actor=u, case=c, passed=False, note=f.cleaned_data["note"], photos=f.cleaned_data["photos"]
        ),
        gettext_lazy("Sent back to the handling unit for rework."),
        primary=False,
        style="warn",
    ),
    "reject": ActionSpec(
        ReasonForm,
        lambda u, c, f: services.case_reject(actor=u, case=c, reason=f.cleaned_data["reason"]),
        gettext_lazy("Rejected."),
        primary=False,
        style="warn",
    ),
    "merge": ActionSpec(
        MergeForm, _merge, gettext_lazy("Merged as a duplicate."), primary=False, style="warn"
    ),
    "moderate": ActionSpec(
        ModerateForm,
        lambda u, c, f: services.case_moderate(
            actor=u,
            case=c,
            public_text=f.cleaned_data["public_text"],
            hide=f.cleaned_data["hide"],
            hide_photos=f.cleaned_data["hide_photos"],
            note=f.cleaned_data["note"],
        ),
        gettext_lazy("Reviewed: the public sees the report as you set it."),
        primary=False,
    ),
    "withdraw": ActionSpec(
        ReasonForm,
        lambda u, c, f: services.case_withdraw(actor=u, case=c, reason=f.cleaned_data["reason"]),
        gettext_lazy("Your report was withdrawn."),
        primary=False,
        style="warn",
    ),
}

TASK_ACTIONS: dict[str, ActionSpec] = {
    "sign": ActionSpec(
        ConfirmForm,
        lambda u, t, f: services.task_sign(actor=u, task=t),
        gettext_lazy("Signed. The handling deadline is running."),
    ),
    "finish": ActionSpec(
        FinishForm,
        lambda u, t, f: services.task_finish(
            actor=u, task=t, note=f.cleaned_data["note"], photos=f.cleaned_data["photos"]
        ),
        gettext_lazy("Finished. The grid worker will re-check it on site."),
    ),
    "return": ActionSpec(
        ReasonForm,
        lambda u, t, f: services.task_return(actor=u, task=t, reason=f.cleaned_data["reason"]),
        gettext_lazy("Returned to the command centre."),
        primary=False,
        style="warn",
    ),
    "extension_request": ActionSpec(
        ExtensionForm,
        lambda u, t, f: services.task_extension_request(
            actor=u, task=t, days=f.cleaned_data["days"], reason=f.cleaned_data["reason"]
        ),
        gettext_lazy("Extension requested: the command centre decides."),
        primary=False,
    ),
    "extension_approve": ActionSpec(
        NoteForm,
        lambda u, t, f: services.task_extension_decide(
            actor=u, task=t, approve=True, note=f.cleaned_data["note"]
        ),
        gettext_lazy("Extension approved: the deadline moved."),
    ),
    "assess": ActionSpec(
        RateForm,
        lambda u, t, f: services.task_assess(
            actor=u, task=t, rating=f.cleaned_data["rating"], comment=f.cleaned_data["comment"]
        ),
        gettext_lazy("The unit's answer is rated."),
    ),
    "assess_request": ActionSpec(
        RateForm,
        lambda u, t, f: services.task_assess(
            actor=u, task=t, rating=f.cleaned_data["rating"], comment=f.cleaned_data["comment"], by_unit=True
        ),
        gettext_lazy("Your rating of the request is recorded."),
        primary=False,
    ),
    "extension_refuse": ActionSpec(
        ReasonForm,
        lambda u, t, f: services.task_extension_decide(
            actor=u, task=t, approve=False, note=f.cleaned_data["reason"]
        ),
        gettext_lazy("Extension refused."),
        primary=False,
        style="warn",
    ),
}

#: What each action is called on its button.
BUTTONS = {
    "verify": gettext_lazy("Verify and forward"),
    "accept": gettext_lazy("Accept"),
    "dispatch": gettext_lazy("Dispatch"),
    "check": gettext_lazy("Re-check passed"),
    "close": gettext_lazy("Close the case"),
    "rate": gettext_lazy("Submit rating"),
    "rework": gettext_lazy("Send back for rework"),
    "resolve": gettext_lazy("Resolve and close"),
    "escalate": gettext_lazy("Pass to the centre above"),
    "handback": gettext_lazy("Hand back"),
    "supervise": gettext_lazy("Supervise"),
    "urge": gettext_lazy("Urge"),
    "reopen": gettext_lazy("Reopen"),
    "reject": gettext_lazy("Reject"),
    "merge": gettext_lazy("Merge"),
    "moderate": gettext_lazy("Save what the public sees"),
    "withdraw": gettext_lazy("Withdraw my report"),
    "sign": gettext_lazy("Sign"),
    "finish": gettext_lazy("Finish"),
    "return": gettext_lazy("Return"),
    "extension_request": gettext_lazy("Ask for more time"),
    "extension_approve": gettext_lazy("Approve the extension"),
    "extension_refuse": gettext_lazy("Refuse the extension"),
    "assess": gettext_lazy("Rate the answer"),
    "assess_request": gettext_lazy("Rate the request"),
}


def _auto_id(action: str, task_pk: int | None = None) -> str:
    """Field ids unique on the case page, where several action forms have a "note"."""
    return f"id_t{task_pk}_{action}_%s" if task_pk else f"id_{action}_%s"


def _fresh_id() -> dict:
    """A new request id for an action form shown on the page (``ActionForm.client_id``)."""
    return {"client_id": uuid.uuid4()}


def _form_kwargs(action: str, case: Case) -> dict:
    if action == "dispatch":
        return {"units": selectors.dispatch_units(case), "suggested": selectors.suggested_unit(case)}
    if action == "moderate":
        return {"case": case}
    return {}


def _action_box(action, spec, form, *, url, title):
    return {
        "action": action,
        "title": title,
        "form": form,
        "url": url,
        "button": BUTTONS[action],
        "open": spec.primary or form.is_bound,
        "primary": spec.primary,
        "style": spec.style,
        "multipart": any(name == "photos" for name in form.fields),
    }


#: What a reporting system says of the problem with a note (Open311 updates' status).
COMMENT_STATES = {
    "OPEN": gettext_lazy("the reporter marks it as not solved"),
    "CLOSED": gettext_lazy("the reporter marks it as solved"),
}


def _timeline(case, staff: bool, photos_by_event: dict) -> list[dict]:
    rows = []
    for e in case.timeline:
        actor = access.person_name(e.actor, staff=staff)
        extra = ""
        if e.action == "dispatch" and e.data.get("units"):
            units = e.data["units"]
            if len(units) > 5:
                extra = _("to %(n)d units") % {"n": len(units)}
            else:
                extra = _("to %(units)s") % {"units": "、".join(units)}
            if e.data.get("lead"):
                extra += " " + _("(led by %(unit)s)") % {"unit": e.data["lead"]}
        elif e.action == "merge" and e.data.get("into"):
            extra = _("into case %(number)s") % {"number": e.data["into"]}
        elif e.action in ("rate", "assess", "assess_request") and e.data.get("rating"):
            extra = str(dict(Rating.choices).get(e.data["rating"], ""))
        elif e.action == "report":
            extra = str(dict(Channel.choices).get(e.data.get("channel", ""), ""))
        elif e.action == "comment" and e.data.get("status") in COMMENT_STATES:
            extra = str(COMMENT_STATES[e.data["status"]])
        rows.append(
            {
                "event": e,
                "label": selectors.action_label(e.action),
                "actor": actor,
                "unit": e.task.unit.name if e.task_id else "",
                "extra": extra,
                "photos": photos_by_event.get(e.pk, []),
            }
        )
    return rows


def _answers(case) -> list[tuple[str, str]]:
    """(label, answer) of the case's answers as read by people: yes/no, whole numbers without
    ".0", a date and time in Asia/Shanghai ("2026-11-27 21:30"), several choices joined by "、",
    several lines kept (escaped, with ``<br>``)."""
    labels = {q["key"]: q for q in case.category.questions or []}
    rows = []
    for key, value in (case.answers or {}).items():
        q = labels.get(key, {"label": key, "type": "text"})
        kind = q.get("type")
        if kind == "yesno":
            value = _("yes") if value else _("no")
        elif isinstance(value, list):
            value = "、".join(str(v) for v in value)
        elif kind == "datetime" and (moment := parse_answer_datetime(value)) is not None:
            value = moment.strftime("%Y-%m-%d %H:%M")
        elif kind == "longtext":
            value = linebreaksbr(value, autoescape=True)  # escaped, its lines kept
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        rows.append((q["label"], str(value)))
    return rows


def _render_detail(request, case: Case, *, bound=None, status: int = 200, error: str = ""):
    """The case page. ``bound``: (key, form) of an action that failed, re-shown with its errors."""
    user = request.user
    v = access.viewer(user)
    staff = v.is_staff_viewer
    case = selectors.case_detail(case, internal=staff)
    now = timezone.now()
    bound_key, bound_form = bound or (None, None)

    boxes = []
    for action in services.actions_for(user, case):
        spec = CASE_ACTIONS.get(action)
        if spec is None:
            continue
        form = (
            bound_form
            if bound_key == action
            else spec.form(auto_id=_auto_id(action), initial=_fresh_id(), **_form_kwargs(action, case))
        )
        url = reverse("cases:act", kwargs={"number": case.number, "action": action})
        boxes.append(_action_box(action, spec, form, url=url, title=selectors.action_label(action)))
    boxes.sort(key=lambda b: not b["primary"])

    board = case.channel == Channel.DIRECTIVE and access.sees_board(user, case)
    # A directive's units are followed on its board, not one card each.
    tasks = [] if board else access.tasks_shown(user, case, case.task_list)
    for t in tasks:
        t.case = case
        t.sla = sla_of(t, now)
        t.boxes = []
        for transition in (TASK_TRANSITIONS[a] for a in services.task_actions_for(user, t)):
            spec = TASK_ACTIONS.get(transition.action)
            if spec is None:
                continue
            key = (t.pk, transition.action)
            form = (
                bound_form
                if bound_key == key
                else spec.form(auto_id=_auto_id(transition.action, t.pk), initial=_fresh_id())
            )
            url = reverse("cases:task_act", kwargs={"pk": t.pk, "action": transition.action})
            t.boxes.append(_action_box(transition.action, spec, form, url=url, title=transition.label))
        t.boxes.sort(key=lambda b: not b["primary"])

    photos_by_event: dict = {}
    for p in case.photo_list:
        p.url, p.thumb_url = photo_url(p), photo_url(p, thumb=True)
        photos_by_event.setdefault(p.event_id, []).append(p)
    before = [p for p in case.photo_list if p.kind == PhotoKind.BEFORE]
    after = [p for p in case.photo_list if p.kind == PhotoKind.AFTER]
    checks = [p for p in case.photo_list if p.kind == PhotoKind.VERIFICATION]

    reporter = access.person_name(case.reporter, staff=staff)
    full_phone = access.sees_full_phone(user, case)
    contact_email = (case.contact or {}).get("email", "")
    merged_into = (
        Case.objects.filter(pk=case.merged_into_id).values_list("number", flat=True).first()
        if case.merged_into_id
        else None
    )
    return _render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "sla": sla_of(case, now),
            "boxes": boxes,
            "tasks": tasks,
            "board": board,
            "timeline": _timeline(case, staff, photos_by_event),
            "before": before,
            "after": after,
            "checks": checks,
            "answers": _answers(case),
            "reporter": reporter,
            "phone": case.phone if full_phone else case.masked_phone,
            "full_phone": full_phone,
            "contact_name": case.contact_name if full_phone else mask_name(case.contact_name),
            "contact_email": contact_email if full_phone else mask_email(contact_email),
            "merged_into": merged_into,
            "staff": staff,
            "error": error,
        },
        status=status,
    )


@login_required
@offline_copy
def detail(request, number: str):
    case = access.access_case(request.user, number=number)
    return _render_detail(request, case)


def _perform(request, *, spec, key, target, case, form):
    """Validate, call the service, redirect; or re-render the case page with the error."""
    if form.is_valid():
        try:
            services.action_once(
                actor=request.user,
                case=case,
                client_id=form.cleaned_data["client_id"],
                run=lambda: spec.run(request.user, target, form),
            )
        except DomainError as error:
            _show_error(form, error)
            status = error.status
            message = str(error.message) if not error.fields else _("Please correct the errors below.")
        else:
            messages.success(request, str(spec.done))
            return redirect("cases:detail", number=case.number)
    else:
        status, message = 400, _("Please correct the errors below.")
    fresh = access.access_case(request.user, number=case.number)
    return _render_detail(request, fresh, bound=(key, form), status=status, error=message)


@login_required
@require_POST
def act(request, number: str, action: str):
    """One case action (verify, accept, reject, merge, dispatch, resolve, supervise, urge, check,
    rework, close, rate, reopen, withdraw)."""
    spec = CASE_ACTIONS.get(action)
    if spec is None:
        raise Http404()
    case = access.access_case(request.user, number=number)
    form = spec.form(request.POST, request.FILES, auto_id=_auto_id(action), **_form_kwargs(action, case))
    return _perform(request, spec=spec, key=action, target=case, case=case, form=form)


@login_required
@require_POST
def task_act(request, pk: int, action: str):
    """One task action of a handling unit (sign, return, finish)."""
    spec = TASK_ACTIONS.get(action)
    if spec is None or action not in TASK_TRANSITIONS:
        raise Http404()
    task = access.access_task(request.user, pk=pk)
    form = spec.form(request.POST, request.FILES, auto_id=_auto_id(action, task.pk))
    return _perform(request, spec=spec, key=(task.pk, action), target=task, case=task.case, form=form)


# --- Whistles, directives, enterprise demands ------------------------------------------------------


def _compose(request, *, form, template_title: str, intro: str, url: str, status: int = 200, error: str = ""):
    return _render(
        request,
        "cases/compose.html",
        {"form": form, "title": template_title, "intro": intro, "action_url": url, "error": error},
        status=status,
    )


def _sent(request, form, send, *, title: str, intro: str, url: str, done):
    """Show ``form``; on a valid POST call ``send()`` (one service) and go to the new case
    (``done(case)`` says where), or show the service's error on the form with its status."""
    status, error = 200, ""
    if request.method == "POST":
        if form.is_valid():
            try:
                case = send()
            except DomainError as failure:
                _show_error(form, failure)
                status = failure.status
                error = str(failure.message) if not failure.fields else _("Please correct the errors below.")
            else:
                messages.success(request, _("Sent: case %(number)s.") % {"number": case.number})
                return redirect(done(case))
        else:
            status, error = 400, _("Please correct the errors below.")
    return _compose(
        request, form=form, template_title=title, intro=intro, url=url, status=status, error=error
    )


def _fresh_form(data) -> dict:
    """A form shown for the first time gets a new request id (``SentForm.client_id``)."""
    return {} if data else {"initial": {"client_id": uuid.uuid4()}}


def _sent_fingerprint(cleaned: dict) -> str:
    """The fingerprint of a whistle's or directive's form (its photos by name and size)."""
    return services.request_fingerprint(
        {
            **{k: v for k, v in cleaned.items() if k not in ("client_id", "photos")},
            "photos": [[f.name, f.size] for f in cleaned.get("photos") or []],
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def whistle(request):
    """吹哨: a street's centre calls the units above it to a problem it cannot solve alone."""
    centre = services.whistling_centre(request.user)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = WhistleForm(
        *data, units=selectors.whistle_units(centre), categories=categories_reportable(), **_fresh_form(data)
    )

    def send():
        d = form.cleaned_data
        return services.case_whistle(
            actor=request.user,
            centre=centre,
            units=form.chosen_units(),
            category=form.chosen_category(),
            title=d["title"],
            description=d["description"],
            address=d["address"],
            photos=d["photos"],
            client_id=d["client_id"],
            fingerprint=_sent_fingerprint(d),
        )

    return _sent(
        request,
        form,
        send,
        title=_("Whistle (吹哨报到)"),
        intro=_(
            "%(centre)s calls the units above it to a problem it cannot solve alone. Each unit "
            "must sign within the limit and report what it did; you then rate each answer."
        )
        % {"centre": centre.name},
        url=reverse("cases:whistle"),
        done=lambda case: reverse("cases:detail", args=[case.number]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def directive(request):
    """上级号召: a city's or county's centre orders every unit of chosen kinds to act by a date."""
    centre = services.directing_centre(request.user)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = DirectiveForm(*data, categories=categories_usable(CategoryKind.DIRECTIVE), **_fresh_form(data))

    def send():
        d = form.cleaned_data
        return services.directive_issue(
            actor=request.user,
            centre=centre,
            unit_kinds=d["unit_kinds"],
            category=form.chosen_category(),
            title=d["title"],
            description=d["description"],
            due_at=d["due_at"],
            photos=d["photos"],
            client_id=d["client_id"],
            fingerprint=_sent_fingerprint(d),
        )

    return _sent(
        request,
        form,
        send,
        title=_("Issue a directive (上级号召)"),
        intro=_(
            "Every active unit of the chosen kinds within %(centre)s's territory gets a task: it "
            "acknowledges, then reports completion with photos by the deadline."
        )
        % {"centre": centre.name},
        url=reverse("cases:directive"),
        done=lambda case: reverse("cases:board", args=[case.number]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def demand(request):
    """企业需求: an enterprise's account or its liaison cadre files the enterprise's demand."""
    enterprises = list(enterprises_spoken_for(request.user))
    _require(bool(enterprises))
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = DemandForm(
        *data,
        enterprises=enterprises,
        categories=categories_usable(CategoryKind.DEMAND),
        **_fresh_form(data),
    )

    def send():
        d = form.cleaned_data
        enterprise = form.chosen_enterprise()
        category = form.chosen_category()
        fingerprint = services.request_fingerprint(
            {
                "channel": Channel.ENTERPRISE,
                "enterprise": enterprise.pk if enterprise else None,
                "category": category.code if category else "",
                "description": d["description"],
                "photos": [[f.name, f.size] for f in d["photos"]],
            }
        )
        return services.case_report(
            actor=request.user,
            channel=Channel.ENTERPRISE,
            enterprise=enterprise,
            category=category,
            description=d["description"],
            photos=d["photos"],
            client_id=d["client_id"],
            fingerprint=fingerprint,
        )[0]

    return _sent(
        request,
        form,
        send,
        title=_("Enterprise demand"),
        intro=_(
            "Tell the command centre what the enterprise needs. It is sent to the units that can "
            "help, and the enterprise rates the answer."
        ),
        url=reverse("cases:demand"),
        done=lambda case: reverse("cases:detail", args=[case.number]),
    )


@login_required
def board(request, number: str):
    """A directive's live response board: acknowledged / done / overdue by unit. With
    ``?partial=1`` only the board itself, which the page fetches again every half minute."""
    case = access.access_case(request.user, number=number)
    if case.channel != Channel.DIRECTIVE or not access.sees_board(request.user, case):
        raise Http404()
    now = timezone.now()
    data = selectors.directive_board(case, now=now)
    for t in data.rows:
        t.sla = sla_of(t, now) if t.status in OPEN_TASK_STATUSES else None
    context = {"case": case, "board": data, "now": now, "refresh": settings.GRIDGOV_BOARD_REFRESH_SECONDS}
    if request.GET.get("partial") == "1":
        return _render(request, "cases/_board.html", context)
    return _render(request, "cases/board.html", context)
