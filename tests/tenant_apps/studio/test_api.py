from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from tenant_apps.studio.selectors import api_endpoint_list
from tenants.models import Tenant

PROBLEM = "application/problem+json"


def test_api_root_lists_the_endpoints(web, alpha):
    response = web.get("/api/v1/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 200
    body = response.json()
    assert body["studio"] == "http://alpha.localhost/api/v1/studio/"
    assert body["schema"] == "http://alpha.localhost/api/schema/"
    assert body["docs"] == "http://alpha.localhost/api/docs/"
    for name, url in body.items():
        assert url.startswith("http://alpha.localhost/api/"), name
        assert "<" not in url and "(" not in url, name  # only endpoints one can call as listed


def test_api_endpoint_list_finds_parameterless_routes_only():
    endpoints = api_endpoint_list(urlconf="config.urls_tenant")

    assert endpoints["studio"] == "/api/v1/studio/"
    assert "" not in endpoints  # the root itself is not listed
    assert all(path.startswith("/api/v1/") for path in endpoints.values())


def test_members_get_the_studio_profile(web, alpha, alpha_owner):
    Tenant.objects.filter(pk=alpha.pk).update(contact_phone="+44 20 7946 0001")
    web.force_login(alpha_owner)

    response = web.get("/api/v1/studio/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 200
    assert response.json() == {
        "name": "Alpha Pilates",
        "slug": "alpha",
        "timezone": "Europe/London",
        "currency": "GBP",
        "contact_email": "owner@alpha.test",
        "contact_phone": "+44 20 7946 0001",
        "address": "",
        "website": "",
        "status": "trialing",
        "plan": "starter",
    }


def test_anonymous_callers_get_a_problem(web, alpha):
    response = web.get("/api/v1/studio/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["status"] == 403
    assert body["type"].endswith("/not_authenticated")


def test_non_members_get_not_found_even_with_a_valid_session(web, alpha, beta_owner):
    web.force_login(beta_owner)

    response = web.get("/api/v1/studio/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "not_found"
    assert "Alpha" not in response.content.decode()


def test_each_studio_host_serves_its_own_profile(web, alpha, beta, alpha_owner, beta_owner):
    web.force_login(beta_owner)

    response = web.get("/api/v1/studio/", HTTP_HOST="beta.localhost")

    assert response.json()["slug"] == "beta"
    assert response.json()["name"] == "Beta Yoga"


def test_openapi_schema_generates_without_warnings(db, tmp_path):
    target = tmp_path / "schema.yaml"

    call_command(
        "spectacular",
        "--urlconf",
        "config.urls_tenant",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(target),
    )

    schema = target.read_text()
    assert "/api/v1/studio/:" in schema
    assert "StudioProfile:" in schema


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_are_served_on_studio_hosts(alpha, path):
    response = Client().get(path, HTTP_HOST="alpha.localhost")

    assert response.status_code == 200
