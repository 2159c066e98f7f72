"""Owner-app pages of customers under /app/ (tenant_apps.customers.views)."""

from django.urls import URLPattern, URLResolver, path

from tenant_apps.customers import views

app_name = "customers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/export.csv", views.customer_export, name="customer_export"),
    path("customers/import/", views.customer_import, name="customer_import"),
    path("customers/<int:customer_id>/", views.customer_detail, name="customer_detail"),
    path("customers/<int:customer_id>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<int:customer_id>/notes/", views.customer_notes, name="customer_notes"),
    path("customers/<int:customer_id>/delete/", views.customer_delete, name="customer_delete"),
    path("customers/<int:customer_id>/merge/", views.customer_merge, name="customer_merge"),
]
