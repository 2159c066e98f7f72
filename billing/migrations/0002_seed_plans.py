"""The platform's plans. Prices are edited by operators in the admin afterwards."""

from decimal import Decimal

from django.db import migrations

PLANS = [
    {
        "code": "starter", "name": "Starter", "sort_order": 10, "monthly_price": Decimal("29.00"),
        "max_staff": 2, "tagline": "For independent coaches and therapists",
        "features": ["Up to 2 staff calendars", "Unlimited bookings", "Booking pages",
                     "Email reminders", "Customer portal"],
    },
    {
        "code": "studio", "name": "Studio", "sort_order": 20, "monthly_price": Decimal("79.00"),
        "max_staff": 10, "tagline": "For busy studios and salons",
        "features": ["Up to 10 staff calendars", "Group classes and waitlists",
                     "Rooms and equipment", "Credit packages", "Live calendar"],
    },
    {
        "code": "pro", "name": "Pro", "sort_order": 30, "monthly_price": Decimal("149.00"),
        "max_staff": None, "tagline": "For multi-room studios and integrators",
        "features": ["Unlimited staff", "REST API and webhooks", "Reports and exports",
                     "Priority support", "Custom domain"],
    },
]


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for plan in PLANS:
        Plan.objects.update_or_create(code=plan["code"], defaults=plan)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
