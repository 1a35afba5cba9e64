import sys

from django.shortcuts import render
from django.views import defaults

from gridgov.accounts.views import login_view
from gridgov.orgs.selectors import memberships_of

from .errors import Unavailable, unavailable_from
from .pwa import offline_copy


@offline_copy
def home(request):
    """The start page: the sign-in page for visitors; for a signed-in user who they are, the
    posts they hold, and what they can open."""
    if not request.user.is_authenticated:
        return login_view(request)
    memberships = list(memberships_of(request.user))
    return render(
        request,
        "home.html",
        {"memberships": memberships, "is_resident": not memberships and not request.user.is_staff},
    )


def unavailable_page(request, unavailable: Unavailable):
    """The 503 page of a busy database: a translated message and ``Retry-After``; no query."""
    response = render(request, "core/unavailable.html", {"message": unavailable.message}, status=503)
    response["Retry-After"] = str(unavailable.retry_after)
    return response


def server_error(request):
    """``handler500``: an error that is only a busy database — raised after the view, as the
    session or the audit log is written on the way out — is the 503 it is; any other, a 500."""
    unavailable = unavailable_from(sys.exc_info()[1]) if sys.exc_info()[1] is not None else None
    if unavailable is not None:
        return unavailable_page(request, unavailable)
    return defaults.server_error(request)
