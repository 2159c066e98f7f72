from django.contrib import admin

from billing.models import Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "monthly_price", "currency", "max_staff", "is_public"]
    list_editable = ["monthly_price", "is_public"]
