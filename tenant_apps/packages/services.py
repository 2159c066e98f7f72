"""Writes of credit packages: products, sales, uses, refunds, adjustments, expiry.

The ledger is kept by PostgreSQL (see models.py): these functions only ever insert
`CreditEntry` rows and never write a balance. A use locks the packages it chooses between, so
concurrent uses of one customer's credits queue up and each sees the balance the previous one
left; the balance's CHECK (>= 0) stays the last word, and its violation (SQLSTATE 23514) becomes
the same clean 409 as the re-check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.deletion import ProtectedError

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.catalog.models import Service
from tenant_apps.classes.models import ClassType, Enrollment
from tenant_apps.customers.models import Customer
from tenant_apps.notifications.models import NotificationKind
from tenant_apps.notifications.rendering import studio_card, when_long, zone_for
from tenant_apps.notifications.selectors import current_studio
from tenant_apps.notifications.services import customer_message_queue
from tenant_apps.packages.errors import (
    InsufficientCreditsError,
    ProductInactiveError,
    ProductInUseError,
)
from tenant_apps.packages.models import (
    CreditEntry,
    CreditEntryKind,
    CustomerPackage,
    PackageProduct,
    SaleMethod,
    ValidityStart,
)
from tenant_apps.scheduling.models import Appointment
from tenants.currencies import CURRENCY_CODES
from tenants.models import Tenant

if TYPE_CHECKING:
    from tenant_apps.scheduling.services import Actor

CHECK_VIOLATION = "23514"
UNIQUE_VIOLATION = "23505"
SYSTEM_LABEL = "System"
PORTAL_CREDITS_PATH = "/portal/credits/"


def _sqlstate(exc: IntegrityError) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


def credits_text(count: int) -> str:
    """ "1 credit", "5 credits"."""
    return f"{count} credit{'' if count == 1 else 's'}"


def _actor_label(actor: Actor) -> str:
    return (actor.label or SYSTEM_LABEL)[:200]


def _entry_insert(
    *,
    package: CustomerPackage,
    kind: CreditEntryKind,
    amount: int,
    now: datetime,
    actor: Actor,
    reason: str = "",
    appointment_id: int | None = None,
    enrollment_id: int | None = None,
    refund_of: CreditEntry | None = None,
) -> CreditEntry:
    """Insert one entry in a savepoint (the trigger moves the balance and fills
    `balance_after`); an overspend becomes InsufficientCreditsError with nothing written."""
    try:
        with transaction.atomic():
            entry = CreditEntry.objects.create(
                package=package,
                kind=kind,
                amount=amount,
                appointment_id=appointment_id,
                enrollment_id=enrollment_id,
                refund_of=refund_of,
                reason=reason[:300],
                actor=actor.user,
                actor_label=_actor_label(actor),
                created_at=now,
            )
    except IntegrityError as exc:
        if _sqlstate(exc) == CHECK_VIOLATION:
            raise InsufficientCreditsError(
                f"{package.name} has {credits_text(package.balance)} left."
            ) from exc
        raise
    # Keep the caller's copy in step with the row the trigger updated.
    package.balance = entry.balance_after
    return entry


def package_expiry_at(package: CustomerPackage, *, now: datetime) -> datetime:
    """When the package expires; for a first-use package never used, when it would if it were
    used `now`."""
    if package.expires_at is not None:
        return package.expires_at
    return now + timedelta(days=package.validity_days)


def package_is_usable(package: CustomerPackage, *, now: datetime) -> bool:
    """Not expired at `now` (a first-use package never used has no expiry yet)."""
    if package.expires_at is None:
        return package.first_used_at is None
    return package.expires_at > now


def _usable_filter(now: datetime) -> Q:
    return Q(expires_at__gt=now) | Q(expires_at__isnull=True, first_used_at__isnull=True)


def _packages_lock(package_ids: list[int]) -> list[CustomerPackage]:
    """The packages, locked (SELECT ... FOR UPDATE) in id order and read as they are now."""
    return list(
        CustomerPackage.objects.select_for_update().filter(pk__in=package_ids).order_by("pk")
    )


def credits_use(
    *,
    customer: Customer,
    credits: int,
    now: datetime,
    actor: Actor,
    service: Service | None = None,
    class_type: ClassType | None = None,
    appointment: Appointment | None = None,
    enrollment: Enrollment | None = None,
) -> CreditEntry:
    """Pay for a service or a class with `credits` of the customer's credits: from the package
    covering it that expires first, among those not expired with enough left. Runs in a
    savepoint, so a refusal (InsufficientCreditsError, 409 "insufficient_credits") leaves the
    caller's transaction usable and nothing written."""
    if (service is None) == (class_type is None):
        raise ValidationFailedError("Say what the credits pay for: a service or a class type.")
    if credits < 1:
        raise ValidationFailedError(
            "Check the fields listed in errors.", errors={"credits": ["Use at least one credit."]}
        )
    covering = CustomerPackage.objects.filter(customer=customer, balance__gte=credits).filter(
        _usable_filter(now)
    )
    if service is not None:
        covering = covering.filter(product__services=service)
    else:
        covering = covering.filter(product__class_types=class_type)
    candidate_ids = list(covering.values_list("pk", flat=True).distinct())
    with transaction.atomic():
        # Locked in id order (no deadlock between two uses), then re-read: a concurrent use may
        # have spent what the first look saw.
        locked = [
            package
            for package in _packages_lock(candidate_ids)
            if package.balance >= credits and package_is_usable(package, now=now)
        ]
        if not locked:
            raise InsufficientCreditsError(
                f"{customer.full_name} has no package with {credits_text(credits)} left that "
                "pays for this."
            )
        package = min(locked, key=lambda p: (package_expiry_at(p, now=now), p.purchased_at, p.pk))
        if package.first_used_at is None:
            package.first_used_at = now
            changed = ["first_used_at"]
            if package.validity_from == ValidityStart.FIRST_USE and package.expires_at is None:
                package.expires_at = now + timedelta(days=package.validity_days)
                changed.append("expires_at")
            package.save(update_fields=changed)
        return _entry_insert(
            package=package,
            kind=CreditEntryKind.USE,
            amount=-credits,
            now=now,
            actor=actor,
            appointment_id=appointment.pk if appointment is not None else None,
            enrollment_id=enrollment.pk if enrollment is not None else None,
        )


