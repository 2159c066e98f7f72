"""The booking policies page: studio defaults for notice windows, optionally applied to every
service at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.test.client import TenantClient

from tenant_apps.catalog.models import Service
from tenants.models import Role, Tenant
from tests.factories.catalog import ServiceFactory

URL = "/app/policies/"
VALID = {
    "min_notice_minutes_0": "2",
    "min_notice_minutes_1": "hours",
    "cancel_notice_minutes_0": "2",
    "cancel_notice_minutes_1": "days",
    "reschedule_notice_minutes_0": "90",
    "reschedule_notice_minutes_1": "minutes",
}


def _defaults(tenant: Tenant) -> tuple[int, int, int]:
    row = Tenant.objects.get(pk=tenant.pk)
    return (
        row.default_min_notice_minutes,
        row.default_cancel_notice_minutes,
        row.default_reschedule_notice_minutes,
    )


def _windows() -> list[tuple[str, int, int, int]]:
    return list(
        Service.objects.order_by("name").values_list(
            "name", "min_notice_minutes", "cancel_notice_minutes", "reschedule_notice_minutes"
        )
    )


@pytest.fixture
def owner(in_alpha: Tenant, alpha_client: TenantClient, alpha_owner) -> TenantClient:  # type: ignore[no-untyped-def]
    alpha_client.force_login(alpha_owner)
    return alpha_client


def test_page_shows_the_defaults_each_service_and_the_reminders_link(owner):
    ServiceFactory(name="Reformer", min_notice_minutes=120, cancel_notice_minutes=0)

    response = owner.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="cancel_notice_minutes_0" value="1"' in content
    assert '<option value="days" selected>' in content
    assert "Reformer" in content and "2 hours" in content and "Up to the start" in content
    if response.context["notifications_url"]:
        assert 'href="/app/notifications/"' in content


def test_saving_defaults_leaves_services_alone(owner, alpha):
    ServiceFactory(name="Reformer")
    before = _windows()

    response = owner.post(URL, VALID)

    assert response.status_code == 302
    assert _defaults(alpha) == (120, 2880, 90)
    assert _windows() == before
    assert "Booking policies saved." in owner.get(URL).content.decode()


def test_defaults_can_be_applied_to_every_service(owner, alpha):
    ServiceFactory(name="Mat")
    ServiceFactory(name="Reformer", min_notice_minutes=120, cancel_notice_minutes=2880)
    ServiceFactory(name="Private", is_active=False)

    response = owner.post(URL, {**VALID, "apply_to_services": "on"})

    assert response.status_code == 302
    assert _windows() == [
        ("Mat", 120, 2880, 90),
        ("Private", 120, 2880, 90),
        ("Reformer", 120, 2880, 90),
    ]
    assert "3 services updated." in owner.get(URL).content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"min_notice_minutes_0": "-1"}, "min_notice_minutes", "Ensure this value is greater"),
        (
            {"cancel_notice_minutes_0": "61", "cancel_notice_minutes_1": "days"},
            "cancel_notice_minutes",
            "Use at most 60 days.",
        ),
        ({"reschedule_notice_minutes_1": "weeks"}, "reschedule_notice_minutes", "Select a valid"),
        ({"min_notice_minutes_0": ""}, "min_notice_minutes", "Enter a number."),
        ({"min_notice_minutes_0": "abc"}, "min_notice_minutes", "Enter a whole number."),
    ],
)
def test_invalid_values_show_beside_the_field_and_nothing_changes(
    owner, alpha, change, field, message
):
    ServiceFactory(name="Reformer")
    before = (_defaults(alpha), _windows())

    response = owner.post(URL, {**VALID, **change, "apply_to_services": "on"})

    assert response.status_code == 422
    assert response.context["form"].errors[field][0].startswith(message)
    assert f'id="id_{field}_error"' in response.content.decode()
    assert (_defaults(alpha), _windows()) == before


def test_managers_edit_policies_and_staff_are_kept_out(in_alpha, make_member):
    manager = TenantClient(in_alpha)
    manager.force_login(make_member(in_alpha, Role.MANAGER))
    staff = TenantClient(in_alpha)
    staff.force_login(make_member(in_alpha, Role.STAFF))
    before = _defaults(in_alpha)

    assert staff.get(URL).status_code == 404
    assert staff.post(URL, VALID).status_code == 404
    assert _defaults(in_alpha) == before
    assert manager.post(URL, VALID).status_code == 302
    assert connection.schema_name == "alpha"
    assert _defaults(in_alpha) == (120, 2880, 90)
