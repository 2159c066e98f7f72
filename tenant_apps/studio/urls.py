"""The owner app shell on a studio's host (included at "" by config/urls_tenant.py)."""

from django.urls import path

from tenant_apps.studio import policy_views, team_views, views

app_name = "studio"
urlpatterns = [
    path("", views.studio_home, name="home"),
    path("app/", views.dashboard, name="dashboard"),
    path("app/settings/", views.studio_settings, name="settings"),
    path("app/policies/", policy_views.policies, name="policies"),
    path("app/team/", team_views.team_list, name="team"),
    path("app/team/invite/", team_views.team_invite, name="team_invite"),
    path("app/team/members/<int:membership_id>/role/", team_views.member_role, name="member_role"),
    path(
        "app/team/members/<int:membership_id>/remove/",
        team_views.member_remove,
        name="member_remove",
    ),
    path(
        "app/team/invitations/<int:invitation_id>/resend/",
        team_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "app/team/invitations/<int:invitation_id>/revoke/",
        team_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invite/<str:token>/", team_views.invitation_accept, name="invitation_accept"),
]
