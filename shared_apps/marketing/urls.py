from django.urls import path

from shared_apps.marketing import views

app_name = "marketing"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("pricing/", views.pricing, name="pricing"),
    path("signup/", views.signup, name="signup"),
    path("signup/check-subdomain/", views.signup_check_subdomain, name="signup-check-subdomain"),
    path("signup/<str:token>/", views.signup_progress, name="signup-progress"),
    path("signup/<str:token>/status/", views.signup_status, name="signup-status"),
    path("signup/<str:token>/continue/", views.signup_continue, name="signup-continue"),
]
