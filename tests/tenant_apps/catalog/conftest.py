from __future__ import annotations

import pytest
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenants.models import Tenant


@pytest.fixture
def owner_client(in_alpha: Tenant, alpha_client: TenantClient, alpha_owner: User) -> TenantClient:
    """alpha's owner signed in on alpha's host, with alpha's schema active for the ORM."""
    alpha_client.force_login(alpha_owner)
    return alpha_client
