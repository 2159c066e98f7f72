from __future__ import annotations

import pytest
from django_tenants.test.client import TenantClient

from tenants.models import Tenant
from tests.tenant_apps.portal.support import Studio, studio_create


@pytest.fixture
def studio(in_alpha: Tenant) -> Studio:
    return studio_create()


@pytest.fixture
def client(alpha_client: TenantClient) -> TenantClient:
    return alpha_client
