"""The installable app (PWA): the web app manifest, the service worker and the page it shows
without a connection.

The service worker is served from the site's root (``/sw.js``) so that it controls every page.
It keeps the app shell (the shared CSS, scripts, icons, the map and the offline page) in a cache named
after a hash of those files, so a new release replaces it; it never caches API answers.
Navigations go to the network. A page a signed-in user needs in the field without a signal
(marked ``@offline_copy``: home, 随手拍, my reports, the work queues and the case pages) is
also kept on the device, for that sign-in only: every page says whose it is
(``X-Gridgov-Session``, a keyed hash of the session, empty for a visitor) and the worker
drops every kept page when that changes (sign-out, another user). Without a connection a kept
page is shown as it was, else the offline page.
"""

import hashlib
import json
from functools import lru_cache, wraps

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

#: The static files of the app shell, cached when the service worker installs.
SHELL = (
    "gridgov/app.css",
    "gridgov/app.js",
    "gridgov/cases.js",
    "gridgov/outbox.js",
    "gridgov/icon.svg",
    "gridgov/icons/icon-192.png",
    "gridgov/icons/icon-512.png",
    # The map of 随手拍 and the case pages, so a report can be placed without a signal.
    "gridgov/map.css",
    "gridgov/map.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
)
#: Response headers read by the service worker: whose page it is, and that it may be kept.
SESSION_HEADER = "X-Gridgov-Session"
KEEP_HEADER = "X-Gridgov-Keep"
#: At most so many pages of a queue are fetched ahead to be kept (the first page of a queue).
KEEP_AHEAD = 20
THEME_COLOR = "#07c160"
BACKGROUND_COLOR = "#ededed"
ICONS = (
    ("gridgov/icons/icon-192.png", "192x192", "any"),
    ("gridgov/icons/icon-512.png", "512x512", "any"),
    ("gridgov/icons/icon-maskable-512.png", "512x512", "maskable"),
)


@lru_cache(maxsize=1)
def shell_version() -> str:
    """A short hash of the shell's files: the cache's name changes when any of them does."""
    digest = hashlib.sha256()
    for name in SHELL:
        path = finders.find(name)
        digest.update(name.encode())
        if path:
            with open(path, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()[:12]


def session_mark(request) -> str:
    """Whose pages these are, without saying who: a keyed hash of the session, "" for a visitor.
    It changes at every sign-in (the session key is renewed) and at sign-out."""
    key = request.session.session_key if request.user.is_authenticated else None
    return salted_hmac("gridgov.pwa.session", key).hexdigest()[:16] if key else ""


def offline_copy(view):
    """Mark a page that the device may keep for its user, to show it again without a signal."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and request.user.is_authenticated:
            response[KEEP_HEADER] = "1"
        return response

    return wrapped


def manifest(request):
    """``/manifest.webmanifest``: name, icons, colours, start page, standalone display."""
    body = {
        "name": _("Smart Grid"),
        "short_name": _("Smart Grid"),
        "description": _("Report problems, follow them and get them fixed: the grid's platform."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home") + "?source=app",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static(src), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for src, sizes, purpose in ICONS
        ],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")


@cache_control(no_cache=True)
def service_worker(request):
    """``/sw.js``: always revalidated, so a new release's worker is found at once."""
    response = render(
        request,
        "sw.js",
        {
            "cache": f"gridgov-shell-{shell_version()}",
            "pages": "gridgov-pages",
            "session_header": SESSION_HEADER,
            "keep_header": KEEP_HEADER,
            "keep_ahead": KEEP_AHEAD,
            "shell": json.dumps([static(name) for name in SHELL] + [reverse("offline")]),
            "offline": reverse("offline"),
            "static_prefix": static(""),
        },
        content_type="application/javascript",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


def offline(request):
    """What the app shows for a page it cannot load without a connection (no user data)."""
    return render(request, "offline.html")
