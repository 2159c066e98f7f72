"""The OpenAPI schema of a studio's host: generated without warnings, valid, with the booking
endpoints documented once each (the slash-less aliases are left out)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management import call_command


def test_the_whole_studio_api_schema_generates_without_warnings(db, tmp_path: Path):
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--urlconf",
        "config.urls_tenant",
        "--file",
        str(target),
    )
    schema = yaml.safe_load(target.read_text())
    booking_paths = {
        p
        for p in schema["paths"]
        if ("appointments" in p or "/public/" in p)
        # The public classes API has its own schema test (tests/tenant_apps/classes).
        and not p.startswith(("/api/v1/public/classes", "/api/v1/public/enrollments"))
    }
    assert booking_paths == {
        "/api/v1/appointments/",
        "/api/v1/appointments/{appointment_id}/",
        "/api/v1/appointments/{appointment_id}.ics",
        "/api/v1/appointments/{appointment_id}/activity/",
        "/api/v1/appointments/{appointment_id}/cancel/",
        "/api/v1/appointments/{appointment_id}/reschedule/",
        "/api/v1/appointments/{appointment_id}/status/",
        "/api/v1/customers/{id}/appointments/",
        "/api/v1/public/bookings/",
        "/api/v1/public/bookings/{reference}/",
        "/api/v1/public/bookings/{reference}.ics",
        "/api/v1/public/package-products/",
        "/api/v1/public/services/",
        "/api/v1/public/slots/",
        "/api/v1/public/staff/",
    }
    public_create = schema["paths"]["/api/v1/public/bookings/"]["post"]
    assert public_create["security"] == [{}]  # no sign-in
    assert {p["name"] for p in public_create["parameters"]} == {"Idempotency-Key"}
    assert set(public_create["responses"]) == {"201", "409", "422", "429"}
    statuses = schema["components"]["schemas"]["AppointmentStatusEnum"]["enum"]
    assert statuses == ["pending", "confirmed", "rejected", "cancelled", "completed", "no_show"]
