"""The studio's public class pages (no sign-in): the week's schedule, booking a spot (or a place
on the waitlist) with the booking wizard's look, the confirmation, and the claim page of a
waitlist offer.

Views parse, call one classes service or selector, and render. A refused booking (class full,
already booked, too few credits) is a message on the form with the customer's input kept; a bad
or expired link is a page that says so, never a 500.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from shared_apps.core.errors import DomainError, ValidationFailedError
from tenant_apps.booking.state import parse_zone
from tenant_apps.classes import selectors, services
from tenant_apps.classes.errors import OfferExpiredError, OfferNotFoundError
from tenant_apps.classes.forms import PublicEnrollForm
from tenant_apps.classes.models import (
    ClassSession,
    Enrollment,
    EnrollmentPayment,
    EnrollmentSource,
    EnrollmentStatus,
    SessionStatus,
)
from tenant_apps.classes.tokens import offer_claim_reference
from tenant_apps.classes.views import week_context
from tenant_apps.portal.session import portal_customer
from tenant_apps.scheduling.idempotency import idempotency_key_clean, idempotent_call
from tenant_apps.scheduling.selectors import zone_or_utc
from tenant_apps.scheduling.services import Actor, CustomerDetails
from tenant_apps.scheduling.throttling import PublicRateLimitedError, rate_limit_hit
from tenant_apps.studio.forms import timezone_choices
from tenants.models import Tenant

IDEMPOTENCY_SCOPE = "classes:public-enrollments"
CONFIRMATION_SALT = "classes.enrolled"
# The confirmation page stays readable until well after the class.
CONFIRMATION_MAX_AGE = timedelta(days=400)
STEPS = (("class", "Class"), ("details", "Details"), ("done", "Done"))
PAYMENT_CHOICES = (
    (EnrollmentPayment.AT_STUDIO.value, "Pay at the studio"),
    (EnrollmentPayment.CREDITS.value, "Use credits from my package"),
)


def _studio(request: HttpRequest) -> Tenant:
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    return tenant


def _client_address(request: HttpRequest) -> str:
    # As the public API counts (scheduling.throttling.client_address): REMOTE_ADDR only.
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def confirmation_token(reference: str) -> str:
    return signing.dumps({"r": reference}, salt=CONFIRMATION_SALT, compress=True)


def _confirmation_reference(token: str) -> str | None:
    try:
        payload = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    reference = payload.get("r") if isinstance(payload, dict) else None
    return reference if isinstance(reference, str) else None


def _progress(current: str) -> list[dict[str, Any]]:
    keys = [key for key, _ in STEPS]
    position = keys.index(current)
    return [
        {
            "label": label,
            "number": index + 1,
            "state": "done" if index < position else "current" if index == position else "upcoming",
            "url": reverse("classes:schedule") if key == "class" and current == "details" else "",
        }
        for index, (key, label) in enumerate(STEPS)
    ]


def _visitor_zone(request: HttpRequest) -> ZoneInfo | None:
    """The zone the visitor picked on the schedule (?tz=, carried from page to page, read as
    the booking wizard reads its own), if it is a real one and not the studio's."""
    chosen = parse_zone(request.GET.get("tz") or "")
    return chosen if chosen is not None and chosen.key != _studio(request).timezone else None


def _with_zone(url: str, request: HttpRequest) -> str:
    chosen = _visitor_zone(request)
    return f"{url}?{urlencode({'tz': chosen.key})}" if chosen else url


