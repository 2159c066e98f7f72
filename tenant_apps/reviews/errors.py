"""Review errors with stable codes (mapped to HTTP by shared_apps.core.problems)."""

from __future__ import annotations

from shared_apps.core.errors import ConflictError, NotFoundError


class AlreadyReviewedError(ConflictError):
    code = "already_reviewed"
    title = "This appointment has already been reviewed"


class NotReviewableError(ConflictError):
    code = "not_reviewable"
    title = "This appointment can't be reviewed"


class ReviewNotFoundError(NotFoundError):
    code = "review_not_found"
    title = "No such review"
