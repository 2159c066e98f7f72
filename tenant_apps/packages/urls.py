"""Owner-app and portal pages of packages (included at "" on a studio's host, so they name
their full paths)."""

from django.urls import URLPattern, URLResolver, path

from tenant_apps.packages import portal_views, views

app_name = "packages"
urlpatterns: list[URLPattern | URLResolver] = [
    # The owner app: products, and a customer's packages (sell, adjust).
    path("app/packages/", views.package_list, name="package_list"),
    path("app/packages/new/", views.package_create, name="package_create"),
    path("app/packages/<int:product_id>/", views.package_edit, name="package_edit"),
    path("app/packages/<int:product_id>/delete/", views.package_delete, name="package_delete"),
    path(
        "app/packages/customers/<int:customer_id>/",
        views.customer_packages,
        name="customer_packages",
    ),
    path(
        "app/packages/customers/<int:customer_id>/sell/",
        views.customer_package_sell,
        name="customer_package_sell",
    ),
    path(
        "app/packages/held/<int:package_id>/adjust/",
        views.customer_package_adjust,
        name="customer_package_adjust",
    ),
    # The customer portal's credits (the portal's own session).
    path("portal/credits/", portal_views.portal_credits, name="portal_credits"),
]
