from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Customers' ratings of completed appointments, and what the studio shows of them."""

    name = "tenant_apps.reviews"
    label = "reviews"
