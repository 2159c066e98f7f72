"""Writes of the catalog: services, staff members and booking pages.

Each write takes the validated field values (`data`: model field names, plus id lists for the
many-to-many links), checks the rules that span fields or rows (deposit against price, ids that
must exist in this studio, a linked user who must be a member), and either raises one
ValidationFailedError with every field problem or writes in one transaction. Uniqueness is
decided by the database (a concurrent duplicate becomes the same 409 as a detected one).
"""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError
from PIL import Image, UnidentifiedImageError

from shared_apps.accounts.models import User
from shared_apps.core.errors import ConflictError, ValidationFailedError
from tenant_apps.catalog.models import BookingPage, DepositType, Service, StaffMember
from tenant_apps.catalog.questions import questions_parse, questions_problems
from tenant_apps.resources.needs import ResourceNeed
from tenant_apps.resources.services import (
    service_resource_needs_problems,
    service_resource_needs_set,
)
from tenants.currencies import CURRENCY_CODES
from tenants.models import Membership, Tenant


class ServiceInUseError(ConflictError):
    code = "service_in_use"
    title = "This service has appointments"


class StaffInUseError(ConflictError):
    code = "staff_in_use"
    title = "This staff member has appointments"


class StaffUserTakenError(ConflictError):
    code = "staff_user_taken"
    title = "This person already has a staff profile"


class BookingPageSlugTakenError(ConflictError):
    code = "booking_page_slug_taken"
    title = "Another booking page uses this address"


INVALID = "Check the fields listed in errors."

SERVICE_FIELDS = (
    "name",
    "description",
    "category",
    "duration_minutes",
    "price",
    "currency",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "slot_step_minutes",
    "min_notice_minutes",
    "max_advance_days",
    "requires_approval",
    "cancel_notice_minutes",
    "reschedule_notice_minutes",
    "deposit_type",
    "deposit_value",
    "is_active",
    "color",
)
STAFF_FIELDS = ("display_name", "bio", "email", "color", "is_bookable", "timezone")
BOOKING_PAGE_FIELDS = ("slug", "title", "intro", "questions", "policy_text", "is_active")


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def timezone_problems(value: str) -> list[str]:
    """Empty: a known IANA zone (or blank, meaning the studio's zone)."""
    if value and value not in _known_timezones():
        return ["Use an IANA time zone such as Europe/London, or leave it blank."]
    return []


