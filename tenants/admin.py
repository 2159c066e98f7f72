from django.contrib import admin

from tenants.models import Domain, Membership, Tenant


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "schema_name", "status", "plan", "created_at"]
    list_filter = ["status", "plan"]
    search_fields = ["name", "slug", "schema_name"]
    readonly_fields = ["schema_name", "created_at"]
    inlines = [DomainInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "tenant__name", "tenant__slug"]
    autocomplete_fields = ["user", "tenant"]
