from django.urls import path

from shared_apps.console import views

app_name = "console"
urlpatterns = [
    path("", views.studio_list_view, name="studios"),
    path("studios/<slug:slug>/", views.studio_detail_view, name="studio"),
    path("studios/<slug:slug>/suspend/", views.studio_suspend_view, name="studio-suspend"),
    path("studios/<slug:slug>/cancel/", views.studio_cancel_view, name="studio-cancel"),
    path("studios/<slug:slug>/reactivate/", views.studio_reactivate_view, name="studio-reactivate"),
    path(
        "studios/<slug:slug>/impersonate/",
        views.studio_impersonate_view,
        name="studio-impersonate",
    ),
    path(
        "impersonations/<int:session_id>/end/",
        views.impersonation_end_view,
        name="impersonation-end",
    ),
    path("audit/", views.audit_log_view, name="audit"),
]
