"""The studio's REST API (v1): the API root and the studio's profile."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from tenant_apps.api.permissions import IsStudioMember
from tenant_apps.studio.selectors import api_endpoint_list, studio_get
from tenant_apps.studio.serializers import ProblemSerializer, StudioProfileSerializer


class ApiRootApi(APIView):
    """Every endpoint of this version that takes no path parameter, by name, plus the schema and
    the docs. Built from the URL configuration, so new endpoints appear without editing this."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="api_root",
        summary="List the API's endpoints",
        responses={
            200: {
                "type": "object",
                "additionalProperties": {"type": "string", "format": "uri"},
                "example": {
                    "studio": "https://yourstudio.studiobook.example/api/v1/studio/",
                    "schema": "https://yourstudio.studiobook.example/api/schema/",
                    "docs": "https://yourstudio.studiobook.example/api/docs/",
                },
            }
        },
        tags=["api"],
    )
    def get(self, request: Request) -> Response:
        endpoints = api_endpoint_list(urlconf=getattr(request, "urlconf", None))
        data = {name: request.build_absolute_uri(path) for name, path in endpoints.items()}
        data["schema"] = reverse("api-schema", request=request)
        data["docs"] = reverse("api-docs", request=request)
        return Response(data)


class StudioProfileApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="studio_retrieve",
        summary="This studio's profile",
        responses={
            200: StudioProfileSerializer,
            403: OpenApiResponse(ProblemSerializer, description="Not signed in"),
            404: OpenApiResponse(ProblemSerializer, description="Not a member of this studio"),
        },
        tags=["studio"],
    )
    def get(self, request: Request) -> Response:
        studio = studio_get(tenant=request.tenant)  # type: ignore[attr-defined]
        return Response(StudioProfileSerializer(studio).data)
