from django.urls import path

from . import views
from .models import Channel

app_name = "cases"
urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.report, name="report"),
    path("patrol/", views.report, {"channel": Channel.PATROL}, name="patrol"),
    path("hotline/", views.report, {"channel": Channel.HOTLINE}, name="hotline"),
    path("mine/", views.mine, name="mine"),
    path("queue/<slug:name>/", views.queue, name="queue"),
    path("all/", views.all_cases, name="all"),
    path("tasks/", views.tasks, name="tasks"),
    path("whistle/", views.whistle, name="whistle"),
    path("directive/", views.directive, name="directive"),
    path("demand/", views.demand, name="demand"),
    path("tasks/<int:pk>/<slug:action>/", views.task_act, name="task_act"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/board/", views.board, name="board"),
    path("<str:number>/<slug:action>/", views.act, name="act"),
]
