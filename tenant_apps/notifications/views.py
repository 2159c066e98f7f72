"""The owner app's notifications page: the delivery log and when reminders go out."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.notifications.forms import DeliveryLogFilterForm, ReminderSettingsForm
from tenant_apps.notifications.models import NotificationStatus
from tenant_apps.notifications.selectors import (
    notification_list,
    notification_settings_get,
    notification_status_counts,
)
from tenant_apps.notifications.services import notification_settings_update
from tenants.access import MANAGING_ROLES, studio_member_required

PAGE_SIZE = 25


@studio_member_required(roles=MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def delivery_log(request: HttpRequest) -> HttpResponse:
    settings = notification_settings_get()
    initial = ReminderSettingsForm.initial_for(settings.reminder_offsets_minutes)
    if request.method == "POST":
        form = ReminderSettingsForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                notification_settings_update(
                    reminder_offsets_minutes=form.cleaned_data["reminders"]
                )
            except ValidationFailedError as exc:
                for errors in exc.errors.values():
                    for error in errors:
                        form.add_error("reminders", error)
            else:
                messages.success(request, "Reminder settings saved.")
                return redirect("notifications:delivery_log")
    else:
        form = ReminderSettingsForm(initial=initial)

    filters = DeliveryLogFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    counts = notification_status_counts()
    page = Paginator(notification_list(status=status or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/delivery_log.html",
        {
            "form": form,
            "filters": filters,
            "status": status,
            "chips": [(value, label, counts[value]) for value, label in NotificationStatus.choices],
            "total": sum(counts.values()),
            "page": page,
            "reminders_on": bool(settings.reminder_offsets_minutes),
        },
        status=400 if form.errors else 200,
    )
