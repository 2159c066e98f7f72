"""Credit-package errors with stable codes (mapped to HTTP by shared_apps.core.problems)."""

from __future__ import annotations

from shared_apps.core.errors import ConflictError


class InsufficientCreditsError(ConflictError):
    """No package of the customer covers this with enough credits left (or an adjustment would
    take a balance below zero)."""

    code = "insufficient_credits"
    title = "Not enough credits"


class PackageExpiredError(ConflictError):
    code = "package_expired"
    title = "This package has expired"


class ProductInactiveError(ConflictError):
    code = "product_inactive"
    title = "This package is no longer sold"


class ProductInUseError(ConflictError):
    code = "product_in_use"
    title = "This package product has been sold"
