from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_totp, name="login_totp"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.totp_enrol, name="totp"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
]
