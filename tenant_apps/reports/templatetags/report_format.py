"""Formatting of report figures: money in the studio's currency, rates and durations."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()

# Symbols of the currencies studios use most; others print their ISO code ("CHF 1,200.00").
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$"}


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """ "£1,234.50": always two decimals, so columns of amounts line up."""
    value = amount if amount is not None else Decimal("0")
    number = f"{value:,.2f}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{currency} {number}"


@register.filter
def rate(value: Decimal | None) -> str:
    """ "12.5%", or an en dash when there is nothing to divide by."""
    return "–" if value is None else f"{value}%"


@register.filter
def minutes_label(minutes: int) -> str:
    """ "0 h", "45 min", "12 h 30 min"."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min" if rest else "0 h"
    return f"{hours:,} h" + (f" {rest} min" if rest else "")
