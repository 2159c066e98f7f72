"""The customer portal's pages (/portal/ on a studio's host). Thin: parse, call one service or
selector, render. Domain errors become messages on the page, never a 500."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shared_apps.accounts.throttling import client_ip
from shared_apps.core.errors import NotFoundError, ValidationFailedError
from tenant_apps.customers.models import Customer
from tenant_apps.portal import selectors
from tenant_apps.portal.errors import (
    InvalidSignInLinkError,
    PolicyWindowClosedError,
    SignInThrottledError,
)
from tenant_apps.portal.forms import (
    CancelForm,
    ProfileForm,
    RescheduleDayForm,
    RescheduleForm,
    SignInForm,
    reschedule_range,
)
from tenant_apps.portal.links import booking_link_reference, sign_in_link_nonce
from tenant_apps.portal.models import SignInLink
from tenant_apps.portal.services import (
    portal_booking_cancel,
    portal_booking_reschedule,
    portal_profile_update,
    portal_sign_in_redeem,
    portal_sign_in_request,
)
from tenant_apps.portal.session import (
    portal_customer,
    portal_customer_required,
    portal_login,
    portal_logout,
)
from tenant_apps.reviews.links import review_link_path
from tenant_apps.scheduling.errors import SlotUnavailableError
from tenant_apps.scheduling.models import Appointment
from tenant_apps.scheduling.selectors import zone_or_utc
from tenants.models import Tenant

SENT_TO_KEY = "portal_link_sent_to"


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    section: str = "",
) -> HttpResponse:
    """render() plus what the portal's header needs (is someone signed in, which section)."""
    signed_in = getattr(request, "portal_customer", None) is not None or (
        portal_customer(request) is not None
    )
    return render(
        request,
        template,
        {**context, "portal_signed_in": signed_in, "portal_section": section},
        status=status,
    )


def _studio(request: HttpRequest) -> Tenant:
    tenant = getattr(request, "tenant", None)
    if not isinstance(tenant, Tenant):
        raise Http404("Not a studio host")
    return tenant


def _customer(request: HttpRequest) -> Customer:
    customer = request.portal_customer  # type: ignore[attr-defined]
    assert isinstance(customer, Customer)  # portal_customer_required ran first
    return customer


def _field_errors(form: Any, error: ValidationFailedError) -> None:
    for field, errors in error.errors.items():
        for text in errors:
            form.add_error(field if field in form.fields else None, text)


