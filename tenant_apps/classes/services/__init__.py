"""Writes of group classes, one module per family (class types, sessions, enrollments,
waitlists, settings); import them from here."""

from tenant_apps.classes.services.class_types import (
    class_type_create,
    class_type_delete,
    class_type_update,
)
from tenant_apps.classes.services.enrollments import (
    enrollment_book,
    enrollment_cancel,
    enrollment_check_in,
    enrollment_mark_no_show,
    walk_in_add,
)
from tenant_apps.classes.services.sessions import (
    class_series_create,
    class_session_cancel,
    class_session_create,
    class_session_update,
    session_needs,
    weekly_starts,
)
from tenant_apps.classes.services.settings import class_settings_update
from tenant_apps.classes.services.waitlist import (
    enrollment_offer_claim,
    waitlist_housekeeping,
    waitlist_promote,
)

__all__ = [
    "class_series_create",
    "class_session_cancel",
    "class_session_create",
    "class_session_update",
    "class_settings_update",
    "class_type_create",
    "class_type_delete",
    "class_type_update",
    "enrollment_book",
    "enrollment_cancel",
    "enrollment_check_in",
    "enrollment_mark_no_show",
    "enrollment_offer_claim",
    "session_needs",
    "waitlist_housekeeping",
    "waitlist_promote",
    "walk_in_add",
    "weekly_starts",
]
