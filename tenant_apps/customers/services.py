"""Writes for customers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Field
from django.db.models.deletion import ProtectedError
from django.db.models.functions import Lower

from realtime.payloads import appointment_change_publish
from shared_apps.accounts.models import User
from shared_apps.core.errors import ConflictError, DomainError, ValidationFailedError
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.models import Appointment, AppointmentActivity
from tenant_apps.studio.services import phone_problems


@cache
def _customer_get_or_create_sql() -> tuple[str, list[Field[Any, Any]], list[str]]:
    """One statement: the row whose lower(email) matches, else the row inserted (no savepoint,
    no sequence value spent on a known customer). Identifiers come from the model's metadata."""
    quote = connection.ops.quote_name
    insert_fields = [f for f in Customer._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in Customer._meta.concrete_fields]
    table = quote(Customer._meta.db_table)
    returned = ", ".join(quote(str(f.column)) for f in Customer._meta.concrete_fields)
    columns = ", ".join(quote(str(f.column)) for f in insert_fields)
    values = ", ".join(["%s"] * len(insert_fields))
    email = quote("email")
    sql = (
        f"WITH found AS (SELECT {returned} FROM {table} "  # noqa: S608
        f"WHERE lower({email}) = lower(%s) LIMIT 1), "
        f"created AS (INSERT INTO {table} ({columns}) SELECT {values} "
        "WHERE NOT EXISTS (SELECT 1 FROM found) "
        f"ON CONFLICT ((lower({email}))) DO NOTHING RETURNING {returned}) "
        "SELECT * FROM found UNION ALL SELECT * FROM created"
    )
    return sql, insert_fields, names


