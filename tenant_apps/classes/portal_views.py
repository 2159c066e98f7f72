"""The customer portal's classes (/portal/classes/): upcoming enrollments with a cancel button
that says beforehand whether the cancellation is late and what happens to the credits, places
on waitlists with their positions, and past classes. The customer is the portal's signed-in
one (tenant_apps.portal.session); other customers' references are not found.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shared_apps.core.errors import DomainError
from tenant_apps.classes import page_selectors, selectors, services
from tenant_apps.classes.models import Enrollment, EnrollmentStatus
from tenant_apps.classes.selectors import CancelTerms
from tenant_apps.customers.models import Customer
from tenant_apps.portal.session import portal_customer_required
from tenant_apps.scheduling.services import Actor

REASON_MAX_LENGTH = 500


def _customer(request: HttpRequest) -> Customer:
    customer = request.portal_customer  # type: ignore[attr-defined]
    assert isinstance(customer, Customer)  # portal_customer_required ran first
    return customer


@dataclass(frozen=True)
class UpcomingClass:
    enrollment: Enrollment
    position: int | None
    terms: CancelTerms

    @property
    def waiting(self) -> bool:
        return self.enrollment.status == EnrollmentStatus.WAITLISTED


@never_cache
@portal_customer_required
@require_GET
def class_list(request: HttpRequest) -> HttpResponse:
    customer = _customer(request)
    now = timezone.now()
    rules = selectors.class_settings_get()
    upcoming = [
        UpcomingClass(
            enrollment=row.enrollment,
            position=row.waitlist_position,
            terms=selectors.enrollment_cancel_terms(
                enrollment=row.enrollment, now=now, settings=rules
            ),
        )
        for row in selectors.customer_enrollment_list(customer=customer, now=now)
    ]
    return render(
        request,
        "classes/portal_list.html",
        {
            "customer": customer,
            "booked": [item for item in upcoming if not item.waiting],
            "waiting": [item for item in upcoming if item.waiting],
            "past": page_selectors.customer_past_enrollment_list(customer=customer, now=now),
            "late_cancel_hours": rules.late_cancel_hours,
            "portal_signed_in": True,
            "portal_section": "classes",
        },
    )


@portal_customer_required
@require_POST
def class_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    customer = _customer(request)
    enrollment = selectors.enrollment_get_for_customer(reference=reference, email=customer.email)
    if enrollment is None or enrollment.customer_id != customer.pk:
        messages.error(request, "We couldn't find that class booking.")
        return redirect("classes:portal_list")
    now = timezone.now()
    terms = selectors.enrollment_cancel_terms(enrollment=enrollment, now=now)
    was_waiting = enrollment.status == EnrollmentStatus.WAITLISTED
    name = enrollment.session.class_type.name
    try:
        services.enrollment_cancel(
            enrollment=enrollment,
            actor=Actor.for_customer(customer, via="portal"),
            now=now,
            reason=str(request.POST.get("reason", ""))[:REASON_MAX_LENGTH],
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("classes:portal_list")
    messages.success(request, _cancelled_text(name, was_waiting=was_waiting, terms=terms))
    return redirect("classes:portal_list")


def _credits(n: int) -> str:
    return f"{n} credit" if n == 1 else f"{n} credits"


def _cancelled_text(name: str, *, was_waiting: bool, terms: CancelTerms) -> str:
    if was_waiting:
        return f"You left the waitlist for {name}."
    text = f"Your place in {name} is cancelled."
    if terms.credits_back:
        return f"{text} {_credits(terms.credits_back)} went back to your package."
    if terms.credits_forfeited:
        return (
            f"{text} It was a late cancellation, so the {_credits(terms.credits_forfeited)} "
            "used can't be returned."
        )
    return text
