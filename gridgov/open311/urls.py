from django.urls import path, re_path

from . import views

app_name = "open311"
# Every method answers with or without a format suffix (.xml, .json); XML is the default.
FORMAT = r"(?:\.(?P<fmt>[A-Za-z0-9]+))?$"

urlpatterns = [
    re_path(r"^$", views.discovery, name="root"),
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.services_list, name="services"),
    # "service/{code}" (singular) for older clients.
    re_path(r"^services?/(?P<code>[^/.]+)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.requests, name="requests"),
    re_path(r"^requests/(?P<number>[^/.]+)" + FORMAT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/.]+)" + FORMAT, views.token, name="token"),
    re_path(r"^servicerequestupdates" + FORMAT, views.updates, name="updates"),
    path("media/<int:photo_id>.jpg", views.media, name="media"),
]
