"""What the charts draw, as JSON for {{ ...|json_script }} (static/reports/charts.js reads it).

Amounts and rates travel as decimal strings: the browser only draws them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tenant_apps.reports.selectors import Report, Summary


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def summary_chart(summary: Summary) -> dict[str, Any]:
    return {
        "currency": summary.currency,
        "labels": [row.label for row in summary.periods],
        "bookings": [row.figures.bookings for row in summary.periods],
        "revenue": [str(row.figures.revenue) for row in summary.periods],
    }


def report_chart(report: Report) -> dict[str, Any]:
    payload = summary_chart(report)
    payload.update(
        {
            "cancellationRate": [_text(row.figures.cancellation_rate) for row in report.periods],
            "noShowRate": [_text(row.figures.no_show_rate) for row in report.periods],
            "newCustomers": [row.new_customers for row in report.periods],
            "returningCustomers": [row.returning_customers for row in report.periods],
        }
    )
    return payload