# --- signing in ---------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """The email form (signed-in customers go straight to their bookings)."""
    if request.method == "GET" and portal_customer(request) is not None:
        return redirect("portal:booking_list")
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            portal_sign_in_request(email=email, address=client_ip(request), now=timezone.now())
        except SignInThrottledError as exc:
            response = _page(
                request, "portal/sign_in.html", {"form": form, "throttled": exc.detail}, status=429
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
        # The same answer for every address: whether it is a customer's is never revealed.
        request.session[SENT_TO_KEY] = email
        return redirect("portal:link_sent")
    return _page(request, "portal/sign_in.html", {"form": form})


@never_cache
@require_GET
def link_sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get(SENT_TO_KEY)
    if not email:
        return redirect("portal:home")
    return _page(request, "portal/link_sent.html", {"email": email})


def _invalid_link(request: HttpRequest, *, booking: bool = False) -> HttpResponse:
    return _page(
        request,
        "portal/link_invalid.html",
        {"form": SignInForm(), "booking": booking},
        status=400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a "Sign in" button; only the POST uses the link up. Mail scanners that open
    every link in a message would otherwise burn a single-use link before its owner clicks."""
    if request.method == "GET":
        if not _sign_in_link_usable(token):
            return _invalid_link(request)
        return _page(request, "portal/sign_in_confirm.html", {"token": token})
    try:
        customer = portal_sign_in_redeem(token=token, now=timezone.now())
    except InvalidSignInLinkError:
        return _invalid_link(request)
    portal_login(request, customer)
    request.session.pop(SENT_TO_KEY, None)
    messages.success(request, f"Welcome, {customer.full_name.split()[0]}.")
    return redirect("portal:booking_list")


def _sign_in_link_usable(token: str) -> bool:
    try:
        nonce = sign_in_link_nonce(token)
    except signing.BadSignature:
        return False
    return SignInLink.objects.filter(
        nonce=nonce, used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


@never_cache
@require_GET
def booking_open(request: HttpRequest, token: str) -> HttpResponse:
    """A booking email's link: signs its customer in and shows that booking."""
    try:
        reference = booking_link_reference(token)
    except signing.BadSignature:
        return _invalid_link(request, booking=True)
    appointment = Appointment.objects.select_related("customer").filter(reference=reference)
    found = appointment.first()
    if found is None:
        return _invalid_link(request, booking=True)
    portal_login(request, found.customer)
    return redirect("portal:booking_detail", reference=found.reference)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    portal_logout(request)
    messages.info(request, "You have signed out.")
    return redirect("portal:home")


# --- bookings -----------------------------------------------------------------------------------


@never_cache
@portal_customer_required
@require_GET
def booking_list(request: HttpRequest) -> HttpResponse:
    studio = _studio(request)
    bookings = selectors.portal_booking_list(
        customer=_customer(request), now=timezone.now(), zone=zone_or_utc(studio.timezone)
    )
    return _page(
        request,
        "portal/booking_list.html",
        {"bookings": bookings, "customer": _customer(request)},
        section="bookings",
    )


def _booking(request: HttpRequest, reference: str) -> Appointment:
    try:
        return selectors.access_booking_by_reference(
            customer=_customer(request), reference=reference
        )
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


def _detail_page(
    request: HttpRequest,
    appointment: Appointment,
    *,
    cancel_form: CancelForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    studio = _studio(request)
    zone = zone_or_utc(studio.timezone)
    now = timezone.now()
    policies = selectors.booking_policies_get(
        appointment=appointment, now=now, studio_phone=studio.contact_phone
    )
    review = selectors.review_for_booking(appointment=appointment)
    can_review = review is None and appointment.status == "completed"
    return _page(
        request,
        "portal/booking_detail.html",
        {
            "appointment": appointment,
            "start_local": appointment.start.astimezone(zone),
            "end_local": appointment.end.astimezone(zone),
            "zone": zone.key,
            "policies": policies,
            "cancel_form": cancel_form or CancelForm(),
            "refusal": refusal,
            "review": review,
            "review_link": review_link_path(appointment) if can_review else "",
        },
        status=status,
        section="bookings",
    )


@never_cache
@portal_customer_required
@require_GET
def booking_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _detail_page(request, _booking(request, reference))


@portal_customer_required
@require_POST
def booking_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    appointment = _booking(request, reference)
    studio = _studio(request)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, appointment, cancel_form=form, status=422)
    try:
        portal_booking_cancel(
            customer=_customer(request),
            appointment=appointment,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
            studio_timezone=studio.timezone,
            studio_phone=studio.contact_phone,
        )
    except PolicyWindowClosedError as exc:
        return _detail_page(request, appointment, cancel_form=form, refusal=exc.detail, status=409)
    except ValidationFailedError as exc:
        _field_errors(form, exc)
        return _detail_page(request, appointment, cancel_form=form, status=422)
    messages.success(request, f"Your booking {appointment.reference} is cancelled.")
    return redirect("portal:booking_detail", reference=appointment.reference)


@never_cache
@portal_customer_required
@require_http_methods(["GET", "POST"])
def booking_reschedule(request: HttpRequest, reference: str) -> HttpResponse:
    """Pick a day, then one of its free times (same service, same staff member)."""
    appointment = _booking(request, reference)
    studio = _studio(request)
    zone = zone_or_utc(studio.timezone)
    now = timezone.now()
    first, last = reschedule_range(
        now.astimezone(zone).date(), appointment.service.max_advance_days
    )
    policies = selectors.booking_policies_get(
        appointment=appointment, now=now, studio_phone=studio.contact_phone
    )
    context: dict[str, Any] = {
        "appointment": appointment,
        "start_local": appointment.start.astimezone(zone),
        "policy": policies.reschedule,
        "zone": zone.key,
        "slots": None,
        "choice_form": None,
    }
    if not policies.reschedule.allowed:
        return _page(request, "portal/reschedule.html", context, status=409, section="bookings")
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        day_form = RescheduleDayForm({"day": request.POST.get("day", "")}, first=first, last=last)
        context["choice_form"] = form
        if form.is_valid() and day_form.is_valid():
            try:
                moved = portal_booking_reschedule(
                    customer=_customer(request),
                    appointment=appointment,
                    start=form.cleaned_data["start"],
                    now=now,
                    studio_timezone=studio.timezone,
                    studio_phone=studio.contact_phone,
                )
            except SlotUnavailableError as exc:
                context["conflict"] = exc.detail
                status = 409
            except PolicyWindowClosedError as exc:
                context["policy_refusal"] = exc.detail
                status = 409
            except ValidationFailedError as exc:
                _field_errors(form, exc)
                status = 422
            else:
                when = moved.start.astimezone(zone)
                messages.success(
                    request,
                    f"Your booking is moved to {when:%A} {when.day} {when:%B} at {when:%H:%M}.",
                )
                return redirect("portal:booking_detail", reference=moved.reference)
        else:
            status = 422
    else:
        default_day = max(appointment.start.astimezone(zone).date(), first)
        day_form = RescheduleDayForm(
            {"day": request.GET.get("day") or default_day.isoformat()}, first=first, last=last
        )
        status = 200
    context["day_form"] = day_form
    if day_form.is_valid():
        day: date = day_form.cleaned_data["day"]
        context["day"] = day
        context["slots"] = selectors.reschedule_slot_list(
            appointment=appointment,
            day=day,
            zone=zone,
            studio_timezone=studio.timezone,
            now=now,
        )
    elif status == 200:
        status = 422
    return _page(request, "portal/reschedule.html", context, status=status, section="bookings")


# --- profile and data ---------------------------------------------------------------------------


@never_cache
@portal_customer_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    customer = _customer(request)
    if request.method == "GET":
        form = ProfileForm(initial=ProfileForm.initial_for(customer))
        return _page(
            request, "portal/profile.html", {"form": form, "customer": customer}, section="profile"
        )
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            portal_profile_update(customer=customer, **form.cleaned_data)
        except ValidationFailedError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, "Your details are saved.")
            return redirect("portal:profile")
    return _page(
        request,
        "portal/profile.html",
        {"form": form, "customer": customer},
        status=422,
        section="profile",
    )


@never_cache
@portal_customer_required
@require_GET
def data_export(request: HttpRequest) -> HttpResponse:
    studio = _studio(request)
    data = selectors.customer_data_export(
        customer=_customer(request), zone=zone_or_utc(studio.timezone)
    )
    data["studio"] = studio.name
    data["exported_at"] = timezone.now().isoformat()
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{studio.slug}-my-data.json"'
    return response
