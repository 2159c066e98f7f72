"""The classes endpoints in the studio's OpenAPI schema: each documented once (slash-less
aliases left out), the public ones without sign-in, with their error responses."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management import call_command


def test_classes_endpoints_are_documented_once(db, tmp_path: Path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--urlconf", "config.urls_tenant", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    class_paths = {
        p for p in schema["paths"] if "class" in p or p.startswith("/api/v1/enrollments")
    } | {p for p in schema["paths"] if p.startswith("/api/v1/public/enrollments")}
    assert class_paths == {
        "/api/v1/class-types/",
        "/api/v1/class-types/{id}/",
        "/api/v1/class-sessions/",
        "/api/v1/class-sessions/{session_id}/",
        "/api/v1/class-sessions/{session_id}/cancel/",
        "/api/v1/class-sessions/{session_id}/enrollments/",
        "/api/v1/class-sessions/{session_id}/walk-ins/",
        "/api/v1/class-series/",
        "/api/v1/class-settings/",
        "/api/v1/enrollments/{enrollment_id}/cancel/",
        "/api/v1/enrollments/{enrollment_id}/check-in/",
        "/api/v1/enrollments/{enrollment_id}/no-show/",
        "/api/v1/public/classes/",
        "/api/v1/public/enrollments/",
        "/api/v1/public/enrollments/{reference}/",
        "/api/v1/public/enrollments/{reference}/cancel/",
    }
    public_create = schema["paths"]["/api/v1/public/enrollments/"]["post"]
    assert public_create["security"] == [{}]
    assert {p["name"] for p in public_create["parameters"]} == {"Idempotency-Key"}
    assert set(public_create["responses"]) == {"201", "409", "422", "429"}
    enroll = schema["paths"]["/api/v1/class-sessions/{session_id}/enrollments/"]["post"]
    assert set(enroll["responses"]) == {"201", "403", "404", "409", "422"}
    statuses = schema["components"]["schemas"]["EnrollmentStatusEnum"]["enum"]
    assert statuses == [
        "booked",
        "waitlisted",
        "offered",
        "offer_expired",
        "cancelled",
        "attended",
        "no_show",
    ]
