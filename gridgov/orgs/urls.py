from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:path>/", views.unit_detail, name="unit"),
]
