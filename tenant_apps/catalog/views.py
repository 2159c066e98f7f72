"""Owner-app screens of the catalog under /app/: services, staff (profile, weekly hours, date
overrides, time off) and booking pages.

Every member may look at the lists; owners and managers change things (the other pages are
not found for staff, as tenants.access decides). Each write goes through one catalog or
availability service; their field problems are shown beside the inputs, and nothing is saved
until every field is right.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shared_apps.core.errors import DomainError, NotFoundError, ValidationFailedError
from tenant_apps.catalog import owner_selectors, selectors, services
from tenant_apps.catalog.availability_forms import (
    DateOverrideForm,
    TimeOffForm,
    WeeklyHoursForm,
)
from tenant_apps.catalog.forms import (
    BookingPageFilterForm,
    BookingPageForm,
    QuestionsEditor,
    ServiceFilterForm,
    ServiceForm,
    StaffFilterForm,
    StaffMemberForm,
    errors_to_form,
    problem_to_form,
)
from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.scheduling import availability_selectors, availability_services
from tenant_apps.scheduling.selectors import zone_or_utc
from tenants.access import MANAGING_ROLES, request_can_manage, studio_member_required
from tenants.models import Tenant

T = TypeVar("T")

members_only = studio_member_required()
managers_only = studio_member_required(roles=MANAGING_ROLES)


def _tenant(request: HttpRequest) -> Tenant:
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    return tenant


def _found(get: Callable[..., T], **kwargs: Any) -> T:
    """A selector's object, or the 404 page (ids of other studios do not exist here)."""
    try:
        return get(**kwargs)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


# --- services ------------------------------------------------------------------------------


@members_only
@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    form = ServiceFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"q": "", "status": ""}
    page = owner_selectors.service_page(
        search=filters["q"], status=filters["status"], page=request.GET.get("page", 1)
    )
    return render(
        request,
        "catalog/service_list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters["q"] or filters["status"]),
            "can_manage": request_can_manage(request),
            "tab": "services",
        },
    )


def _service_page(
    request: HttpRequest, form: ServiceForm, service: Service | None, status: int = 200
) -> HttpResponse:
    booked = service is not None and owner_selectors.service_is_booked(service=service)
    return render(
        request,
        "catalog/service_form.html",
        {"form": form, "service": service, "booked": booked, "tab": "services"},
        status=status,
    )


@managers_only
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    if request.method == "GET":
        form = ServiceForm(initial=ServiceForm.initial_for(None, tenant))
        return _service_page(request, form, None)
    form = ServiceForm(request.POST)
    if form.is_valid():
        try:
            service = services.service_create(tenant=tenant, data=form.service_data())
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(request, f"“{service.name}” was added.")
            return redirect("catalog:service_list")
    return _service_page(request, form, None)


@managers_only
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_id: int) -> HttpResponse:
    service = _found(selectors.service_get, service_id=service_id)
    needed = ServiceForm.needed_of(service)
    if request.method == "GET":
        form = ServiceForm(
            initial=ServiceForm.initial_for(service, _tenant(request)), needed=needed
        )
        return _service_page(request, form, service)
    form = ServiceForm(request.POST, needed=needed)
    if form.is_valid():
        try:
            services.service_update(service=service, data=form.service_data())
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(request, f"“{service.name}” was saved.")
            return redirect("catalog:service_list")
    # The failed write may have set values on the instance; show the stored ones.
    return _service_page(request, form, selectors.service_get(service_id=service_id))


@managers_only
@require_POST
def service_archive(request: HttpRequest, service_id: int) -> HttpResponse:
    """Archive (no longer bookable, history kept) or restore a service."""
    service = _found(selectors.service_get, service_id=service_id)
    restore = request.POST.get("action") == "restore"
    services.service_update(service=service, data={"is_active": restore})
    if restore:
        messages.success(request, f"“{service.name}” is active again: customers can book it.")
    else:
        messages.success(
            request, f"“{service.name}” was archived: it can't be booked, its history stays."
        )
    return redirect("catalog:service_list")


@managers_only
@require_POST
def service_delete(request: HttpRequest, service_id: int) -> HttpResponse:
    service = _found(selectors.service_get, service_id=service_id)
    try:
        services.service_delete(service=service)
    except services.ServiceInUseError:
        messages.error(
            request,
            f"“{service.name}” has appointments, so it can't be deleted. Archive it instead.",
        )
        return redirect("catalog:service_edit", service_id=service_id)
    messages.success(request, f"“{service.name}” was deleted.")
    return redirect("catalog:service_list")


