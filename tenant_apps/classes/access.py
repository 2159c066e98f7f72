"""Who may see and change classes: the one place that decides it.

Every member of a studio sees every class. Owners and managers change anything; staff run the
roster (check-in, no-show, walk-ins) of the sessions they teach themselves.
"""

from __future__ import annotations

from shared_apps.core.errors import PermissionDeniedError
from tenant_apps.classes import selectors
from tenant_apps.classes.errors import (
    ClassSessionNotFoundError,
    ClassTypeNotFoundError,
    EnrollmentNotFoundError,
)
from tenant_apps.classes.models import ClassSession, ClassType, Enrollment
from tenants.access import MANAGING_ROLES
from tenants.models import Membership


class ClassChangeDeniedError(PermissionDeniedError):
    code = "class_change_denied"
    title = "You may not change this class"


def is_manager(membership: Membership) -> bool:
    return membership.role in MANAGING_ROLES


def teaches(membership: Membership, session: ClassSession) -> bool:
    user_id = session.instructor.user_id
    return user_id is not None and user_id == membership.user_id


def access_class_type_by_id(*, class_type_id: int) -> ClassType:
    class_type = selectors.class_type_get(class_type_id=class_type_id)
    if class_type is None:
        raise ClassTypeNotFoundError("There is no class type with this id in this studio.")
    return class_type


def access_class_session_by_id(
    *, membership: Membership, session_id: int, for_roster: bool = False
) -> ClassSession:
    """The session, if this studio has it (else not found). With `for_roster`, refused (403)
    to staff who don't teach it."""
    session = selectors.class_session_get(session_id=session_id)
    if session is None:
        raise ClassSessionNotFoundError("There is no class with this id in this studio.")
    if for_roster and not (is_manager(membership) or teaches(membership, session)):
        raise ClassChangeDeniedError(
            "Staff run the roster of their own classes only; ask an owner or a manager."
        )
    return session


def access_enrollment_by_id(
    *, membership: Membership, enrollment_id: int, for_roster: bool = False
) -> Enrollment:
    enrollment = selectors.enrollment_get(enrollment_id=enrollment_id)
    if enrollment is None:
        raise EnrollmentNotFoundError("There is no enrollment with this id in this studio.")
    if for_roster and not (is_manager(membership) or teaches(membership, enrollment.session)):
        raise ClassChangeDeniedError(
            "Staff run the roster of their own classes only; ask an owner or a manager."
        )
    return enrollment


def require_manager(membership: Membership) -> None:
    if not is_manager(membership):
        raise ClassChangeDeniedError("Only the studio's owners and managers can change this.")
