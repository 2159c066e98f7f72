"""Scheduled housekeeping fans out to every studio and works in each one's schema."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.scheduling.idempotency import RETENTION
from tenant_apps.scheduling.models import IdempotencyRecord
from tenant_apps.scheduling.tasks import idempotency_records_purge_all


def _record(key: str, age: timedelta) -> None:
    record = IdempotencyRecord.objects.create(
        key=key, scope="public-booking", request_hash="h", response_status=201, response_body={}
    )
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - age)


def test_old_idempotency_records_are_purged_in_every_studio(alpha, beta):
    with schema_context("alpha"):
        _record("old", RETENTION + timedelta(hours=1))
        _record("recent", timedelta(minutes=5))
    with schema_context("beta"):
        _record("old", RETENTION + timedelta(hours=1))

    sent = idempotency_records_purge_all()

    assert sent == 2  # alpha and beta (the platform's own schema is not a studio)
    assert connection.schema_name == "public"
    with schema_context("alpha"):
        assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
    with schema_context("beta"):
        assert not IdempotencyRecord.objects.exists()
