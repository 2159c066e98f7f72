from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "tenant_apps.customers"
    label = "customers"

    def ready(self) -> None:
        from tenants.usage import CUSTOMERS, UsageScope, register_usage_counter

        def count_customers(scope: UsageScope) -> int:
            from tenant_apps.customers.models import Customer

            return Customer.objects.count()

        # The platform console reads this per studio (public code may not import tenant apps).
        register_usage_counter(CUSTOMERS, "Customers", count_customers)
