from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "shared_apps.marketing"
    label = "marketing"
