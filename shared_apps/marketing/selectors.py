"""Reads for the marketing site and the sign-up flow."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billing.models import Plan
from shared_apps.marketing.models import ACTIVE_STATUSES, StudioSignup
from tenants.provisioning import slug_is_taken
from tenants.slugs import slug_problems

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$"}
SLUG_TAKEN_MESSAGE = "This subdomain is taken. Please choose another."


@dataclass(frozen=True)
class PlanCard:
    code: str
    name: str
    tagline: str
    monthly_price: Decimal
    currency: str
    price_label: str
    features: tuple[str, ...]
    trial_days: int
    featured: bool


def price_label(amount: Decimal, currency: str) -> str:
    """ "$29", "£79", "CHF 149", "$29.50": whole amounts without decimals."""
    number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{currency} {number}"


def plan_list_public() -> list[PlanCard]:
    """Public plans in the order operators set. The middle plan of three or more is featured."""
    plans = list(Plan.objects.filter(is_public=True).order_by("sort_order", "monthly_price"))
    featured_index = len(plans) // 2 if len(plans) >= 3 else -1
    return [
        PlanCard(
            code=plan.code,
            name=plan.name,
            tagline=plan.tagline,
            monthly_price=plan.monthly_price,
            currency=plan.currency,
            price_label=price_label(plan.monthly_price, plan.currency),
            features=tuple(str(feature) for feature in plan.features or ()),
            trial_days=plan.trial_days,
            featured=index == featured_index,
        )
        for index, plan in enumerate(plans)
    ]


def trial_days_default() -> int:
    """Trial length of the plan a new studio starts on (the first public plan)."""
    plan = Plan.objects.filter(is_public=True).order_by("sort_order", "monthly_price").first()
    return plan.trial_days if plan else 14


def signup_get_for_token(*, token: str) -> StudioSignup | None:
    if not token:
        return None
    return StudioSignup.objects.select_related("tenant").filter(token=token).first()


def signup_slug_problems(slug: str) -> list[str]:
    """Everything that stops `slug` from being requested now: format, reserved names, an existing
    studio, or another visitor's sign-up that is still being provisioned."""
    if problems := slug_problems(slug):
        return problems
    if (
        slug_is_taken(slug)
        or StudioSignup.objects.filter(slug=slug, status__in=ACTIVE_STATUSES).exists()
    ):
        return [SLUG_TAKEN_MESSAGE]
    return []
