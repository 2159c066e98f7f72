import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.models import Domain
from tenants.resolution import tenant_for_host


def test_unknown_host_gets_friendly_404(platform_client):
    response = platform_client.get("/", HTTP_HOST="nosuchstudio.localhost")
    assert response.status_code == 404
    assert b"No studio here" in response.content


def test_unknown_host_api_gets_problem_json(platform_client):
    response = platform_client.get("/api/v1/", HTTP_HOST="nosuchstudio.localhost")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unknown_studio"


def test_warm_cache_resolves_without_queries(alpha):
    assert tenant_for_host("alpha.localhost").pk == alpha.pk  # warms the cache
    with CaptureQueriesContext(connection) as queries:
        tenant = tenant_for_host("alpha.localhost")
    assert tenant is not None and tenant.pk == alpha.pk
    assert len(queries) == 0


def test_domain_change_invalidates_cache(alpha):
    assert tenant_for_host("alpha-extra.localhost") is None  # cached as unknown
    Domain.objects.create(domain="alpha-extra.localhost", tenant=alpha, is_primary=False)
    assert tenant_for_host("alpha-extra.localhost").pk == alpha.pk


def test_tenant_change_invalidates_cache(alpha):
    tenant_for_host("alpha.localhost")
    alpha.name = "Alpha Renamed"
    alpha.save(update_fields=["name"])
    assert tenant_for_host("alpha.localhost").name == "Alpha Renamed"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.parametrize("host", ["localhost", "alpha.localhost", "nosuchstudio.localhost"])
def test_health_endpoints_answer_on_every_host(platform_client, path, host):
    response = platform_client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    if path == "/readyz":
        assert body["checks"]["postgres"]["ok"] is True
        assert body["checks"]["redis"]["ok"] is True


def test_every_response_carries_request_id(platform_client):
    response = platform_client.get("/healthz", HTTP_X_REQUEST_ID="abc12345-trace")
    assert response["X-Request-ID"] == "abc12345-trace"
    other = platform_client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")
    assert len(other["X-Request-ID"]) == 32


def test_warm_lookup_is_served_by_the_process_memo_without_redis(alpha, monkeypatch):
    from tenants import resolution

    assert resolution.local_memo_wait_until_listening()
    tenant_for_host("alpha.localhost")  # warms Redis and the memo

    def no_redis(*args, **kwargs):
        raise AssertionError("the shared cache was read")

    monkeypatch.setattr(resolution.cache, "get", no_redis)
    with CaptureQueriesContext(connection) as queries:
        tenant = tenant_for_host("alpha.localhost")
    assert tenant.pk == alpha.pk and len(queries) == 0


def test_callers_get_their_own_copy(alpha):
    first = tenant_for_host("alpha.localhost")
    first.name = "Changed but not saved"
    assert tenant_for_host("alpha.localhost").name == "Alpha Pilates"


def test_another_process_announcement_drops_the_memo_entry(alpha):
    """A change saved by another process reaches this one over pub/sub."""
    import time

    import redis
    from django.conf import settings

    from tenants import resolution

    assert resolution.local_memo_wait_until_listening()
    tenant_for_host("alpha.localhost")
    assert resolution._memo.get("alpha.localhost")[0] is True

    redis.Redis.from_url(settings.REDIS_URL).publish(
        resolution.INVALIDATION_CHANNEL, "alpha.localhost"
    )
    deadline = time.monotonic() + 2
    while resolution._memo.get("alpha.localhost")[0] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert resolution._memo.get("alpha.localhost")[0] is False