def credits_refund(
    *, use_entry: CreditEntry, now: datetime, actor: Actor, reason: str = ""
) -> CreditEntry:
    """Give a use's credits back to the package they came from. Idempotent: a use is refunded
    at most once (the database's one-to-one), and a second call returns the first refund."""
    if use_entry.kind != CreditEntryKind.USE:
        raise ValidationFailedError("Only a use of credits can be refunded.")
    existing = CreditEntry.objects.filter(refund_of=use_entry).first()
    if existing is not None:
        return existing
    package = CustomerPackage.objects.get(pk=use_entry.package_id)
    try:
        with transaction.atomic():
            return _entry_insert(
                package=package,
                kind=CreditEntryKind.REFUND,
                amount=-use_entry.amount,
                now=now,
                actor=actor,
                reason=reason,
                appointment_id=use_entry.appointment_id,
                enrollment_id=use_entry.enrollment_id,
                refund_of=use_entry,
            )
    except IntegrityError as exc:
        if _sqlstate(exc) == UNIQUE_VIOLATION:  # a concurrent refund of the same use won
            return CreditEntry.objects.get(refund_of=use_entry)
        raise


# --- products ------------------------------------------------------------------------------

INVALID = "Check the fields listed in errors."
PRODUCT_FIELDS = (
    "name",
    "description",
    "credits",
    "price",
    "currency",
    "validity_days",
    "validity_from",
    "sold_online",
    "is_active",
)
MAX_CREDITS = 1000
MAX_VALIDITY_DAYS = 3650
MAX_PRICE = Decimal("99999999.99")


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


def _product_problems(product: PackageProduct) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not str(product.name).strip():
        problems["name"] = ["Give the package a name."]
    elif len(product.name) > 120:
        problems["name"] = ["Use at most 120 characters."]
    if not isinstance(product.credits, int) or not 1 <= product.credits <= MAX_CREDITS:
        problems["credits"] = [f"A package holds from 1 to {MAX_CREDITS} credits."]
    if not isinstance(product.validity_days, int) or not (
        1 <= product.validity_days <= MAX_VALIDITY_DAYS
    ):
        problems["validity_days"] = [f"Credits stay valid from 1 to {MAX_VALIDITY_DAYS} days."]
    if product.validity_from not in ValidityStart.values:
        problems["validity_from"] = ["Choose from purchase or from first use."]
    try:
        price = Decimal(product.price)
    except (ArithmeticError, TypeError, ValueError):
        problems["price"] = ["Enter a price such as 60.00."]
    else:
        if not price.is_finite() or price < 0 or price > MAX_PRICE:
            problems["price"] = ["The price is a positive amount such as 60.00 (or 0)."]
        elif price != price.quantize(Decimal("0.01")):
            problems["price"] = ["Use at most two decimal places."]
    if product.currency not in CURRENCY_CODES:
        problems["currency"] = ["Use a three-letter currency code we support, e.g. GBP or EUR."]
    return problems


