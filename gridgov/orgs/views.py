from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from gridgov.core.scoping import covers

from . import selectors
from .access import access_org_unit


@login_required
def index(request):
    """The top of the user's scope: straight to the unit when there is one."""
    roots = list(selectors.org_units_roots(request.user))
    if len(roots) == 1:
        return redirect("orgs:unit", path=roots[0].path)
    return render(request, "orgs/index.html", {"roots": roots})


@login_required
def unit_detail(request, path: str):
    unit = access_org_unit(request.user, path=path)
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            # Ancestors inside the user's scope are links; the others only name the way up.
            "ancestors": [
                (a, covers(selectors.user_scope(request.user), a.path))
                for a in selectors.org_unit_ancestors(unit)
            ],
            "children": selectors.org_unit_children(request.user, unit),
            "attached": selectors.org_unit_attachments(unit),
        },
    )
