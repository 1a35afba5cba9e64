from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gridgov.orgs.selectors import memberships_of


@login_required
def home(request):
    """The start page: who the user is, the posts they hold, and what they can open."""
    memberships = list(memberships_of(request.user))
    return render(
        request,
        "home.html",
        {"memberships": memberships, "is_resident": not memberships and not request.user.is_staff},
    )
