"""/api/v1/ routes of customers."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from tenant_apps.customers.api import CustomerViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")

urlpatterns: list[URLPattern | URLResolver] = list(router.urls)