def _ids_problems(
    model: type[models.Model], ids: Iterable[int], *, noun: str
) -> tuple[list[int], list[str]]:
    """The ids without duplicates, and a problem naming those that are not in this studio."""
    wanted = list(dict.fromkeys(ids))
    found = set(model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
    missing = [str(pk) for pk in wanted if pk not in found]
    if not missing:
        return wanted, []
    label = "id" if len(missing) == 1 else "ids"
    return wanted, [f"No {noun} with {label} {', '.join(missing)} in this studio."]


def _apply(instance: models.Model, data: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    """Set the given fields on `instance`; the names of those whose value changed."""
    changed = []
    for name in fields:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed


def _model_problems(instance: models.Model) -> dict[str, list[str]]:
    """The model's own field validators (bounds, lengths, colours), for callers that did not go
    through an API serializer or a form. Uniqueness and constraints are checked by the services
    and the database."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {}


def _save(instance: models.Model, changed: list[str], *, created: bool) -> None:
    if created:
        instance.save()
    elif changed:
        instance.save(update_fields=[*changed, "updated_at"])


# --- services ------------------------------------------------------------------------------


def _service_problems(service: Service) -> dict[str, list[str]]:
    problems = _model_problems(service)
    if service.currency not in CURRENCY_CODES:
        problems["currency"] = ["Use a three-letter currency code we support, e.g. GBP or EUR."]
    if "price" in problems or "deposit_value" in problems:
        return problems  # not numbers: nothing to compare
    price = Decimal(service.price)
    if price < 0:
        problems["price"] = ["The price can't be negative."]
    value = Decimal(service.deposit_value)
    if service.deposit_type == DepositType.PERCENT:
        if not 0 < value <= 100:
            problems["deposit_value"] = ["A percentage deposit is more than 0 and at most 100."]
    elif service.deposit_type == DepositType.AMOUNT:
        if value <= 0:
            problems["deposit_value"] = ["Enter the deposit amount."]
        elif value > price:
            problems["deposit_value"] = [
                f"The deposit can't be more than the price ({price:.2f} {service.currency})."
            ]
    return problems


def _service_write(service: Service, data: Mapping[str, Any], *, created: bool) -> Service:
    values = dict(data)
    if "currency" in values:
        values["currency"] = str(values["currency"]).strip().upper()
    if values.get("deposit_type") == DepositType.NONE or (
        "deposit_type" not in values and service.deposit_type == DepositType.NONE
    ):
        # No deposit: a value sent alongside means nothing, so it is not kept.
        values["deposit_value"] = Decimal("0")
    changed = _apply(service, values, SERVICE_FIELDS)
    problems = _service_problems(service)
    staff_ids: list[int] | None = None
    if "staff" in values:
        staff_ids, missing = _ids_problems(StaffMember, values["staff"], noun="staff member")
        if missing:
            problems["staff"] = missing
    needs: list[ResourceNeed] | None = None
    if "resource_needs" in values:
        needs, need_problems = service_resource_needs_problems(values["resource_needs"])
        problems.update(need_problems)
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    with transaction.atomic():
        _save(service, changed, created=created)
        if staff_ids is not None:
            service.staff.set(staff_ids)
        if needs is not None:
            service_resource_needs_set(service=service, needs=needs)
    return service


def service_create(*, tenant: Tenant, data: Mapping[str, Any]) -> Service:
    """A new service. The currency and the booking policy (notice, cancel and reschedule
    windows) default to the studio's; `data` may set them otherwise."""
    service = Service(
        currency=tenant.currency,
        min_notice_minutes=tenant.default_min_notice_minutes,
        cancel_notice_minutes=tenant.default_cancel_notice_minutes,
        reschedule_notice_minutes=tenant.default_reschedule_notice_minutes,
    )
    return _service_write(service, data, created=True)


def service_update(*, service: Service, data: Mapping[str, Any]) -> Service:
    """Change the given fields (and, when `staff` is given, replace who performs it). The rules
    are checked on the result, so a lower price is refused while the deposit is higher."""
    return _service_write(service, data, created=False)


def service_delete(*, service: Service) -> None:
    """Delete a service that was never booked. Booked services keep their history: deactivate
    them instead (ServiceInUseError)."""
    try:
        with transaction.atomic():
            service.delete()
    except ProtectedError as exc:
        raise ServiceInUseError(
            "This service has appointments, so it can't be deleted. "
            "Deactivate it instead (is_active: false): it then can't be booked any more.",
        ) from exc


# --- staff members -------------------------------------------------------------------------

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_PIXELS = 25_000_000
# Pillow format -> file extension. SVG is refused on purpose: it can carry scripts.
PHOTO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def staff_photo_problems(upload: UploadedFile) -> tuple[list[str], str | None]:
    """Errors for an uploaded staff photo, and its file extension when it is fine. The content
    is checked with Pillow (as the studio logo is): a name or content type proves nothing."""
    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        return ["The photo must be 2 MB or smaller."], None
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format or ""
            width, height = image.size
            if image_format not in PHOTO_FORMATS:
                return ["Upload a PNG, JPEG or WebP image."], None
            if width * height > PHOTO_MAX_PIXELS:
                return ["The photo is too large: use an image up to 5000 × 5000 pixels."], None
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # decodes the pixels: catches truncated files verify() lets through
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return ["Upload a PNG, JPEG or WebP image (this file is not a readable image)."], None
    finally:
        upload.seek(0)
    return [], PHOTO_FORMATS[image_format]


def _staff_user(
    tenant: Tenant, data: Mapping[str, Any], problems: dict[str, list[str]]
) -> tuple[bool, User | None]:
    """(whether the link is being set, the user to link) from `user` (id) or `user_email`."""
    if "user_email" in data and data["user_email"] not in (None, ""):
        members = Membership.objects.filter(
            tenant_id=tenant.pk, user__email__iexact=str(data["user_email"]).strip()
        )
        field = "user_email"
    elif "user" in data and data["user"] is not None:
        members = Membership.objects.filter(tenant_id=tenant.pk, user_id=data["user"])
        field = "user"
    elif "user" in data or "user_email" in data:
        return True, None
    else:
        return False, None
    membership = members.select_related("user").first()
    if membership is None:
        problems[field] = [
            "This person is not a member of this studio. Invite them to the team first."
        ]
        return True, None
    return True, membership.user


def _staff_write(
    tenant: Tenant,
    staff: StaffMember,
    data: Mapping[str, Any],
    *,
    created: bool,
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
) -> StaffMember:
    values = dict(data)
    for name in ("display_name", "email", "timezone"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    changed = _apply(staff, values, STAFF_FIELDS)
    problems = _model_problems(staff)
    if tz_problems := timezone_problems(staff.timezone):
        problems["timezone"] = tz_problems
    linking, user = _staff_user(tenant, values, problems)
    link_field = "user_email" if values.get("user_email") else "user"
    if linking and staff.user_id != (user.pk if user else None):
        staff.user = user
        changed.append("user")
    service_ids: list[int] | None = None
    if "services" in values:
        service_ids, missing = _ids_problems(Service, values["services"], noun="service")
        if missing:
            problems["services"] = missing
    photo_extension = None
    if photo is not None:
        photo_errors, photo_extension = staff_photo_problems(photo)
        if photo_errors:
            problems["photo"] = photo_errors
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    if user is not None and (
        StaffMember.objects.filter(user_id=user.pk).exclude(pk=staff.pk).exists()
    ):
        raise _user_taken(user, link_field)
    old_photo = staff.photo.name or ""
    if photo is not None and photo_extension is not None:
        # Our own name, never the uploader's; the schema keeps studios' files apart and a new
        # name per upload lets caches refresh.
        name = f"{tenant.schema_name}-{secrets.token_hex(8)}.{photo_extension}"
        staff.photo.save(name, photo, save=False)
        changed.append("photo")
    elif remove_photo and old_photo:
        staff.photo = ""  # type: ignore[assignment]
        changed.append("photo")
    try:
        with transaction.atomic():
            _save(staff, changed, created=created)
            if service_ids is not None:
                staff.services.set(service_ids)
            if "photo" in changed and old_photo:
                transaction.on_commit(lambda: default_storage.delete(old_photo))
    except IntegrityError as exc:
        if user is not None and "staff_unique_user" in str(exc):
            raise _user_taken(user, link_field) from exc
        raise
    return staff


def _user_taken(user: User, field: str) -> StaffUserTakenError:
    return StaffUserTakenError(
        f"{user.email} is already linked to another staff profile.",
        errors={field: ["Already linked to another staff profile in this studio."]},
    )


def staff_member_create(
    *, tenant: Tenant, data: Mapping[str, Any], photo: UploadedFile | None = None
) -> StaffMember:
    """A new staff member. `user` (a user id) or `user_email` links the platform account they
    sign in with; that person must be a member of this studio. `photo` is checked with Pillow."""
    return _staff_write(tenant, StaffMember(), data, created=True, photo=photo)


def staff_member_update(
    *,
    tenant: Tenant,
    staff: StaffMember,
    data: Mapping[str, Any],
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
) -> StaffMember:
    """Change the given fields; `services` replaces what they perform; `user: null` unlinks;
    a new `photo` replaces the old one (whose file is deleted after commit)."""
    return _staff_write(tenant, staff, data, created=False, photo=photo, remove_photo=remove_photo)


def staff_member_delete(*, staff: StaffMember) -> None:
    """Delete a staff member who never had an appointment (their hours and time off go too).
    Staff with appointments keep their history: set is_bookable false instead. Their photo's
    file is deleted once the deletion commits."""
    photo = staff.photo.name or ""
    try:
        with transaction.atomic():
            staff.delete()
            if photo:
                transaction.on_commit(lambda: default_storage.delete(photo))
    except ProtectedError as exc:
        raise StaffInUseError(
            "This staff member has appointments, so they can't be deleted. "
            "Make them not bookable instead (is_bookable: false).",
        ) from exc


# --- booking pages -------------------------------------------------------------------------


def _booking_page_write(
    page: BookingPage, data: Mapping[str, Any], *, created: bool
) -> BookingPage:
    values = dict(data)
    problems: dict[str, list[str]] = {}
    if "questions" in values:
        problems.update(questions_problems(values["questions"]))
        if not problems:
            values["questions"] = [q.as_json() for q in questions_parse(values["questions"])]
    changed = _apply(
        page, {k: v for k, v in values.items() if k not in problems}, BOOKING_PAGE_FIELDS
    )
    for field, messages in _model_problems(page).items():
        problems.setdefault(field, messages)
    related: dict[str, list[int]] = {}
    for field, model, noun in (
        ("services", Service, "service"),
        ("staff", StaffMember, "staff member"),
    ):
        if field in values:
            related[field], missing = _ids_problems(model, values[field], noun=noun)
            if missing:
                problems[field] = missing
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    if BookingPage.objects.filter(slug=page.slug).exclude(pk=page.pk).exists():
        raise _slug_taken(page.slug)
    try:
        with transaction.atomic():
            _save(page, changed, created=created)
            for field, ids in related.items():
                getattr(page, field).set(ids)
    except IntegrityError as exc:
        if "slug" not in str(exc):
            raise
        raise _slug_taken(page.slug) from exc
    return page


def _slug_taken(slug: str) -> BookingPageSlugTakenError:
    return BookingPageSlugTakenError(
        f'Another booking page already uses the address "{slug}".',
        errors={"slug": ["Another booking page already uses this address. Choose another."]},
    )


def booking_page_create(*, data: Mapping[str, Any]) -> BookingPage:
    """A new booking page. Questions are checked by catalog.questions and stored normalised."""
    return _booking_page_write(BookingPage(), data, created=True)


def booking_page_update(*, page: BookingPage, data: Mapping[str, Any]) -> BookingPage:
    return _booking_page_write(page, data, created=False)


def booking_page_delete(*, page: BookingPage) -> None:
    page.delete()
