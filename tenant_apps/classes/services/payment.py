"""Paying for a seat with credits, and giving the credits back."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tenant_apps.classes.models import ClassSession, Enrollment, EnrollmentPayment
from tenant_apps.packages.errors import InsufficientCreditsError
from tenant_apps.packages.selectors import credit_use_for
from tenant_apps.packages.services import credits_refund, credits_use

if TYPE_CHECKING:
    from tenant_apps.scheduling.services import Actor


def seat_pay_with_credits(
    *, enrollment: Enrollment, session: ClassSession, actor: Actor, now: datetime
) -> None:
    """Take the session's credits for the enrollment's spots; InsufficientCreditsError (409)
    when no package of the customer covers them."""
    credits_use(
        customer=enrollment.customer,
        credits=session.credits * enrollment.spots,
        class_type=session.class_type,
        now=now,
        actor=actor,
        enrollment=enrollment,
    )


def seat_pay_best_effort(
    *, enrollment: Enrollment, session: ClassSession, actor: Actor, now: datetime
) -> str:
    """A promotion's payment: credits when a package covers them, else at the studio
    (complimentary stays complimentary). Returns the payment method it settled on."""
    if enrollment.payment == EnrollmentPayment.COMPLIMENTARY:
        return EnrollmentPayment.COMPLIMENTARY
    if session.credits > 0:
        try:
            seat_pay_with_credits(enrollment=enrollment, session=session, actor=actor, now=now)
        except InsufficientCreditsError:
            return EnrollmentPayment.AT_STUDIO
        return EnrollmentPayment.CREDITS
    return EnrollmentPayment.AT_STUDIO


def seat_refund(*, enrollment: Enrollment, actor: Actor, now: datetime, reason: str) -> bool:
    """Give back the credits the enrollment used (if any and not refunded yet)."""
    if enrollment.payment != EnrollmentPayment.CREDITS:
        return False
    use = credit_use_for(enrollment=enrollment)
    if use is None:
        return False
    credits_refund(use_entry=use, now=now, actor=actor, reason=reason)
    return True
