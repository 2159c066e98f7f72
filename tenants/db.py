"""The tenant-aware database connection, typed.

django-tenants swaps Django's PostgreSQL wrapper for one that knows its schema; the stubs only
know the generic wrapper, so code that reads or sets the schema goes through here.
"""

from __future__ import annotations

from typing import cast

from django.db import connection
from django_tenants.postgresql_backend.base import DatabaseWrapper


def tenant_connection() -> DatabaseWrapper:
    return cast(DatabaseWrapper, connection)


def current_schema() -> str:
    return str(tenant_connection().schema_name)
