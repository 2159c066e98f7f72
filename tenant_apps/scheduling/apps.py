from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Availability (weekly hours, date overrides, time off), appointments and their log."""

    name = "tenant_apps.scheduling"
    label = "scheduling"

    def ready(self) -> None:
        from tenants.usage import APPOINTMENTS_THIS_MONTH, UsageScope, register_usage_counter

        def count_appointments_this_month(scope: UsageScope) -> int:
            from tenant_apps.scheduling.models import Appointment

            return Appointment.objects.filter(
                start__gte=scope.month_start, start__lt=scope.month_end
            ).count()

        # The platform console reads this per studio (public code may not import tenant apps).
        register_usage_counter(
            APPOINTMENTS_THIS_MONTH, "Appointments this month", count_appointments_this_month
        )
