from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("screen/", views.screen, name="screen"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
]
