"""URLs of the platform's own host (public schema): marketing site, sign-up, console, admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("shared_apps.marketing.urls")),
    path("accounts/", include("shared_apps.accounts.urls")),
    path("console/", include("shared_apps.console.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "shared_apps.core.views.page_not_found"
handler500 = "shared_apps.core.views.server_error"
