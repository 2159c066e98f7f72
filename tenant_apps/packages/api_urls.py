"""/api/v1/ routes of packages: products, customers' packages, what a customer's credits pay
for, and the public product list."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from tenant_apps.packages.api import (
    CustomerCreditsApi,
    CustomerPackageViewSet,
    PackageProductViewSet,
    PublicPackageProductListApi,
)
from tenant_apps.scheduling.api_urls import routes

router = SimpleRouter()
router.register("package-products", PackageProductViewSet, basename="package-product")
router.register("customer-packages", CustomerPackageViewSet, basename="customer-package")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    *routes("customers/<int:customer_id>/credits", CustomerCreditsApi, "customer-credits"),
    *routes("public/package-products", PublicPackageProductListApi, "public-package-product-list"),
]