# --- staff ---------------------------------------------------------------------------------


@members_only
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page = owner_selectors.staff_page(search=search, page=request.GET.get("page", 1))
    return render(
        request,
        "catalog/staff_list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(search),
            "can_manage": request_can_manage(request),
        },
    )


def _staff_zone(staff: StaffMember, tenant: Tenant) -> ZoneInfo:
    return zone_or_utc(staff.timezone or tenant.timezone)


def _staff_page(
    request: HttpRequest,
    template: str,
    staff: StaffMember,
    tab: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """One tab of a staff member's pages (profile, hours, overrides, time off)."""
    zone = _staff_zone(staff, _tenant(request))
    return render(
        request,
        template,
        {"staff": staff, "staff_tab": tab, "zone": zone.key, **context},
        status=status,
    )


def _staff_profile_page(
    request: HttpRequest, form: StaffMemberForm, staff: StaffMember | None, status: int = 200
) -> HttpResponse:
    booked = staff is not None and owner_selectors.staff_is_booked(staff=staff)
    return render(
        request,
        "catalog/staff_form.html",
        {"form": form, "staff": staff, "staff_tab": "profile", "booked": booked},
        status=status,
    )


@managers_only
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    if request.method == "GET":
        form = StaffMemberForm(initial=StaffMemberForm.initial_for(None), tenant=tenant)
        return _staff_profile_page(request, form, None)
    form = StaffMemberForm(request.POST, request.FILES, tenant=tenant)
    if form.is_valid():
        try:
            staff = services.staff_member_create(
                tenant=tenant, data=form.staff_data(), photo=form.cleaned_data["photo"]
            )
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(
                request, f"{staff.display_name} was added. Now set their working hours."
            )
            return redirect("catalog:staff_hours", staff_id=staff.pk)
    return _staff_profile_page(request, form, None)


@managers_only
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, staff_id: int) -> HttpResponse:
    tenant = _tenant(request)
    staff = _found(selectors.staff_member_get, staff_id=staff_id)
    if request.method == "GET":
        form = StaffMemberForm(initial=StaffMemberForm.initial_for(staff), tenant=tenant)
        return _staff_profile_page(request, form, staff)
    form = StaffMemberForm(request.POST, request.FILES, tenant=tenant)
    if form.is_valid():
        try:
            services.staff_member_update(
                tenant=tenant,
                staff=staff,
                data=form.staff_data(),
                photo=form.cleaned_data["photo"],
                remove_photo=form.cleaned_data["remove_photo"],
            )
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(request, f"{staff.display_name}'s profile was saved.")
            return redirect("catalog:staff_edit", staff_id=staff.pk)
    fresh = selectors.staff_member_get(staff_id=staff_id)
    return _staff_profile_page(request, form, fresh)


