"""Who reaches the console: operators on the platform host, nobody else."""

import pytest
from django.test import Client

CONSOLE_PAGES = ["/console/", "/console/studios/alpha/", "/console/audit/"]


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_anonymous_visitor_is_sent_to_login(platform_client, alpha, path):
    response = platform_client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_signed_in_non_operator_gets_404(alpha_owner, path):
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(alpha_owner)

    response = browser.get(path)

    assert response.status_code == 404


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_operator_sees_console_pages(operator_client, path):
    response = operator_client.get(path)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="/admin/"' in content
    assert 'action="/accounts/logout/"' in content
    assert "Olivia Operator" in content


def test_console_does_not_exist_on_a_studio_host(operator):
    browser = Client(HTTP_HOST="alpha.localhost")
    browser.force_login(operator)

    assert browser.get("/console/").status_code == 404
    assert browser.get("/console/studios/alpha/").status_code == 404


def test_django_admin_is_not_served_on_a_studio_host(operator):
    browser = Client(HTTP_HOST="alpha.localhost")
    browser.force_login(operator)

    assert browser.get("/admin/").status_code == 404
    assert browser.get("/admin/login/").status_code == 404


def test_platform_tenant_is_not_a_studio_page(operator_client):
    assert operator_client.get("/console/studios/platform/").status_code == 404
    assert operator_client.get("/console/studios/no-such-studio/").status_code == 404


@pytest.mark.parametrize("action", ["suspend", "cancel", "reactivate", "impersonate"])
def test_actions_refuse_get(operator_client, alpha, action):
    assert operator_client.get(f"/console/studios/alpha/{action}/").status_code == 405