def _session_summary(request: HttpRequest, session: ClassSession) -> dict[str, Any]:
    studio_zone = zone_or_utc(_studio(request).timezone)
    chosen = _visitor_zone(request)
    zone = chosen or studio_zone
    start = session.start.astimezone(zone)
    return {
        "session": session,
        "start": start,
        "end": session.end.astimezone(zone),
        "zone": zone.key,
        "zone_label": zone.key.replace("_", " "),
        "studio_zone_label": studio_zone.key.replace("_", " ") if chosen else "",
        "zone_query": urlencode({"tz": chosen.key}) if chosen else "",
        "duration": int((session.end - session.start).total_seconds() // 60),
        "spots_left": session.spots_left,
        "full": session.taken >= session.capacity,
    }


def _unavailable(request: HttpRequest, *, title: str, detail: str, status: int) -> HttpResponse:
    return render(
        request,
        "classes/public_unavailable.html",
        {"profile": _studio(request), "title": title, "detail": detail},
        status=status,
    )


# --- the week's schedule -----------------------------------------------------------------------


@require_GET
def schedule(request: HttpRequest) -> HttpResponse:
    context = week_context(request, url_name="classes:schedule", public=True)
    return render(
        request,
        "classes/public_schedule.html",
        {
            **context,
            "profile": _studio(request),
            "now": timezone.now(),
            "timezones": timezone_choices(),
        },
    )


# --- booking a spot ------------------------------------------------------------------------------


def _bookable(session: ClassSession | None, now: Any) -> bool:
    return (
        session is not None
        and session.status == SessionStatus.SCHEDULED
        and session.class_type.is_active
        and session.start > now
    )


def _enroll_page(
    request: HttpRequest, session: ClassSession, form: PublicEnrollForm, *, status: int = 200
) -> HttpResponse:
    summary = _session_summary(request, session)
    return render(
        request,
        "classes/public_enroll.html",
        {
            "profile": _studio(request),
            "progress": _progress("details"),
            "form": form,
            "attempt": uuid.uuid4().hex,
            # Credits are the signed-in customer's own: on a public page an email address proves
            # nothing, so paying with credits needs the portal's session.
            "payment_choices": PAYMENT_CHOICES
            if session.credits > 0 and portal_customer(request) is not None
            else (),
            "credits_need_sign_in": session.credits > 0 and portal_customer(request) is None,
            "chosen_payment": request.POST.get("payment", EnrollmentPayment.AT_STUDIO.value),
            **summary,
        },
        status=status,
    )


def _attempt_key(request: HttpRequest) -> str | None:
    try:
        return idempotency_key_clean(request.POST.get("attempt") or None)
    except ValidationFailedError:
        return None  # a mangled key only loses the double-submit protection


def _place_problem(form: PublicEnrollForm, error: DomainError) -> None:
    placed = False
    for key, texts in error.errors.items():
        name = {"name": "full_name", "customer_note": "note"}.get(key, key)
        for text in texts:
            form.add_error(name if name in form.fields else None, text)
            placed = True
    if not placed:
        form.add_error(None, error.detail)


@require_http_methods(["GET", "POST"])
def enroll(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.class_session_get(session_id=session_id)
    now = timezone.now()
    if session is None or not _bookable(session, now):
        return _unavailable(
            request,
            title="This class can't be booked",
            detail="It may have started, been cancelled, or the link is old. "
            "Choose another class on the schedule.",
            status=404,
        )
    assert session is not None
    signed_in = portal_customer(request)
    if request.method == "GET":
        initial: dict[str, Any] = {"spots": 1}
        if signed_in is not None:
            initial.update(
                full_name=signed_in.full_name, email=signed_in.email, phone=signed_in.phone
            )
        return _enroll_page(request, session, PublicEnrollForm(initial=initial))
    form = PublicEnrollForm(request.POST)
    payment = str(request.POST.get("payment") or EnrollmentPayment.AT_STUDIO.value)
    if payment not in dict(PAYMENT_CHOICES):
        payment = EnrollmentPayment.AT_STUDIO.value
    if not form.is_valid():
        return _enroll_page(request, session, form, status=422)
    if payment == EnrollmentPayment.CREDITS and (
        signed_in is None or signed_in.email.lower() != form.cleaned_data["email"].lower()
    ):
        form.add_error(
            None,
            "To pay with credits, sign in to your bookings page with the email address that holds "
            "the package, then book again.",
        )
        return _enroll_page(request, session, form, status=422)
    try:
        rate_limit_hit(
            kind="booking",
            address=_client_address(request),
            limit=int(settings.PUBLIC_BOOKING_RATE_PER_MINUTE),
        )
    except PublicRateLimitedError as error:
        form.add_error(None, error.detail)
        return _enroll_page(request, session, form, status=429)
    data = form.cleaned_data
    details = CustomerDetails(full_name=data["full_name"], email=data["email"], phone=data["phone"])

    def book() -> tuple[int, dict[str, Any]]:
        enrollment = services.enrollment_book(
            session=session,
            customer=details,
            payment=payment,
            source=EnrollmentSource.PUBLIC_PAGE,
            actor=Actor(label=f"{details.full_name} (class schedule)", by_customer=True),
            now=timezone.now(),
            spots=data["spots"],
            join_waitlist=True,
            customer_note=data["note"],
        )
        return 201, {"reference": enrollment.reference}

    payload = {
        "session": session.pk,
        "payment": payment,
        **{key: str(value) for key, value in sorted(data.items())},
    }
    try:
        result = idempotent_call(
            scope=IDEMPOTENCY_SCOPE, key=_attempt_key(request), payload=payload, operation=book
        )
    except DomainError as error:
        _place_problem(form, error)
        fresh = selectors.class_session_get(session_id=session_id) or session
        return _enroll_page(request, fresh, form, status=error.status)
    if result.is_problem:
        # A resent form whose first submission was refused: show that answer again.
        form.add_error(None, str(result.body.get("detail", "This booking could not be made.")))
        return _enroll_page(request, session, form, status=result.status)
    token = confirmation_token(str(result.body["reference"]))
    return redirect(_with_zone(reverse("classes:enrolled", kwargs={"token": token}), request))


@require_GET
def enrolled(request: HttpRequest, token: str) -> HttpResponse:
    reference = _confirmation_reference(token)
    enrollment = (
        Enrollment.objects.select_related("customer", "session__class_type", "session__instructor")
        .filter(reference=reference)
        .first()
        if reference
        else None
    )
    if enrollment is None:
        return _unavailable(
            request,
            title="We can't find this booking",
            detail="The link may be damaged. Your confirmation email has the details.",
            status=404,
        )
    return render(
        request,
        "classes/public_done.html",
        {
            "profile": _studio(request),
            "progress": _progress("done"),
            "enrollment": enrollment,
            "waitlisted": enrollment.status == EnrollmentStatus.WAITLISTED,
            "position": selectors.waitlist_position(enrollment),
            **_session_summary(request, enrollment.session),
        },
    )


# --- claiming an offered spot ------------------------------------------------------------------


def _offer_for(token: str) -> Enrollment | None:
    try:
        reference = offer_claim_reference(token)
    except signing.BadSignature:
        return None
    return (
        Enrollment.objects.select_related("customer", "session__class_type", "session__instructor")
        .filter(reference=reference)
        .first()
    )


def _claim_invalid(request: HttpRequest) -> HttpResponse:
    return _unavailable(
        request,
        title="This link doesn't work",
        detail="It may be damaged or very old. Check the latest email from the studio, "
        "or book another class on the schedule.",
        status=404,
    )


def _claim_expired(request: HttpRequest) -> HttpResponse:
    return _unavailable(
        request,
        title="This offer has expired",
        detail="The time to claim the spot has passed, so it went to the next person in line. "
        "You can still book another class on the schedule.",
        status=410,
    )


@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the offer and a "Claim my spot" button; only the POST claims (mail scanners
    open every link in a message)."""
    now = timezone.now()
    if request.method == "POST":
        try:
            claimed = services.enrollment_offer_claim(token=token, now=now)
        except OfferExpiredError:
            return _claim_expired(request)
        except OfferNotFoundError:
            return _claim_invalid(request)
        except DomainError as error:
            return _unavailable(
                request, title="This spot can't be claimed", detail=error.detail, status=409
            )
        return redirect("classes:enrolled", token=confirmation_token(claimed.reference))
    enrollment = _offer_for(token)
    if enrollment is None:
        return _claim_invalid(request)
    if enrollment.status == EnrollmentStatus.BOOKED and enrollment.offer_expires_at:
        return redirect("classes:enrolled", token=confirmation_token(enrollment.reference))
    expired = enrollment.status == EnrollmentStatus.OFFER_EXPIRED or (
        enrollment.status == EnrollmentStatus.OFFERED
        and enrollment.offer_expires_at is not None
        and enrollment.offer_expires_at <= now
    )
    if expired:
        return _claim_expired(request)
    if enrollment.status != EnrollmentStatus.OFFERED:
        return _unavailable(
            request,
            title="This spot is no longer on offer",
            detail="The offer was withdrawn or the class was cancelled. "
            "Check your email, or book another class on the schedule.",
            status=409,
        )
    zone = zone_or_utc(_studio(request).timezone)
    return render(
        request,
        "classes/public_claim.html",
        {
            "profile": _studio(request),
            "enrollment": enrollment,
            "expires": enrollment.offer_expires_at.astimezone(zone)
            if enrollment.offer_expires_at
            else None,
            **_session_summary(request, enrollment.session),
        },
    )