def customer_get_or_create(*, email: str, full_name: str, phone: str = "") -> Customer:
    """The customer with this email (case-insensitive, as the unique index on lower(email)
    decides), created if new, in one round trip. Safe under races: when another transaction
    inserts the same address first, ON CONFLICT inserts nothing and the winner's row is read
    once it has committed."""
    email = email.strip()
    candidate = Customer(email=email, full_name=full_name.strip(), phone=phone)
    sql, fields, names = _customer_get_or_create_sql()
    params = [
        email,
        *(
            field.get_db_prep_save(field.pre_save(candidate, add=True), connection)
            for field in fields
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # lost the race to a transaction that committed after this one began
        return Customer.objects.annotate(lowered=Lower("email")).get(
            lowered=Lower(models.Value(email))
        )
    return Customer.from_db(connection.alias, names, row)


# --- owner-side management (the API and the owner app) -------------------------------------

CUSTOMER_FIELDS = ("full_name", "email", "phone", "notes", "tags", "marketing_consent")
MAX_TAGS = 20


class CustomerEmailTakenError(ConflictError):
    code = "customer_email_taken"
    title = "Another customer has this email address"


class CustomerInUseError(ConflictError):
    code = "customer_in_use"
    title = "This customer has appointments"


def _tags_clean(tags: list[str]) -> list[str]:
    """Tags without surrounding spaces, blanks or repeats (first spelling kept)."""
    seen: set[str] = set()
    cleaned = []
    for tag in (t.strip() for t in tags):
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            cleaned.append(tag)
    return cleaned


def _email_taken(email: str) -> CustomerEmailTakenError:
    return CustomerEmailTakenError(
        f"Another customer already has the email address {email}.",
        errors={"email": ["Another customer already has this email address."]},
    )


def _customer_write(customer: Customer, data: Mapping[str, Any], *, created: bool) -> Customer:
    values = dict(data)
    for name in ("full_name", "email", "phone"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    if "tags" in values:
        values["tags"] = _tags_clean(values["tags"])
    changed = [
        name
        for name in CUSTOMER_FIELDS
        if name in values and getattr(customer, name) != values[name]
    ]
    for name in changed:
        setattr(customer, name, values[name])
    problems: dict[str, list[str]] = {}
    if not customer.full_name:
        problems["full_name"] = ["Enter the customer's name."]
    if phone := phone_problems(customer.phone):
        problems["phone"] = phone
    if len(customer.tags) > MAX_TAGS:
        problems["tags"] = [f"Use at most {MAX_TAGS} tags."]
    try:
        customer.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            problems.setdefault(field, [str(m) for m in messages])
    if problems:
        raise ValidationFailedError("Check the fields listed in errors.", errors=problems)
    if Customer.objects.filter(email__iexact=customer.email).exclude(pk=customer.pk).exists():
        raise _email_taken(customer.email)
    try:
        with transaction.atomic():
            if created:
                customer.save()
            elif changed:
                customer.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as exc:
        # Another request took the address between the check and the write.
        if "customer_unique_email_ci" not in str(exc):
            raise
        raise _email_taken(customer.email) from exc
    return customer


def customer_create(*, data: Mapping[str, Any]) -> Customer:
    """A new customer. Email addresses are unique in a studio, whatever their case
    (CustomerEmailTakenError)."""
    return _customer_write(Customer(), data, created=True)


def customer_update(*, customer: Customer, data: Mapping[str, Any]) -> Customer:
    return _customer_write(customer, data, created=False)


def customer_delete(*, customer: Customer) -> None:
    """Delete a customer without appointments. Customers who booked keep their history
    (CustomerInUseError); erasing a person's data is a separate GDPR operation."""
    try:
        with transaction.atomic():
            customer.delete()
    except ProtectedError as exc:
        raise CustomerInUseError(
            "This customer has appointments, so the record is kept with their booking history."
        ) from exc


# --- merging duplicates ----------------------------------------------------------------------


class CustomerMergeConflictError(ConflictError):
    code = "customer_merge_conflict"
    title = "These customers can't be merged"


@dataclass(frozen=True)
class CustomerMergeResult:
    survivor: Customer
    # Rows moved from the duplicate, by the plural name of what they are ("appointments": 3).
    moved: dict[str, int]


def _customer_relations() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key that points at Customer, found at run time so
    a relation added by another app later is moved too instead of being cascaded away."""
    relations: list[tuple[type[models.Model], str]] = []
    # include_hidden: a relation declared with related_name="+" (portal sign-in links) counts.
    reverse = (
        f
        for f in Customer._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and isinstance(f, models.ForeignObjectRel)
    )
    for rel in reverse:
        if rel.many_to_many:
            through = rel.through  # type: ignore[attr-defined]
            for field in through._meta.get_fields():
                if getattr(field, "related_model", None) is Customer and field.concrete:
                    relations.append((through, field.name))
        else:
            relations.append((rel.related_model, rel.field.name))  # type: ignore[arg-type]
    return relations


def _merge_note(duplicate: Customer, *, on: str) -> str:
    contact = duplicate.email + (f", {duplicate.phone}" if duplicate.phone else "")
    note = f"Merged on {on} with the duplicate record {duplicate.full_name} ({contact})."
    if duplicate.notes.strip():
        note += f" Its notes:\n{duplicate.notes.strip()}"
    return note


def customer_merge(
    *, survivor: Customer, duplicate: Customer, acting_user: User | None, now: datetime
) -> CustomerMergeResult:
    """Fold `duplicate` into `survivor` in one transaction and delete it.

    Everything that points at the duplicate (appointments, reviews, portal links, whatever other
    apps add) moves to the survivor; each moved appointment gets an activity entry. The
    survivor keeps its name, email and marketing consent (consent was given for its address);
    an empty phone is filled from the duplicate; tags combine; the duplicate's contact details
    and notes are appended to the survivor's notes, so nothing it held is lost; reminders stay
    on only if both had them on (an opt-out wins).

    Raises ValidationFailedError for the same record twice or too many tags together, and
    CustomerMergeConflictError when either record is gone (merged or deleted meanwhile) or a
    related row cannot move (a one-per-customer record both have).
    """
    if survivor.pk == duplicate.pk:
        raise ValidationFailedError(
            "Choose two different customers.",
            errors={"duplicate": ["Choose another customer than the one you keep."]},
        )
    with transaction.atomic():
        # Both rows locked, in id order (two merges of the same pair never deadlock).
        locked = {
            c.pk: c
            for c in Customer.objects.select_for_update()
            .filter(pk__in=[survivor.pk, duplicate.pk])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise CustomerMergeConflictError(
                "One of these customers was merged or deleted meanwhile. Reload and try again."
            )
        keep, gone = locked[survivor.pk], locked[duplicate.pk]
        tags = _tags_clean([*keep.tags, *gone.tags])
        if len(tags) > MAX_TAGS:
            raise ValidationFailedError(
                "Together these customers have too many tags.",
                errors={
                    "tags": [
                        f"Together they have {len(tags)} different tags; a customer can have at "
                        f"most {MAX_TAGS}. Remove some tags first."
                    ]
                },
            )
        moved: dict[str, int] = {}
        moved_appointment_ids = list(
            Appointment.objects.filter(customer=gone).values_list("pk", flat=True)
        )
        for model, field_name in _customer_relations():
            try:
                with transaction.atomic():
                    count = model._base_manager.filter(**{field_name: gone}).update(
                        **{field_name: keep}
                    )
            except IntegrityError as exc:
                raise CustomerMergeConflictError(
                    f"Both customers have {model._meta.verbose_name_plural} that can't be "
                    "combined, so they can't be merged."
                ) from exc
            if count:
                label = str(model._meta.verbose_name_plural)
                moved[label] = moved.get(label, 0) + count
        actor_label = acting_user.get_full_name() if acting_user else "System"
        AppointmentActivity.objects.bulk_create(
            AppointmentActivity(
                appointment_id=appointment_id,
                actor=acting_user,
                actor_label=actor_label,
                action="customer_merged",
                before={"customer": gone.pk, "customer_name": gone.full_name},
                after={"customer": keep.pk, "customer_name": keep.full_name},
            )
            for appointment_id in moved_appointment_ids
        )
        # Open calendars show the customer's name on each booking: they hear of it on commit.
        for appointment in Appointment.objects.filter(pk__in=moved_appointment_ids).select_related(
            "service", "customer"
        ):
            appointment_change_publish(appointment=appointment, action="customer_merged", before={})
        note = _merge_note(gone, on=now.date().isoformat())
        keep.notes = f"{keep.notes.rstrip()}\n\n{note}" if keep.notes.strip() else note
        keep.tags = tags
        if not keep.phone and gone.phone:
            keep.phone = gone.phone
        keep.reminders_enabled = keep.reminders_enabled and gone.reminders_enabled
        gone.delete()
        keep.save(update_fields=["notes", "tags", "phone", "reminders_enabled", "updated_at"])
    return CustomerMergeResult(survivor=keep, moved=moved)


# --- CSV import ------------------------------------------------------------------------------


class ImportMode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    VALID_ROWS = "valid_rows"


class ExistingPolicy(StrEnum):
    UPDATE = "update"
    SKIP = "skip"


@dataclass(frozen=True)
class ImportRow:
    """One data line of an import file, as text; `line` is its line number in the file."""

    line: int
    values: Mapping[str, str]


@dataclass(frozen=True)
class ImportRowError:
    line: int
    email: str
    messages: tuple[str, ...]


@dataclass(frozen=True)
class CustomerImportResult:
    created: int
    updated: int
    skipped: int  # existing customers left alone (ExistingPolicy.SKIP)
    unchanged: int  # existing customers the file matched exactly
    errors: tuple[ImportRowError, ...]
    written: bool  # False when nothing was kept (a dry run, or all-or-nothing with errors)


_TRUE = {"yes", "y", "true", "1", "x", "opted in", "subscribed"}
_FALSE = {"no", "n", "false", "0", "opted out", "unsubscribed"}


def _split_tags(value: str) -> list[str]:
    return [t for t in (part.strip() for part in value.replace(";", ",").split(",")) if t]


def _row_data(row: ImportRow) -> tuple[dict[str, Any], list[str]]:
    """The customer fields a row sets (empty cells set nothing), and its format problems."""
    data: dict[str, Any] = {}
    problems: list[str] = []
    for name in ("full_name", "email", "phone", "notes"):
        value = row.values.get(name, "").strip()
        if value:
            data[name] = value
    if tags := row.values.get("tags", "").strip():
        data["tags"] = _split_tags(tags)
    consent = row.values.get("marketing_consent", "").strip().lower()
    if consent in _TRUE:
        data["marketing_consent"] = True
    elif consent in _FALSE:
        data["marketing_consent"] = False
    elif consent:
        problems.append("marketing_consent: use yes or no.")
    return data, problems


def _problem_lines(exc: DomainError) -> list[str]:
    labels = {"full_name": "name"}
    lines = [f"{labels.get(field, field)}: {m}" for field, ms in exc.errors.items() for m in ms]
    return lines or [exc.detail]


def customer_import(
    *,
    rows: list[ImportRow],
    mode: ImportMode,
    existing: ExistingPolicy,
    dry_run: bool = False,
) -> CustomerImportResult:
    """Create or update customers from parsed CSV rows (see customers.csv_io).

    Every row is checked with the same rules as the customer form (customer_create /
    customer_update). A row matches an existing customer by email, whatever its case: with
    ExistingPolicy.UPDATE the row's non-empty cells replace the stored values (empty cells keep
    them); with SKIP the customer is left alone. An email that appears on two lines is an error
    on the second. ALL_OR_NOTHING writes nothing if any row has an error; VALID_ROWS keeps the
    good rows and reports the others. `dry_run` checks everything and writes nothing.
    """
    created = updated = skipped = unchanged = 0
    errors: list[ImportRowError] = []
    emails = {row.values.get("email", "").strip().lower() for row in rows} - {""}
    known: dict[str, Customer] = {
        c.email.lower(): c
        for c in Customer.objects.annotate(email_key=Lower("email")).filter(email_key__in=emails)
    }
    first_line: dict[str, int] = {}
    with transaction.atomic():
        for row in rows:
            data, problems = _row_data(row)
            email = data.get("email", "")
            key = email.lower()
            if not email:
                problems.append("email: enter the customer's email address.")
            elif key in first_line:
                problems.append(f"email: this address is already on line {first_line[key]}.")
            else:
                first_line[key] = row.line
            current = known.get(key)
            if current is None and "full_name" not in data:
                problems.append("name: enter the customer's name.")
            if problems:
                errors.append(ImportRowError(row.line, email, tuple(problems)))
                continue
            if current is not None and existing == ExistingPolicy.SKIP:
                skipped += 1
                continue
            try:
                with transaction.atomic():
                    if current is None:
                        known[key] = customer_create(data=data)
                        created += 1
                    else:
                        before = {name: getattr(current, name) for name in CUSTOMER_FIELDS}
                        # The stored spelling of the address stays (the match ignores case).
                        customer_update(customer=current, data={**data, "email": current.email})
                        after = {name: getattr(current, name) for name in CUSTOMER_FIELDS}
                        if before == after:
                            unchanged += 1
                        else:
                            updated += 1
            except (ValidationFailedError, CustomerEmailTakenError) as exc:
                if current is not None:
                    current.refresh_from_db()
                errors.append(ImportRowError(row.line, email, tuple(_problem_lines(exc))))
        written = not dry_run and not (errors and mode == ImportMode.ALL_OR_NOTHING)
        if not written:
            transaction.set_rollback(True)
    if not written:
        # Instances created in the rolled-back transaction are gone; reads must not use them.
        known.clear()
    return CustomerImportResult(
        created=created,
        updated=updated,
        skipped=skipped,
        unchanged=unchanged,
        errors=tuple(errors),
        written=written,
    )
