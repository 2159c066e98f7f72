from __future__ import annotations

import pytest
from django.test import Client

from shared_apps.accounts.models import User
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def web(db) -> Client:  # type: ignore[no-untyped-def]
    """A browser: one cookie jar for every host (each request names its host)."""
    return Client()


@pytest.fixture
def outsider(db) -> User:  # type: ignore[no-untyped-def]
    """A platform user who belongs to no studio."""
    return User.objects.create_user(
        "outsider@example.test", TEST_PASSWORD, full_name="Olly Outsider"
    )


def login(  # type: ignore[no-untyped-def]
    client: Client,
    host: str,
    email: str,
    password: str = TEST_PASSWORD,
    next: str | None = None,
    **headers: str,
):
    """POST the login form on `host` as a browser would (`headers`: e.g. REMOTE_ADDR)."""
    data = {"email": email, "password": password}
    if next is not None:
        data["next"] = next
    return client.post("/accounts/login/", data, HTTP_HOST=host, **headers)