def _product_write(
    product: PackageProduct, data: Mapping[str, Any], *, created: bool
) -> PackageProduct:
    values = dict(data)
    if "name" in values:
        values["name"] = str(values["name"]).strip()
    if "currency" in values:
        values["currency"] = str(values["currency"]).strip().upper()
    changed = []
    for name in PRODUCT_FIELDS:
        if name in values and getattr(product, name) != values[name]:
            setattr(product, name, values[name])
            changed.append(name)
    problems = _product_problems(product)
    service_ids: list[int] | None = None
    class_type_ids: list[int] | None = None
    if "services" in values:
        service_ids, missing = _ids_problems(Service, values["services"], noun="service")
        if missing:
            problems["services"] = missing
    if "class_types" in values:
        class_type_ids, missing = _ids_problems(ClassType, values["class_types"], noun="class type")
        if missing:
            problems["class_types"] = missing
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    with transaction.atomic():
        if created:
            product.save()
        elif changed:
            product.save(update_fields=[*changed, "updated_at"])
        if service_ids is not None:
            product.services.set(service_ids)
        if class_type_ids is not None:
            product.class_types.set(class_type_ids)
    return product


def package_product_create(*, tenant: Tenant, data: Mapping[str, Any]) -> PackageProduct:
    """A new product in the studio's currency (unless `data` names another). `data` holds the
    model's fields plus id lists under "services" and "class_types" (what it covers)."""
    return _product_write(PackageProduct(currency=tenant.currency), data, created=True)


def package_product_update(*, product: PackageProduct, data: Mapping[str, Any]) -> PackageProduct:
    """Change the given fields. Packages already sold keep their copied terms (credits,
    validity, price); what a product covers applies to its packages as it is now."""
    return _product_write(product, data, created=False)


def package_product_delete(*, product: PackageProduct) -> None:
    """Delete a product never sold; a sold one is kept (its packages point at it): deactivate
    it instead."""
    try:
        with transaction.atomic():
            product.delete()
    except ProtectedError as exc:
        raise ProductInUseError(
            "Customers hold this package: make it inactive to stop selling it."
        ) from exc


# --- sales and adjustments -----------------------------------------------------------------

DESK_SALE_METHODS = frozenset({SaleMethod.CASH, SaleMethod.CARD_TERMINAL, SaleMethod.OTHER})


def package_sell(
    *,
    customer: Customer,
    product: PackageProduct,
    sale_method: str,
    actor: Actor,
    now: datetime,
    price_paid: Decimal | None = None,
    payment_reference: str = "",
) -> CustomerPackage:
    """Sell a product to a customer: a package with the product's terms copied and its
    PURCHASE entry. The desk records how it was paid (cash, card terminal, other); an online
    sale is recorded only by the payments capability, with the payment that settled it."""
    problems: dict[str, list[str]] = {}
    if sale_method not in SaleMethod.values:
        problems["sale_method"] = ["Choose cash, card terminal or other."]
    elif sale_method == SaleMethod.ONLINE and not payment_reference.strip():
        # Never a sale marked online without the payment behind it.
        problems["sale_method"] = ["An online sale names the payment that settled it."]
    price = product.price if price_paid is None else price_paid
    if not price.is_finite() or price < 0 or price > MAX_PRICE:
        problems["price_paid"] = ["The price paid is a positive amount such as 60.00 (or 0)."]
    elif price != price.quantize(Decimal("0.01")):
        problems["price_paid"] = ["Use at most two decimal places."]
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    if not product.is_active:
        raise ProductInactiveError(f"{product.name} is no longer sold.")
    expires_at = None
    if product.validity_from == ValidityStart.PURCHASE:
        expires_at = now + timedelta(days=product.validity_days)
    with transaction.atomic():
        package = CustomerPackage.objects.create(
            customer=customer,
            product=product,
            name=product.name,
            credits_total=product.credits,
            price_paid=price,
            currency=product.currency,
            sale_method=sale_method,
            payment_reference=payment_reference.strip()[:120],
            sold_by=actor.user,
            sold_by_label=_actor_label(actor),
            purchased_at=now,
            validity_days=product.validity_days,
            validity_from=product.validity_from,
            expires_at=expires_at,
        )
        _entry_insert(
            package=package,
            kind=CreditEntryKind.PURCHASE,
            amount=product.credits,
            now=now,
            actor=actor,
        )
    return package


