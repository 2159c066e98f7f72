from __future__ import annotations

from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

OWNER_API_URLS = [
    "tenant_apps.catalog.api_urls",
    "tenant_apps.customers.api_urls",
    "tenant_apps.scheduling.availability_api_urls",
]


def _schema() -> tuple[dict, dict[str, int]]:
    patterns = [path("api/v1/", include(module)) for module in OWNER_API_URLS]
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    problems = {**GENERATOR_STATS._warn_cache, **GENERATOR_STATS._error_cache}
    GENERATOR_STATS.reset()
    return schema, problems


def test_the_owner_api_schema_generates_without_warnings_and_validates(db):
    schema, problems = _schema()

    assert problems == {}
    validate_schema(schema)
    assert set(schema["paths"]) == {
        "/api/v1/services/",
        "/api/v1/services/{id}/",
        "/api/v1/staff/",
        "/api/v1/staff/{id}/",
        "/api/v1/booking-pages/",
        "/api/v1/booking-pages/{id}/",
        "/api/v1/customers/",
        "/api/v1/customers/{id}/",
        "/api/v1/customers/{id}/appointments/",
        "/api/v1/staff/{staff_id}/weekly-hours/",
        "/api/v1/staff/{staff_id}/weekly-hours/{row_id}/",
        "/api/v1/staff/{staff_id}/date-overrides/",
        "/api/v1/staff/{staff_id}/date-overrides/{date}/",
        "/api/v1/staff/{staff_id}/time-off/",
        "/api/v1/time-off/",
        "/api/v1/time-off/{id}/",
    }


def test_lists_document_their_pages_filters_and_ordering(db):
    schema, _ = _schema()

    def query_params(route: str) -> set[str]:
        operation = schema["paths"][route]["get"]
        return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}

    assert query_params("/api/v1/services/") == {
        "limit",
        "offset",
        "ordering",
        "active",
        "category",
        "staff",
        "search",
    }
    assert query_params("/api/v1/customers/") == {
        "limit",
        "offset",
        "ordering",
        "search",
        "tag",
        "marketing_consent",
    }
    assert query_params("/api/v1/customers/{id}/appointments/") == {"limit", "offset"}
    assert query_params("/api/v1/time-off/") == {
        "limit",
        "offset",
        "ordering",
        "staff",
        "start",
        "end",
    }
    assert query_params("/api/v1/staff/{staff_id}/date-overrides/") == {
        "limit",
        "offset",
        "start",
        "end",
    }
    listed = schema["paths"]["/api/v1/services/"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["$ref"].endswith("/PaginatedServiceList")
    components = schema["components"]["schemas"]
    assert {"Service", "ServiceInput", "PatchedServiceInput", "BookingPageQuestion"} <= set(
        components
    )
