"""Writes of the owner app shell: the studio's settings."""

from __future__ import annotations

import re
import secrets
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from shared_apps.accounts.models import User
from shared_apps.core.errors import PermissionDeniedError, ValidationFailedError
from tenants.currencies import CURRENCY_CODES
from tenants.models import Membership, Role, Tenant

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 25_000_000
# Pillow format -> file extension. SVG is refused on purpose: it can carry scripts.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}

TEXT_FIELDS = (
    "name",
    "timezone",
    "currency",
    "contact_email",
    "contact_phone",
    "address",
    "website",
)
_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,40}$")
_MAX_LENGTH = {"contact_phone": 40, "address": 300, "website": 200}


def logo_problems(upload: UploadedFile) -> tuple[list[str], str | None]:
    """Errors for an uploaded logo, and its file extension when it is fine. The content is
    checked with Pillow: the name and the browser's content type prove nothing."""
    if upload.size is not None and upload.size > LOGO_MAX_BYTES:
        return ["The logo must be 2 MB or smaller."], None
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format or ""
            width, height = image.size
            if image_format not in LOGO_FORMATS:
                return ["Upload a PNG, JPEG or WebP image."], None
            if width * height > LOGO_MAX_PIXELS:
                return ["The logo is too large: use an image up to 5000 × 5000 pixels."], None
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # decodes the pixels: catches truncated files verify() lets through
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return ["Upload a PNG, JPEG or WebP image (this file is not a readable image)."], None
    finally:
        upload.seek(0)
    return [], LOGO_FORMATS[image_format]


def phone_problems(value: str) -> list[str]:
    if value and not _PHONE.match(value):
        return ["Enter a phone number, e.g. +44 20 7946 0321."]
    return []


def website_problems(value: str) -> list[str]:
    if not value:
        return []
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ["Enter a full web address, e.g. https://yourstudio.com."]
    return []


def _text_problems(fields: dict[str, str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "name" in fields:
        if not fields["name"]:
            errors["name"] = ["Enter the studio's name."]
        elif len(fields["name"]) > 120:
            errors["name"] = ["Use at most 120 characters."]
    if "timezone" in fields and fields["timezone"] not in zoneinfo.available_timezones():
        errors["timezone"] = ["Choose a time zone from the list."]
    if "currency" in fields and fields["currency"] not in CURRENCY_CODES:
        errors["currency"] = ["Choose a currency from the list."]
    if fields.get("contact_email"):
        try:
            validate_email(fields["contact_email"])
        except ValidationError:
            errors["contact_email"] = ["Enter a valid email address."]
    if problems := phone_problems(fields.get("contact_phone", "")):
        errors["contact_phone"] = problems
    if problems := website_problems(fields.get("website", "")):
        errors["website"] = problems
    for field, limit in _MAX_LENGTH.items():
        if field not in errors and len(fields.get(field, "")) > limit:
            errors[field] = [f"Use at most {limit} characters."]
    return errors


def studio_settings_update(
    *,
    tenant: Tenant,
    acting_user: User,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
    **fields: Any,
) -> Tenant:
    """Update the studio's profile: any of TEXT_FIELDS, a new `logo`, or `remove_logo`.

    Only the studio's owners may do this (PermissionDeniedError otherwise). Every field is
    checked before anything is written (ValidationFailedError with all field errors). The public
    Tenant row is saved with update_fields; its post_save signal drops the cached host lookups so
    the next request sees the change. A replaced logo file is deleted after commit.
    """
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown studio settings: {sorted(unknown)}")
    is_owner = Membership.objects.filter(
        user=acting_user, tenant_id=tenant.pk, role=Role.OWNER
    ).exists()
    if not is_owner:
        raise PermissionDeniedError("Only the studio's owners can change its settings.")

    values = {name: str(value or "").strip() for name, value in fields.items()}
    errors = _text_problems(values)
    logo_extension = None
    if logo is not None:
        logo_errors, logo_extension = logo_problems(logo)
        if logo_errors:
            errors["logo"] = logo_errors
    if errors:
        raise ValidationFailedError(errors=errors)

    with transaction.atomic():
        studio = Tenant.objects.select_for_update().get(pk=tenant.pk)
        changed = [name for name, value in values.items() if getattr(studio, name) != value]
        for name in changed:
            setattr(studio, name, values[name])
        old_logo = studio.logo.name or ""
        if logo is not None and logo_extension is not None:
            # Our own name: never the uploader's, and a new one per upload so caches refresh.
            studio.logo.save(f"logo-{secrets.token_hex(6)}.{logo_extension}", logo, save=False)
            changed.append("logo")
        elif remove_logo and old_logo:
            studio.logo = ""  # type: ignore[assignment]
            changed.append("logo")
        if changed:
            studio.save(update_fields=changed)
        if "logo" in changed and old_logo:
            transaction.on_commit(lambda: default_storage.delete(old_logo))
    return studio
