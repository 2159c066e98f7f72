from django.contrib import admin

from shared_apps.marketing.models import StudioSignup


@admin.register(StudioSignup)
class StudioSignupAdmin(admin.ModelAdmin):
    list_display = ["slug", "studio_name", "owner_email", "status", "tenant", "created_at"]
    list_filter = ["status"]
    search_fields = ["slug", "studio_name", "owner_email"]
    # A sign-up is a record of what happened: operators read it, the task writes it.
    readonly_fields = [
        "token",
        "owner_password_hash",
        "owner",
        "tenant",
        "status",
        "error_message",
        "ip_address",
        "created_at",
        "updated_at",
    ]
