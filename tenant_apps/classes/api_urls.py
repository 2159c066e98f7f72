"""/api/v1/ routes of classes: the owner side, and the public side under public/.

Each route answers with and without its trailing slash; only the canonical form (with the slash)
appears in the OpenAPI schema.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from tenant_apps.classes.api import (
    ClassSeriesCreateApi,
    ClassSessionCancelApi,
    ClassSessionDetailApi,
    ClassSessionEnrollmentsApi,
    ClassSessionListCreateApi,
    ClassSessionWalkInApi,
    ClassSettingsApi,
    ClassTypeViewSet,
    EnrollmentCancelApi,
    EnrollmentCheckInApi,
    EnrollmentNoShowApi,
)
from tenant_apps.classes.public_api import (
    PublicClassListApi,
    PublicEnrollmentCancelApi,
    PublicEnrollmentCreateApi,
    PublicEnrollmentDetailApi,
)
from tenant_apps.scheduling.api_urls import routes

router = SimpleRouter()
router.register("class-types", ClassTypeViewSet, basename="class-type")

SESSION = "class-sessions/<int:session_id>"
ENROLLMENT = "enrollments/<int:enrollment_id>"
PUBLIC_ENROLLMENT = "public/enrollments/<str:reference>"

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    *routes("class-sessions", ClassSessionListCreateApi, "class-session-list"),
    *routes("class-series", ClassSeriesCreateApi, "class-series-create"),
    *routes(SESSION, ClassSessionDetailApi, "class-session-detail"),
    *routes(f"{SESSION}/cancel", ClassSessionCancelApi, "class-session-cancel"),
    *routes(f"{SESSION}/enrollments", ClassSessionEnrollmentsApi, "class-session-enrollments"),
    *routes(f"{SESSION}/walk-ins", ClassSessionWalkInApi, "class-session-walk-in"),
    *routes(f"{ENROLLMENT}/cancel", EnrollmentCancelApi, "enrollment-cancel"),
    *routes(f"{ENROLLMENT}/check-in", EnrollmentCheckInApi, "enrollment-check-in"),
    *routes(f"{ENROLLMENT}/no-show", EnrollmentNoShowApi, "enrollment-no-show"),
    *routes("class-settings", ClassSettingsApi, "class-settings"),
    *routes("public/classes", PublicClassListApi, "public-class-list"),
    *routes("public/enrollments", PublicEnrollmentCreateApi, "public-enrollment-create"),
    *routes(PUBLIC_ENROLLMENT, PublicEnrollmentDetailApi, "public-enrollment-detail"),
    *routes(f"{PUBLIC_ENROLLMENT}/cancel", PublicEnrollmentCancelApi, "public-enrollment-cancel"),
]
