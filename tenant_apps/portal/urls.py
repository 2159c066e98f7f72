"""Routes of the customer portal (included at "portal/" on a studio's host)."""

from django.urls import URLPattern, URLResolver, path

from tenant_apps.portal import views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("sent/", views.link_sent, name="link_sent"),
    # The path shape is shared with tenant_apps.portal.links (emails carry these links).
    path("signin/<str:token>/", views.sign_in, name="sign_in"),
    path("open/<str:token>/", views.booking_open, name="booking_open"),
    path("signout/", views.sign_out, name="sign_out"),
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/<str:reference>/", views.booking_detail, name="booking_detail"),
    path("bookings/<str:reference>/cancel/", views.booking_cancel, name="booking_cancel"),
    path(
        "bookings/<str:reference>/reschedule/",
        views.booking_reschedule,
        name="booking_reschedule",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/export/", views.data_export, name="data_export"),
]