@managers_only
@require_POST
def staff_delete(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = _found(selectors.staff_member_get, staff_id=staff_id)
    try:
        services.staff_member_delete(staff=staff)
    except services.StaffInUseError:
        messages.error(
            request,
            f"{staff.display_name} has appointments, so they can't be deleted. "
            "Make them not bookable instead.",
        )
        return redirect("catalog:staff_edit", staff_id=staff_id)
    messages.success(request, f"{staff.display_name} was deleted.")
    return redirect("catalog:staff_list")


@managers_only
@require_http_methods(["GET", "POST"])
def staff_hours(request: HttpRequest, staff_id: int) -> HttpResponse:
    """The weekly-hours editor: the whole week is replaced at once."""
    staff = _found(selectors.staff_member_get, staff_id=staff_id)
    if request.method == "GET":
        form = WeeklyHoursForm.for_rows(availability_selectors.weekly_hours_list(staff=staff))
        return _staff_page(request, "catalog/staff_hours.html", staff, "hours", {"form": form})
    form = WeeklyHoursForm(request.POST)
    if form.row_action(request.POST):
        return _staff_page(request, "catalog/staff_hours.html", staff, "hours", {"form": form})
    if form.is_valid():
        try:
            availability_services.weekly_hours_replace(staff=staff, intervals=form.intervals)
        except ValidationFailedError as exc:
            form.add_service_errors(exc.errors)
        except NotFoundError as exc:
            raise Http404(exc.detail) from exc
        else:
            messages.success(request, f"{staff.display_name}'s working hours were saved.")
            return redirect("catalog:staff_hours", staff_id=staff.pk)
    return _staff_page(request, "catalog/staff_hours.html", staff, "hours", {"form": form})


def _overrides_page(
    request: HttpRequest, staff: StaffMember, form: DateOverrideForm, status: int = 200
) -> HttpResponse:
    today = timezone.now().astimezone(_staff_zone(staff, _tenant(request))).date()
    days = availability_selectors.date_override_day_list(staff=staff, start=today)
    return _staff_page(
        request,
        "catalog/staff_overrides.html",
        staff,
        "overrides",
        {"form": form, "days": days, "today": today},
        status=status,
    )


@managers_only
@require_http_methods(["GET", "POST"])
def staff_overrides(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Upcoming date overrides, and a form that sets one (an existing date is replaced;
    ?date=YYYY-MM-DD opens that date's override for editing)."""
    staff = _found(selectors.staff_member_get, staff_id=staff_id)
    if request.method == "GET":
        form = DateOverrideForm()
        wanted = _date_or_none(request.GET.get("date", ""))
        if wanted is not None:
            try:
                day = availability_selectors.date_override_day_get(staff=staff, day=wanted)
            except NotFoundError:
                form = DateOverrideForm(initial={"date": wanted, "kind": "closed"})
            else:
                form = DateOverrideForm.for_day(day)
        return _overrides_page(request, staff, form)
    form = DateOverrideForm(request.POST)
    edited = form.rows_edited()
    if edited is not None:
        return _overrides_page(request, staff, edited)
    if form.is_valid():
        try:
            _, created = availability_services.date_override_set(
                staff=staff,
                day=form.cleaned_data["date"],
                closed=form.closed,
                intervals=form.intervals,
            )
        except ValidationFailedError as exc:
            form.add_service_errors(exc.errors)
        except NotFoundError as exc:
            raise Http404(exc.detail) from exc
        else:
            when = form.cleaned_data["date"].strftime("%a %-d %b %Y")
            verb = "set" if created else "updated"
            messages.success(request, f"{staff.display_name}'s hours on {when} were {verb}.")
            return redirect("catalog:staff_overrides", staff_id=staff.pk)
    return _overrides_page(request, staff, form)


def _date_or_none(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@managers_only
@require_POST
def staff_override_delete(request: HttpRequest, staff_id: int, day: str) -> HttpResponse:
    staff = _found(selectors.staff_member_get, staff_id=staff_id)
    parsed = _date_or_none(day)
    if parsed is None:
        raise Http404("Not a date")
    try:
        availability_services.date_override_delete(staff=staff, day=parsed)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc
    messages.success(
        request,
        f"{staff.display_name} works their usual hours on {parsed.strftime('%a %-d %b %Y')}.",
    )
    return redirect("catalog:staff_overrides", staff_id=staff.pk)


def _time_off_page(
    request: HttpRequest, staff: StaffMember, form: TimeOffForm, status: int = 200
) -> HttpResponse:
    past = request.GET.get("past") == "1"
    page = owner_selectors.time_off_page(
        staff=staff, now=timezone.now(), past=past, page=request.GET.get("page", 1)
    )
    return _staff_page(
        request,
        "catalog/staff_time_off.html",
        staff,
        "time_off",
        {"form": form, "page": page, "past": past},
        status=status,
    )


@managers_only
@require_http_methods(["GET", "POST"])
def staff_time_off(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = _found(selectors.staff_member_get, staff_id=staff_id)
    zone = _staff_zone(staff, _tenant(request))
    if request.method == "GET":
        today = timezone.now().astimezone(zone).date()
        form = TimeOffForm(initial=TimeOffForm.initial_new(today), zone=zone)
        return _time_off_page(request, staff, form)
    form = TimeOffForm(request.POST, zone=zone)
    if form.is_valid():
        try:
            availability_services.time_off_create(data={"staff": staff.pk, **form.time_off_data()})
        except ValidationFailedError as exc:
            errors_to_form(form, exc.errors)
        else:
            messages.success(request, f"Time off for {staff.display_name} was added.")
            return redirect("catalog:staff_time_off", staff_id=staff.pk)
    return _time_off_page(request, staff, form)


def _time_off_or_404(staff: StaffMember, time_off_id: int) -> Any:
    time_off = owner_selectors.time_off_get_for_staff(staff=staff, time_off_id=time_off_id)
    if time_off is None:
        raise Http404("No such time off")
    return time_off


@managers_only
@require_http_methods(["GET", "POST"])
def staff_time_off_edit(request: HttpRequest, staff_id: int, time_off_id: int) -> HttpResponse:
    staff = _found(selectors.staff_member_get, staff_id=staff_id)
    time_off = _time_off_or_404(staff, time_off_id)
    zone = _staff_zone(staff, _tenant(request))
    if request.method == "GET":
        form = TimeOffForm(initial=TimeOffForm.initial_for(time_off, zone), zone=zone)
    else:
        form = TimeOffForm(request.POST, zone=zone)
        if form.is_valid():
            try:
                availability_services.time_off_update(time_off=time_off, data=form.time_off_data())
            except ValidationFailedError as exc:
                errors_to_form(form, exc.errors)
            else:
                messages.success(request, "The time off was saved.")
                return redirect("catalog:staff_time_off", staff_id=staff.pk)
    return _staff_page(
        request,
        "catalog/staff_time_off_edit.html",
        staff,
        "time_off",
        {"form": form, "time_off": time_off},
    )


@managers_only
@require_POST
def staff_time_off_delete(request: HttpRequest, staff_id: int, time_off_id: int) -> HttpResponse:
    staff = _found(selectors.staff_member_get, staff_id=staff_id)
    time_off = _time_off_or_404(staff, time_off_id)
    availability_services.time_off_delete(time_off=time_off)
    messages.success(request, "The time off was removed.")
    return redirect("catalog:staff_time_off", staff_id=staff.pk)


# --- booking pages -------------------------------------------------------------------------


@members_only
@require_GET
def booking_page_list(request: HttpRequest) -> HttpResponse:
    form = BookingPageFilterForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page = owner_selectors.booking_page_page(search=search, page=request.GET.get("page", 1))
    return render(
        request,
        "catalog/booking_page_list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(search),
            "can_manage": request_can_manage(request),
            "tab": "booking_pages",
        },
    )


def _booking_page_form_page(
    request: HttpRequest,
    form: BookingPageForm,
    questions: QuestionsEditor,
    page: BookingPage | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "catalog/booking_page_form.html",
        {"form": form, "questions": questions, "booking_page": page, "tab": "booking_pages"},
        status=status,
    )


def _booking_page_save(
    request: HttpRequest, page: BookingPage | None
) -> tuple[BookingPage | None, BookingPageForm, QuestionsEditor]:
    """Parse the page and its questions, and write them in one service call."""
    questions = QuestionsEditor(request.POST)
    if questions.row_action(request.POST):
        # Only the question rows changed: show the form again, unchecked and unsaved.
        return None, BookingPageForm(initial=BookingPageForm.initial_from(request.POST)), questions
    form = BookingPageForm(request.POST)
    form_ok = form.is_valid()
    if not form_ok or questions.non_field_errors:
        questions.questions()  # keys for new rows, so a re-shown form keeps them
        return None, form, questions
    data = {**form.page_data(), "questions": questions.questions()}
    try:
        if page is None:
            saved = services.booking_page_create(data=data)
        else:
            saved = services.booking_page_update(page=page, data=data)
    except DomainError as exc:
        questions.add_service_errors(exc.errors)
        other = {k: v for k, v in exc.errors.items() if not k.startswith("questions")}
        if other or not exc.errors:
            problem_to_form(form, DomainError(exc.detail, errors=other))
        return None, form, questions
    return saved, form, questions


@managers_only
@require_http_methods(["GET", "POST"])
def booking_page_create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = BookingPageForm(initial=BookingPageForm.initial_for(None))
        return _booking_page_form_page(request, form, QuestionsEditor(), None)
    saved, form, questions = _booking_page_save(request, None)
    if saved is not None:
        messages.success(request, f"The booking page “{saved.title}” was created.")
        return redirect("catalog:booking_page_edit", page_id=saved.pk)
    return _booking_page_form_page(request, form, questions, None)


@managers_only
@require_http_methods(["GET", "POST"])
def booking_page_edit(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _found(selectors.booking_page_get, page_id=page_id)
    if request.method == "GET":
        form = BookingPageForm(initial=BookingPageForm.initial_for(page))
        questions = QuestionsEditor(questions=page.questions or [])
        return _booking_page_form_page(request, form, questions, page)
    saved, form, questions = _booking_page_save(request, page)
    if saved is not None:
        messages.success(request, f"The booking page “{saved.title}” was saved.")
        return redirect("catalog:booking_page_edit", page_id=saved.pk)
    fresh = selectors.booking_page_get(page_id=page_id)
    return _booking_page_form_page(request, form, questions, fresh)


@managers_only
@require_POST
def booking_page_delete(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _found(selectors.booking_page_get, page_id=page_id)
    services.booking_page_delete(page=page)
    messages.success(request, f"The booking page “{page.title}” was deleted.")
    return redirect("catalog:booking_page_list")
