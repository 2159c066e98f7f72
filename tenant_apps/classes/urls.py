"""Owner-app and public pages of classes (included at "" on a studio's host, so they name their
full paths)."""

from django.urls import URLPattern, URLResolver, path

from tenant_apps.classes import portal_views, public_views, views

app_name = "classes"
urlpatterns: list[URLPattern | URLResolver] = [
    # The owner app.
    path("app/classes/", views.session_list, name="session_list"),
    path("app/classes/types/", views.class_type_list, name="class_type_list"),
    path("app/classes/types/new/", views.class_type_create, name="class_type_create"),
    path("app/classes/types/<int:class_type_id>/", views.class_type_edit, name="class_type_edit"),
    path("app/classes/settings/", views.class_settings, name="settings"),
    path("app/classes/sessions/new/", views.session_create, name="session_create"),
    path("app/classes/sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("app/classes/sessions/<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path(
        "app/classes/sessions/<int:session_id>/cancel/",
        views.session_cancel,
        name="session_cancel",
    ),
    path("app/classes/sessions/<int:session_id>/add/", views.roster_add, name="roster_add"),
    path(
        "app/classes/sessions/<int:session_id>/walk-in/",
        views.roster_walk_in,
        name="roster_walk_in",
    ),
    path(
        "app/classes/enrollments/<int:enrollment_id>/check-in/",
        views.enrollment_check_in,
        name="enrollment_check_in",
    ),
    path(
        "app/classes/enrollments/<int:enrollment_id>/no-show/",
        views.enrollment_no_show,
        name="enrollment_no_show",
    ),
    path(
        "app/classes/enrollments/<int:enrollment_id>/cancel/",
        views.enrollment_cancel,
        name="enrollment_cancel",
    ),
    # The public class schedule (no sign-in). The claim path is shared with tokens.py.
    path("classes/", public_views.schedule, name="schedule"),
    path("classes/<int:session_id>/book/", public_views.enroll, name="enroll"),
    path("classes/booked/<str:token>/", public_views.enrolled, name="enrolled"),
    path("classes/claim/<str:token>/", public_views.claim, name="claim"),
    # The customer portal's classes (the portal's own session).
    path("portal/classes/", portal_views.class_list, name="portal_list"),
    path(
        "portal/classes/<str:reference>/cancel/",
        portal_views.class_cancel,
        name="portal_cancel",
    ),
]
