"""Celery tenancy, proven with a real worker (solo pool, in a thread of this process) consuming
from the test Redis broker: a task runs in the schema it was sent from, and work sent after
commit keeps the schema captured when it was enqueued (stack notes, section 4).

The worker only sees committed rows, so these tests use `alpha_tx` (the post-test flush then
runs on alpha's schema, never on public)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.result import AsyncResult
from celery.signals import after_task_publish
from django.db import connection, transaction
from django_tenants.utils import schema_context

from config.celery import app as celery_app
from tenant_apps.customers.models import Customer
from tenants.task_context import enqueue_in_schema, enqueue_on_commit
from tenants.tasks import NotInStudioSchemaError, studio_usage_snapshot

pytestmark = pytest.mark.worker

RESULT_TIMEOUT = 10


@pytest.fixture(scope="module")
def worker() -> Iterator[Celery]:
    """One embedded worker for the module. Eager mode (the test default) is off meanwhile, and
    the worker leaves the test process's logging as it found it (Celery's log setup would set
    the root level and may add handlers)."""
    overrides = {"task_always_eager": False, "worker_hijack_root_logger": False}
    saved = {key: celery_app.conf[key] for key in overrides}
    root = logging.getLogger()
    root_level, root_handlers = root.level, list(root.handlers)
    celery_app.conf.update(overrides)
    celery_app.control.purge()  # nothing left over from an interrupted run
    try:
        with start_worker(
            celery_app,
            pool="solo",
            loglevel=logging.getLevelName(root_level),
            perform_ping_check=False,
            shutdown_timeout=RESULT_TIMEOUT,
        ):
            yield celery_app
    finally:
        celery_app.conf.update(saved)
        root.setLevel(root_level)
        root.handlers[:] = root_handlers


@pytest.fixture
def published() -> Iterator[list[dict[str, Any]]]:
    """Every task message this process sends: task id and the schema header it carries."""
    sent: list[dict[str, Any]] = []

    def record(sender: str | None = None, headers: dict[str, Any] | None = None, **_: Any) -> None:
        headers = headers or {}
        sent.append({"task": sender, "id": headers["id"], "schema": headers["_schema_name"]})

    after_task_publish.connect(record, weak=False)
    yield sent
    after_task_publish.disconnect(record)


def _add_customers(count: int) -> None:
    for n in range(count):
        Customer.objects.create(full_name=f"Worker Customer {n}", email=f"w{n}@alpha.test")


def test_task_sent_in_a_studio_runs_in_that_studio(alpha_tx, worker, published):
    with schema_context("alpha"):
        _add_customers(2)
        alpha_result = studio_usage_snapshot.delay()
    with schema_context("beta"):
        beta_result = studio_usage_snapshot.delay()

    alpha_figures = alpha_result.get(timeout=RESULT_TIMEOUT)
    beta_figures = beta_result.get(timeout=RESULT_TIMEOUT)

    assert (alpha_figures["schema_name"], alpha_figures["counts"]["customers"]) == ("alpha", 2)
    assert (beta_figures["schema_name"], beta_figures["counts"]["customers"]) == ("beta", 0)
    assert [message["schema"] for message in published] == ["alpha", "beta"]


def test_enqueue_in_schema_runs_in_the_named_studio(alpha_tx, worker, published):
    connection.set_schema_to_public()

    enqueue_in_schema(studio_usage_snapshot, schema_name="alpha")

    assert [message["schema"] for message in published] == ["alpha"]
    figures = AsyncResult(published[0]["id"]).get(timeout=RESULT_TIMEOUT)
    assert figures["schema_name"] == "alpha"


def test_enqueue_on_commit_keeps_the_studio_after_its_context_has_gone(alpha_tx, worker, published):
    connection.set_schema_to_public()

    with transaction.atomic():
        with schema_context("alpha"):
            _add_customers(1)
            enqueue_on_commit(studio_usage_snapshot)
        assert connection.schema_name == "public"  # the commit happens here, on public
        assert published == []  # nothing is sent before the commit

    assert [message["schema"] for message in published] == ["alpha"]
    figures = AsyncResult(published[0]["id"]).get(timeout=RESULT_TIMEOUT)
    assert figures["schema_name"] == "alpha"
    assert figures["counts"]["customers"] == 1  # the worker sees the committed row


class _Rollback(Exception):
    pass


def test_enqueue_on_commit_sends_nothing_when_the_transaction_rolls_back(
    alpha_tx, worker, published
):
    connection.set_schema_to_public()

    with pytest.raises(_Rollback), transaction.atomic():
        with schema_context("alpha"):
            _add_customers(1)
            enqueue_on_commit(studio_usage_snapshot)
        raise _Rollback

    assert published == []
    with schema_context("alpha"):
        assert Customer.objects.count() == 0


def test_bare_delay_on_commit_runs_on_public(alpha_tx, worker, published):
    """The pitfall enqueue_on_commit exists for: tenant-schemas-celery reads the schema when the
    message is sent, and delay_on_commit sends at commit, after schema_context has exited."""
    connection.set_schema_to_public()

    with transaction.atomic(), schema_context("alpha"):
        studio_usage_snapshot.delay_on_commit()

    assert [message["schema"] for message in published] == ["public"]
    with pytest.raises(NotInStudioSchemaError, match="not on public"):
        AsyncResult(published[0]["id"]).get(timeout=RESULT_TIMEOUT)
