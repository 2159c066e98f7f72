"""URLs of a studio's host (tenant schema): owner app, accounts, API."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns: list[URLPattern | URLResolver] = [
    # The API first: its requests are the busiest, and every page include at "" below would
    # otherwise be walked pattern by pattern before /api/ is reached. No page lives under api/.
    path("api/v1/", include("tenant_apps.studio.api_urls")),
    path("api/v1/", include("tenant_apps.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("tenant_apps.studio.urls")),
    # Owner-app pages of each app, under /app/ (the studio app holds /app/ itself).
    path("app/", include("tenant_apps.scheduling.urls")),
    path("app/", include("tenant_apps.catalog.urls")),
    path("app/", include("tenant_apps.customers.urls")),
    path("app/reports/", include("tenant_apps.reports.urls")),
    path("book/", include("tenant_apps.booking.urls")),
    path("portal/", include("tenant_apps.portal.urls")),
    # These name their full paths: /app/notifications/... and /reviews/..., /app/reviews/...
    path("", include("tenant_apps.notifications.urls")),
    path("", include("tenant_apps.reviews.urls")),
    path("", include("tenant_apps.resources.urls")),
    path("", include("tenant_apps.classes.urls")),
    path("", include("tenant_apps.packages.urls")),
    path("accounts/", include("shared_apps.accounts.urls")),
    path("console-session/", include("shared_apps.console.urls_impersonation")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "shared_apps.core.views.page_not_found"
handler500 = "shared_apps.core.views.server_error"
