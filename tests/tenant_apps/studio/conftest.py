from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from PIL import Image

from shared_apps.accounts.models import User
from tenants.models import Membership, Tenant
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def web(db) -> Client:  # type: ignore[no-untyped-def]
    return Client()


@pytest.fixture
def make_member(db) -> Callable[..., User]:  # type: ignore[no-untyped-def]
    """make_member(tenant, role, email=...) -> a user with that role in that studio."""

    def make(tenant: Tenant, role: str, email: str | None = None) -> User:
        user = User.objects.create_user(
            email or f"{role}@{tenant.slug}.test", TEST_PASSWORD, full_name=f"{role.title()} Person"
        )
        Membership.objects.create(user=user, tenant=tenant, role=role)
        return user

    return make


@pytest.fixture
def media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (79, 110, 247)).save(buffer, fmt)
    return buffer.getvalue()
