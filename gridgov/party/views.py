"""Party work on the phone: a member's page (their card, points, the activities they may join
with sign-up, check-in and check-out by the organiser's code, their posts, and for a central
household its households and visits, a follow-up made a case in one step; for a secretary, the in-service members registered in
the territory and whether each served this quarter) and the organiser's code page, which shows the current
check-in code large and renews it without reloading."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.catalogue.models import Category
from gridgov.catalogue.selectors import categories_reportable
from gridgov.core.errors import DomainError, ValidationFailed

from . import access, selectors, services
from .models import PostHolder

#: What a member does to an activity from their page, and what the page says when done.
ACTIONS = {
    "signup": (services.signup_create, False),
    "cancel": (services.signup_cancel, False),
    "check-in": (services.signup_check_in, True),
    "check-out": (services.signup_check_out, True),
}


def _context(request) -> dict:
    v = access.require_viewer(request.user)
    member = access.access_member(request.user, pk=v.member_id) if v.member_id else None
    central = access.access_central(request.user, pk=v.central_id) if v.central_id else None
    return {
        "member": member,
        "points": selectors.points_total(member) if member else 0,
        "ledger": list(selectors.points_of(member)[:5]) if member else [],
        "activities": list(selectors.activities_list(request.user, upcoming=True)[:20]),
        "posts": list(
            PostHolder.objects.filter(member=member, until__isnull=True).select_related(
                "post", "post__organisation"
            )
        )
        if member
        else [],
        "central": central,
        "households": list(selectors.households_of(central)) if central else [],
        "visits": list(selectors.visits_of(central)[:5]) if central else [],
        "categories": list(categories_reportable()) if central else [],
        "organises": bool(v.manage_paths or v.superuser),
        "registrations": list(selectors.registrations_of(v.manage_paths[0], on=timezone.localdate())[:50])
        if v.manage_paths
        else [],
    }


def _refused(request, error: DomainError, **extra):
    """The member's page again, saying why, with the error's status."""
    context = _context(request)
    context.update(error=error.reason, **extra)
    return render(request, "party/home.html", context, status=error.status)


@login_required
def home(request):
    """``/party/``: the signed-in member's (or secretary's) party work."""
    return render(request, "party/home.html", _context(request))


@login_required
@require_POST
def act(request, activity_id: int, action: str):
    """Sign up, cancel, check in or out (``code`` from the organiser) from the member's page."""
    if action not in ACTIONS:
        return redirect("party:home")
    run, with_code = ACTIONS[action]
    try:
        activity = access.access_activity(request.user, pk=activity_id)
        kwargs = {"code": request.POST.get("code", "")} if with_code else {}
        run(actor=request.user, activity=activity, **kwargs)
    except DomainError as error:
        return _refused(request, error, failed_activity=activity_id)
    messages.success(
        request,
        {
            "signup": _("Signed up."),
            "cancel": _("Sign-up cancelled."),
            "check-in": _("Checked in."),
            "check-out": _("Checked out; your hours are counted."),
        }[action],
    )
    return redirect("party:home")


@login_required
def code(request, activity_id: int):
    """``/party/activities/<id>/code/``: the organiser shows the check-in code on site."""
    activity = access.access_activity(request.user, pk=activity_id)
    access.require_manage(request.user, activity.organisation.path)
    current, until = services.checkin_code(activity)
    return render(request, "party/code.html", {"activity": activity, "code": current, "until": until})


@login_required
@require_POST
def visit_case(request, visit_id: int):
    """A visit's follow-up becomes a case, in the category chosen beside it."""
    try:
        visit = access.access_visit(request.user, pk=visit_id)
        category = Category.objects.filter(code=request.POST.get("category", "")).first()
        if category is None:
            raise ValidationFailed(fields={"category": [_("Choose a category.")]})
        case = services.visit_to_case(actor=request.user, visit=visit, category=category)
    except DomainError as error:
        return _refused(request, error)
    messages.success(request, _("The follow-up is case %(number)s.") % {"number": case.number})
    return redirect("party:home")
