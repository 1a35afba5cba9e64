from django.shortcuts import render

from gridgov.accounts.views import login_view
from gridgov.orgs.selectors import memberships_of

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
