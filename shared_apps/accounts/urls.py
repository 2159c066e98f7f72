from django.urls import path

from shared_apps.accounts.views_handoff import handoff

app_name = "accounts"
urlpatterns = [
    path("handoff/", handoff, name="handoff"),
]
