"""Fixtures of the console tests: a platform operator and a browser signed in as them."""

from __future__ import annotations

import pytest
from django.test import Client

from shared_apps.accounts.models import User
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def operator(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user(
        "olivia@studiobook.test", TEST_PASSWORD, full_name="Olivia Operator", is_staff=True
    )


@pytest.fixture
def operator_client(operator: User) -> Client:
    """The operator's browser on the platform host."""
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(operator)
    return browser


@pytest.fixture
def studio_browser() -> Client:
    """A second browser profile for a studio host (session cookies are per host in a browser;
    the test client would otherwise share one cookie jar across hosts)."""
    return Client(HTTP_HOST="alpha.localhost")
