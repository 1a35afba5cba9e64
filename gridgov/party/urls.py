from django.urls import path

from . import views

app_name = "party"
urlpatterns = [
    path("", views.home, name="home"),
    path("activities/<int:activity_id>/code/", views.code, name="code"),
    path("activities/<int:activity_id>/<str:action>/", views.act, name="act"),
    path("visits/<int:visit_id>/case/", views.visit_case, name="visit_case"),
]
