"""Account URLs. Included at /accounts/ on the platform's host and on every studio host."""

from django.urls import path

from shared_apps.accounts import views
from shared_apps.accounts.views_handoff import handoff

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("studios/", views.studios_view, name="studios"),
    path("studios/<slug:slug>/open/", views.studio_switch_view, name="studio_switch"),
    path("handoff/", handoff, name="handoff"),
    path("verify-email/", views.verify_email_send_view, name="verify_email_send"),
    path("verify-email/<str:token>/", views.verify_email_view, name="verify_email"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