def credits_adjust(
    *, package: CustomerPackage, amount: int, reason: str, actor: Actor, now: datetime
) -> CreditEntry:
    """A manual correction of a package's credits (a goodwill credit, a mistake at the desk),
    with the reason and who made it on record. Taking more than the balance is refused."""
    problems: dict[str, list[str]] = {}
    if amount == 0:
        problems["amount"] = ["Enter the credits to add (e.g. 2) or take away (e.g. -1)."]
    elif abs(amount) > MAX_CREDITS:
        problems["amount"] = [f"Adjust by at most {MAX_CREDITS} credits at a time."]
    if not reason.strip():
        problems["reason"] = ["Say why the credits change: it stays in the history."]
    if problems:
        raise ValidationFailedError(INVALID, errors=problems)
    try:
        return _entry_insert(
            package=package,
            kind=CreditEntryKind.ADJUSTMENT,
            amount=amount,
            now=now,
            actor=actor,
            reason=reason.strip(),
        )
    except InsufficientCreditsError:
        package.refresh_from_db(fields=["balance"])
        raise InsufficientCreditsError(
            f"{package.name} has {credits_text(package.balance)} left: "
            f"you can take away at most {package.balance}."
        ) from None


# --- expiry --------------------------------------------------------------------------------

EXPIRY_REASON = "Validity ended"
EXPIRY_ACTOR = "Expiry"
WARNING_AHEAD = timedelta(days=7)


def packages_expire(*, now: datetime) -> int:
    """Expire what is left of every package whose validity ended by `now`: one EXPIRY entry of
    minus its balance each. Idempotent (an expired package has nothing left); returns how many
    packages it expired."""
    from tenant_apps.scheduling.services import Actor

    actor = Actor(label=EXPIRY_ACTOR)
    due = list(
        CustomerPackage.objects.filter(expires_at__lte=now, balance__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    expired = 0
    for package_id in due:
        with transaction.atomic():
            package = (
                CustomerPackage.objects.select_for_update()
                .filter(pk=package_id, expires_at__lte=now, balance__gt=0)
                .first()
            )
            if package is None:  # spent or expired meanwhile
                continue
            _entry_insert(
                package=package,
                kind=CreditEntryKind.EXPIRY,
                amount=-package.balance,
                now=now,
                actor=actor,
                reason=EXPIRY_REASON,
            )
            expired += 1
    return expired


def credits_expiring_facts(package: CustomerPackage, *, studio: Tenant) -> dict[str, Any]:
    """What the expiry warning says: JSON only (it is stored on the outbox row)."""
    assert package.expires_at is not None
    zone = zone_for(studio.timezone)
    return {
        "package": package.name,
        "credits_left": package.balance,
        "expires_at": package.expires_at.isoformat(),
        "expires_when": when_long(package.expires_at.astimezone(zone)),
        "credits_url": studio_card(studio).absolute(PORTAL_CREDITS_PATH),
    }


def expiry_warnings_queue(*, now: datetime) -> int:
    """One email per package with credits left that expire within the next 7 days, sent once
    (expiry_warned_at, and the outbox's dedupe key "credits-expiring:<id>"). Returns how many
    emails it queued."""
    studio = current_studio()
    due = list(
        CustomerPackage.objects.filter(
            balance__gt=0,
            expires_at__gt=now,
            expires_at__lte=now + WARNING_AHEAD,
            expiry_warned_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queued = 0
    for package_id in due:
        with transaction.atomic():
            package = (
                CustomerPackage.objects.select_for_update(of=("self",))
                .select_related("customer")
                .filter(pk=package_id, expiry_warned_at__isnull=True, balance__gt=0)
                .first()
            )
            if package is None:
                continue
            customer = package.customer
            credits = credits_text(package.balance)
            rows = customer_message_queue(
                kind=NotificationKind.CREDITS_EXPIRING,
                email=customer.email,
                name=customer.full_name,
                subject=f"{credits} of your {package.name} expire soon",
                facts=credits_expiring_facts(package, studio=studio),
                dedupe_key=f"credits-expiring:{package.pk}",
            )
            if not rows:
                # Muted (seed data) or no address: nothing was sent, so nothing is marked.
                continue
            package.expiry_warned_at = now
            package.save(update_fields=["expiry_warned_at"])
            queued += len(rows)
    return queued
