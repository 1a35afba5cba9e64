from django.contrib import admin
from django.urls import include, path

from config.api import api
from gridgov.core import pwa
from gridgov.core.views import home

urlpatterns = [
    path("", home, name="home"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("accounts/", include("gridgov.accounts.urls")),
    path("orgs/", include("gridgov.orgs.urls")),
    path("cases/", include("gridgov.cases.urls")),
    path("insights/", include("gridgov.insights.urls")),
    path("wishes/", include("gridgov.wishes.urls")),
    path("party/", include("gridgov.party.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("open311/v2/", include("gridgov.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# A busy database found after the view (the session saved on the way out) is a 503, not a 500.
handler500 = "gridgov.core.views.server_error"
