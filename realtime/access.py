"""Who may hold a live-calendar socket for a studio, and which events they get.

Runs in a worker thread (database_sync_to_async) and sets the studio's schema itself: Channels
runs every consumer's database work on one shared thread and connection, so a schema set by an
earlier call (another studio's socket) must never be relied on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from shared_apps.console.selectors import impersonation_session_get
from shared_apps.console.views_impersonation import SESSION_KEY as IMPERSONATION_SESSION_KEY
from tenant_apps.catalog.models import StaffMember
from tenants.access import MANAGING_ROLES, membership_for
from tenants.db import tenant_connection
from tenants.models import Tenant


@dataclass(frozen=True)
class CalendarAccess:
    role: str
    # None: every event of the studio. Otherwise only events naming this staff member (members
    # with the staff role see their own schedule; 0 when no staff profile is linked to them).
    own_staff_id: int | None

    @property
    def sees_everything(self) -> bool:
        return self.own_staff_id is None


def _impersonation_valid(session: SessionBase, tenant: Tenant, user: Any) -> bool:
    """A support session counts only while it runs, for this studio and this user (the HTTP
    side signs such people out on their next request; the socket must not outlive that)."""
    raw_id = session.get(IMPERSONATION_SESSION_KEY)
    if raw_id is None:
        return True
    try:
        session_id = int(str(raw_id))
    except ValueError:
        return False
    support = impersonation_session_get(session_id=session_id)
    return (
        support is not None
        and support.tenant_id == tenant.pk
        and support.target_user_id == user.pk
        and support.is_active_at(timezone.now())
    )


def calendar_access_get(
    *, tenant: Tenant, user: Any, session: SessionBase
) -> CalendarAccess | None:
    """The access `user` has to `tenant`'s live calendar, or None (not a member, or a support
    session that has ended). Call from a sync thread."""
    tenant_connection().set_tenant(tenant)
    if not getattr(user, "is_authenticated", False):
        return None
    if not _impersonation_valid(session, tenant, user):
        return None
    membership = membership_for(user, tenant)
    if membership is None:
        return None
    if membership.role in MANAGING_ROLES:
        return CalendarAccess(role=membership.role, own_staff_id=None)
    staff_id = StaffMember.objects.filter(user=user).values_list("pk", flat=True).first()
    return CalendarAccess(role=membership.role, own_staff_id=staff_id or 0)
