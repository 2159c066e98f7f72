"""Suspend, cancel and reactivate from the console: one service call, one audit row each."""

import pytest
from django.test import Client

from shared_apps.console import services
from shared_apps.console.models import PlatformAuditLog
from shared_apps.core.errors import PermissionDeniedError
from tenants.models import Tenant, TenantStatus


def _reload(tenant: Tenant) -> Tenant:
    return Tenant.objects.get(pk=tenant.pk)


def test_suspend_sets_status_and_writes_one_audit_row(operator_client, operator, alpha):
    response = operator_client.post(
        "/console/studios/alpha/suspend/",
        {"reason": "Chargeback fraud, ticket #4411"},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 302
    assert response["Location"] == "/console/studios/alpha/"
    studio = _reload(alpha)
    assert studio.status == TenantStatus.SUSPENDED
    assert studio.suspension_reason == "Chargeback fraud, ticket #4411"
    assert studio.suspended_at is not None
    entry = PlatformAuditLog.objects.get()
    assert entry.action == "tenant.suspend"
    assert entry.actor == operator
    assert entry.actor_label == "olivia@studiobook.test"
    assert entry.tenant == alpha
    assert entry.tenant_slug == "alpha"
    assert entry.reason == "Chargeback fraud, ticket #4411"
    assert entry.metadata == {"previous_status": "trialing"}
    assert entry.ip == "203.0.113.9"


def test_suspend_without_reason_is_a_form_error_and_writes_nothing(operator_client, alpha):
    response = operator_client.post("/console/studios/alpha/suspend/", {"reason": "   "})

    assert response.status_code == 200
    assert "Enter a reason; it is kept in the audit log." in response.content.decode()
    assert _reload(alpha).status == TenantStatus.TRIALING
    assert PlatformAuditLog.objects.count() == 0


def test_non_operator_cannot_suspend(alpha_owner, alpha):
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(alpha_owner)

    response = browser.post("/console/studios/alpha/suspend/", {"reason": "let me"})

    assert response.status_code == 404
    assert _reload(alpha).status == TenantStatus.TRIALING
    assert PlatformAuditLog.objects.count() == 0


def test_suspending_twice_is_refused_with_a_message(operator_client, alpha):
    operator_client.post("/console/studios/alpha/suspend/", {"reason": "first"})

    response = operator_client.post(
        "/console/studios/alpha/suspend/", {"reason": "second"}, follow=True
    )

    assert "Alpha Pilates is suspended." in response.content.decode()
    assert PlatformAuditLog.objects.filter(action="tenant.suspend").count() == 1


def test_reactivate_restores_the_status_before_suspension(operator_client, alpha):
    alpha.status = TenantStatus.ACTIVE
    alpha.save(update_fields=["status"])
    operator_client.post("/console/studios/alpha/suspend/", {"reason": "unpaid"})

    response = operator_client.post("/console/studios/alpha/reactivate/", {"reason": "paid"})

    assert response.status_code == 302
    studio = _reload(alpha)
    assert studio.status == TenantStatus.ACTIVE
    assert studio.suspended_at is None
    assert studio.suspension_reason == ""
    entry = PlatformAuditLog.objects.filter(action="tenant.reactivate").get()
    assert entry.metadata == {"from_status": "suspended", "restored_status": "active"}
    assert entry.reason == "paid"


def test_cancel_is_soft_and_reactivation_undoes_it(operator_client, alpha):
    response = operator_client.post(
        "/console/studios/alpha/cancel/", {"reason": "Owner asked to close"}
    )

    assert response.status_code == 302
    studio = _reload(alpha)
    assert studio.status == TenantStatus.CANCELLED
    assert studio.cancelled_at is not None
    assert Tenant.objects.filter(slug="alpha").exists()

    operator_client.post("/console/studios/alpha/reactivate/", {})

    studio = _reload(alpha)
    assert studio.status == TenantStatus.TRIALING
    assert studio.cancelled_at is None
    assert list(PlatformAuditLog.objects.order_by("id").values_list("action", flat=True)) == [
        "tenant.cancel",
        "tenant.reactivate",
    ]


def test_cancelling_a_suspended_studio_then_reactivating_restores_the_original_status(
    operator, alpha
):
    alpha.status = TenantStatus.PAST_DUE
    alpha.save(update_fields=["status"])
    services.tenant_suspend(tenant=alpha, actor=operator, reason="abuse")
    services.tenant_cancel(tenant=alpha, actor=operator, reason="closing")

    studio = services.tenant_reactivate(tenant=alpha, actor=operator)

    assert studio.status == TenantStatus.PAST_DUE


def test_reactivate_without_audit_history_uses_the_trial(operator, alpha):
    alpha.status = TenantStatus.SUSPENDED
    alpha.save(update_fields=["status"])

    assert services.tenant_reactivate(tenant=alpha, actor=operator).status == "trialing"


def test_reactivating_a_live_studio_is_refused(operator_client, alpha):
    response = operator_client.post("/console/studios/alpha/reactivate/", {}, follow=True)

    assert "Alpha Pilates is not suspended or cancelled." in response.content.decode()
    assert PlatformAuditLog.objects.count() == 0


def test_services_refuse_non_operators(alpha_owner, alpha):
    with pytest.raises(PermissionDeniedError):
        services.tenant_suspend(tenant=alpha, actor=alpha_owner, reason="x")
    assert PlatformAuditLog.objects.count() == 0


def test_audit_rows_are_append_only(operator, alpha):
    services.tenant_suspend(tenant=alpha, actor=operator, reason="x")
    entry = PlatformAuditLog.objects.get()
    entry.reason = "rewritten"

    with pytest.raises(Exception, match="append-only"):
        entry.save()
