"""Errors of group classes with stable codes (mapped to HTTP by shared_apps.core.problems)."""

from __future__ import annotations

from shared_apps.core.errors import ConflictError, NotFoundError


class ClassFullError(ConflictError):
    code = "class_full"
    title = "This class is full"


class AlreadyEnrolledError(ConflictError):
    code = "already_enrolled"
    title = "Already booked or on the waitlist for this class"


class SessionNotBookableError(ConflictError):
    """The session is cancelled or has started: nobody books it any more."""

    code = "session_not_bookable"
    title = "This class can't be booked"


class SessionCancelledError(ConflictError):
    code = "session_cancelled"
    title = "This class is cancelled"


class InstructorBusyError(ConflictError):
    code = "instructor_busy"
    title = "The instructor is busy at this time"


class EnrollmentTransitionError(ConflictError):
    code = "invalid_transition"
    title = "This change to the enrollment is not allowed"


class AttendanceTooEarlyError(ConflictError):
    code = "attendance_too_early"
    title = "Attendance is taken from shortly before the start"


class OfferExpiredError(ConflictError):
    code = "offer_expired"
    title = "This offer has expired"


class OfferNotFoundError(NotFoundError):
    """A claim link that is forged, damaged, or names no open offer."""

    code = "offer_not_found"
    title = "No such offer"


class ClassTypeNotFoundError(NotFoundError):
    code = "class_type_not_found"
    title = "No such class type"


class ClassSessionNotFoundError(NotFoundError):
    code = "class_session_not_found"
    title = "No such class"


class EnrollmentNotFoundError(NotFoundError):
    code = "enrollment_not_found"
    title = "No such enrollment"


class ClassTypeInUseError(ConflictError):
    code = "class_type_in_use"
    title = "This class type has sessions"
