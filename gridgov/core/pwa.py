"""The installable app (PWA): the web app manifest, the service worker and the page it shows
without a connection.

The service worker is served from the site's root (``/sw.js``) so that it controls every page.
It keeps the app shell (the shared CSS, scripts, icons and the offline page) in a cache named
after a hash of those files, so a new release replaces it; it never caches pages or API answers,
which are a user's own. Navigations go to the network and fall back to the offline page.
"""

import hashlib
import json
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
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
)
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
            "cache": f"gridgov-{shell_version()}",
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
