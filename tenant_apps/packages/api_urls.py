"""/api/v1/ routes of packages: products, customers' packages, and the public product list."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from tenant_apps.packages.api import (
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
    *routes("public/package-products", PublicPackageProductListApi, "public-package-product-list"),
]
