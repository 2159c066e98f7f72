"""Owner-app screens of group classes under /app/classes/: the week of sessions, class types,
scheduling (one-off or weekly), a session's page with its roster, and the waitlist settings.

Owners and managers manage everything; staff see the sessions they teach and run those rosters
(check-in, no-show, walk-ins, adding a customer). Anything else is not found for them, as
tenants.access decides. Every write is one classes service; a refused write (class full,
instructor busy, room taken) is shown on the form or as a toast, never a 500.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shared_apps.core.errors import DomainError, NotFoundError
from tenant_apps.catalog.forms import problem_to_form
from tenant_apps.classes import page_selectors, selectors, services
from tenant_apps.classes.access import teaches
from tenant_apps.classes.forms import (
    CancelSessionForm,
    ClassSettingsForm,
    ClassTypeForm,
    EnrollCustomerForm,
    ScheduleFilterForm,
    SessionCreateForm,
    SessionEditForm,
)
from tenant_apps.classes.models import ClassSession, ClassType, Enrollment, EnrollmentSource
from tenant_apps.customers.selectors import customer_get
from tenant_apps.scheduling.selectors import zone_or_utc
from tenant_apps.scheduling.services import Actor, CustomerDetails
from tenants.access import MANAGING_ROLES, request_can_manage, studio_member_required
from tenants.models import Tenant

members_only = studio_member_required()
managers_only = studio_member_required(roles=MANAGING_ROLES)


def _tenant(request: HttpRequest) -> Tenant:
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    return tenant


def _zone(request: HttpRequest) -> ZoneInfo:
    return zone_or_utc(_tenant(request).timezone)


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)  # type: ignore[arg-type]


# --- access --------------------------------------------------------------------------------


def _class_type_or_404(class_type_id: int) -> ClassType:
    class_type = selectors.class_type_get(class_type_id=class_type_id)
    if class_type is None:
        raise Http404("No such class type")
    return class_type


def _session_or_404(request: HttpRequest, session_id: int) -> ClassSession:
    """The session, for managers or its own instructor; not found for anyone else (other
    studios' ids included)."""
    session = selectors.class_session_get(session_id=session_id)
    # Pages show staff the classes they teach (access.teaches, the rule the API's roster uses).
    if session is None or not (request_can_manage(request) or teaches(request.membership, session)):  # type: ignore[attr-defined]
        raise Http404("No such class")
    return session


def _enrollment_or_404(request: HttpRequest, enrollment_id: int) -> Enrollment:
    enrollment = selectors.enrollment_get(enrollment_id=enrollment_id)
    if enrollment is None:
        raise Http404("No such enrollment")
    # The same rule as its session's page.
    _session_or_404(request, enrollment.session_id)
    return enrollment


# --- the week of sessions ------------------------------------------------------------------


def _week_query(week: datetime.date, filters: dict[str, Any]) -> str:
    query = {"week": week.isoformat()}
    for name in ("class_type", "instructor", "level", "tz"):
        if filters.get(name):
            query[name] = str(filters[name])
    return urlencode(query)


def week_context(
    request: HttpRequest, *, url_name: str, public: bool, teaching_user_id: int | None = None
) -> dict[str, Any]:
    """What the owner's week and the public schedule share: the filter form, seven days of
    sessions and the links to the weeks around it. The public schedule shows its times in the
    zone the visitor picks (?tz=), the studio's by default; the owner's week is the studio's."""
    studio_zone = _zone(request)
    form = ScheduleFilterForm(
        request.GET,
        class_types=page_selectors.class_type_choices(active_only=public),
        instructors=page_selectors.instructor_choices(teaching_only=public),
    )
    filters = form.values()
    if not public:
        filters["tz"] = None
    zone = ZoneInfo(filters["tz"]) if filters["tz"] else studio_zone
    today = timezone.now().astimezone(zone).date()
    first = page_selectors.week_start(filters["week"] or today)
    days = page_selectors.session_week_list(
        first=first,
        zone=zone,
        class_type_id=filters["class_type"],
        instructor_id=filters["instructor"],
        level=filters["level"] or None,
        taught_by_user_id=teaching_user_id,
        public=public,
    )
    base = reverse(url_name)
    last = first + datetime.timedelta(days=6)
    label = (
        f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
        if first.year == last.year
        else f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    )
    return {
        "form": form,
        "days": days,
        "today": today,
        "week_iso": first.isoformat(),
        "week_label": label,
        "previous_url": f"{base}?{_week_query(first - datetime.timedelta(days=7), filters)}",
        "next_url": f"{base}?{_week_query(first + datetime.timedelta(days=7), filters)}",
        "this_week_url": f"{base}?{_week_query(page_selectors.week_start(today), filters)}",
        "filtered": any(filters[name] for name in ("class_type", "instructor", "level")),
        "has_sessions": any(day.sessions for day in days),
        "zone": zone.key,
        "zone_label": zone.key.replace("_", " "),
        "studio_zone_label": studio_zone.key.replace("_", " "),
        "zone_differs": zone.key != studio_zone.key,
    }


@members_only
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    manage = request_can_manage(request)
    context = week_context(
        request,
        url_name="classes:session_list",
        public=False,
        teaching_user_id=None if manage else request.user.pk,
    )
    return render(
        request,
        "classes/session_list.html",
        {
            **context,
            "can_manage": manage,
            "teaching_only": not manage,
            "has_types": bool(context["form"].fields["class_type"].choices[1:]),
            "tab": "sessions",
        },
    )


# --- class types ---------------------------------------------------------------------------


@members_only
@require_GET
def class_type_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "classes/class_type_list.html",
        {
            "class_types": list(page_selectors.class_type_page()),
            "can_manage": request_can_manage(request),
            "tab": "types",
        },
    )


def _class_type_page(
    request: HttpRequest, form: ClassTypeForm, class_type: ClassType | None
) -> HttpResponse:
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request,
        "classes/class_type_form.html",
        {"form": form, "class_type": class_type, "tab": "types"},
        status=status,
    )


@managers_only
@require_http_methods(["GET", "POST"])
def class_type_create(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    if request.method == "GET":
        form = ClassTypeForm(initial=ClassTypeForm.initial_for(None, tenant.currency))
        return _class_type_page(request, form, None)
    form = ClassTypeForm(request.POST)
    if form.is_valid():
        try:
            class_type = services.class_type_create(tenant=tenant, data=form.class_type_data())
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(request, f"“{class_type.name}” was added. Now schedule it.")
            return redirect("classes:class_type_list")
    return _class_type_page(request, form, None)


@managers_only
@require_http_methods(["GET", "POST"])
def class_type_edit(request: HttpRequest, class_type_id: int) -> HttpResponse:
    class_type = _class_type_or_404(class_type_id)
    if request.method == "GET":
        form = ClassTypeForm(initial=ClassTypeForm.initial_for(class_type, class_type.currency))
        return _class_type_page(request, form, class_type)
    form = ClassTypeForm(request.POST)
    if form.is_valid():
        try:
            services.class_type_update(class_type=class_type, data=form.class_type_data())
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(request, f"“{class_type.name}” was saved.")
            return redirect("classes:class_type_list")
    # The failed write may have set values on the instance; show the stored ones.
    return _class_type_page(request, form, _class_type_or_404(class_type_id))


# --- scheduling ----------------------------------------------------------------------------


def _local_start(request: HttpRequest, day: datetime.date, at: datetime.time) -> datetime.datetime:
    """The studio-clock date and time as an aware moment (a time skipped by a DST change moves
    forward, as zoneinfo's fold=0 does)."""
    return datetime.datetime.combine(day, at, _zone(request))


def _session_form_page(
    request: HttpRequest, form: SessionCreateForm, status: int | None = None
) -> HttpResponse:
    if status is None:
        status = 422 if form.is_bound and form.errors else 200
    zone = _zone(request)
    return render(
        request,
        "classes/session_form.html",
        {
            "form": form,
            "zone_label": zone.key.replace("_", " "),
            "has_types": ClassType.objects.filter(is_active=True).exists(),
            "tab": "sessions",
        },
        status=status,
    )


@managers_only
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        initial: dict[str, Any] = {"repeat": "once", "ends": "count", "count": 8}
        if (type_id := request.GET.get("class_type", "")).isdigit():
            initial["class_type"] = int(type_id)
        return _session_form_page(request, SessionCreateForm(initial=initial))
    form = SessionCreateForm(request.POST)
    if not form.is_valid():
        return _session_form_page(request, form)
    data = form.cleaned_data
    start = _local_start(request, data["date"], data["time"])
    now = timezone.now()
    try:
        if form.weekly:
            _, sessions = services.class_series_create(
                class_type=data["class_type"],
                instructor=data["instructor"],
                first_start=start,
                repeat_until=data["repeat_until"] if data["ends"] == "until" else None,
                count=data["count"] if data["ends"] == "count" else None,
                capacity=data["capacity"],
                notes=data["notes"],
                actor=_actor(request),
                now=now,
                studio_timezone=_tenant(request).timezone,
            )
        else:
            sessions = [
                services.class_session_create(
                    class_type=data["class_type"],
                    instructor=data["instructor"],
                    start=start,
                    capacity=data["capacity"],
                    notes=data["notes"],
                    actor=_actor(request),
                    now=now,
                    studio_timezone=_tenant(request).timezone,
                )
            ]
    except DomainError as exc:
        problem_to_form(form, exc)
        return _session_form_page(request, form, exc.status)
    first = sessions[0]
    name = data["class_type"].name
    if len(sessions) > 1:
        messages.success(request, f"{len(sessions)} weekly sessions of “{name}” were scheduled.")
    else:
        messages.success(request, f"“{name}” was scheduled.")
    week = first.start.astimezone(_zone(request)).date()
    return redirect(f"{reverse('classes:session_list')}?week={week.isoformat()}")


# --- one session: detail, roster, edit, cancel ---------------------------------------------


def _session_page(
    request: HttpRequest,
    session: ClassSession,
    *,
    enroll_form: EnrollCustomerForm | None = None,
    walk_in_form: EnrollCustomerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    zone = _zone(request)
    roster = page_selectors.session_roster(session=session)
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "classes/session_detail.html",
        {
            "session": session,
            "start": session.start.astimezone(zone),
            "end": session.end.astimezone(zone),
            "zone_label": zone.key.replace("_", " "),
            "roster": roster,
            "can_manage": request_can_manage(request),
            "q": query,
            "found": page_selectors.customer_search_for_roster(query=query) if query else [],
            "enroll_form": enroll_form or EnrollCustomerForm(prefix="add"),
            "walk_in_form": walk_in_form
            or EnrollCustomerForm(prefix="walkin", initial={"join_waitlist": False}),
            "is_cancelled": session.status == "cancelled",
            "tab": "sessions",
        },
        status=status,
    )


@members_only
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    return _session_page(request, _session_or_404(request, session_id))


def _roster_customer(form: EnrollCustomerForm) -> Any:
    data = form.cleaned_data
    if data.get("customer") is not None:
        try:
            return customer_get(customer_id=data["customer"])
        except NotFoundError:
            form.add_error(None, "That customer no longer exists. Search again.")
            return None
    # Found by email, or created, by the booking itself.
    return CustomerDetails(full_name=data["full_name"].strip(), email=data["email"])


@members_only
@require_POST
def roster_add(request: HttpRequest, session_id: int) -> HttpResponse:
    """Book a customer (found by search, or new by name and email) into the session."""
    session = _session_or_404(request, session_id)
    form = EnrollCustomerForm(request.POST, prefix="add")
    if not form.is_valid():
        return _session_page(request, session, enroll_form=form, status=422)
    customer = _roster_customer(form)
    if customer is None:
        return _session_page(request, session, enroll_form=form, status=422)
    try:
        enrollment = services.enrollment_book(
            session=session,
            customer=customer,
            spots=form.cleaned_data["spots"],
            payment=form.cleaned_data["payment"],
            source=EnrollmentSource.OWNER_APP,
            actor=_actor(request),
            now=timezone.now(),
            join_waitlist=form.cleaned_data["join_waitlist"],
        )
    except DomainError as exc:
        problem_to_form(form, exc)
        return _session_page(
            request, _session_or_404(request, session_id), enroll_form=form, status=exc.status
        )
    if enrollment.status == "waitlisted":
        messages.success(request, f"{customer.full_name} is on the waitlist.")
    else:
        messages.success(request, f"{customer.full_name} is booked.")
    return redirect("classes:session_detail", session_id=session.pk)


@members_only
@require_POST
def roster_walk_in(request: HttpRequest, session_id: int) -> HttpResponse:
    """Someone at the door: a seat if one is free, checked in at once."""
    session = _session_or_404(request, session_id)
    form = EnrollCustomerForm(request.POST, prefix="walkin")
    if not form.is_valid():
        return _session_page(request, session, walk_in_form=form, status=422)
    customer = _roster_customer(form)
    if customer is None:
        return _session_page(request, session, walk_in_form=form, status=422)
    try:
        services.walk_in_add(
            session=session,
            customer=customer,
            payment=form.cleaned_data["payment"],
            actor=_actor(request),
            now=timezone.now(),
        )
    except DomainError as exc:
        problem_to_form(form, exc)
        return _session_page(
            request, _session_or_404(request, session_id), walk_in_form=form, status=exc.status
        )
    messages.success(request, f"{customer.full_name} joined as a walk-in and is checked in.")
    return redirect("classes:session_detail", session_id=session.pk)


def _attendance(request: HttpRequest, enrollment_id: int, action: str) -> HttpResponse:
    enrollment = _enrollment_or_404(request, enrollment_id)
    name = enrollment.customer.full_name
    try:
        if action == "check_in":
            services.enrollment_check_in(
                enrollment=enrollment, actor=_actor(request), now=timezone.now()
            )
            messages.success(request, f"{name} is checked in.")
        elif action == "no_show":
            services.enrollment_mark_no_show(
                enrollment=enrollment, actor=_actor(request), now=timezone.now()
            )
            messages.success(request, f"{name} is marked as a no-show.")
        else:
            services.enrollment_cancel(
                enrollment=enrollment,
                actor=_actor(request),
                now=timezone.now(),
                reason=request.POST.get("reason", "")[:500],
            )
            messages.success(request, f"{name}'s place was cancelled.")
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("classes:session_detail", session_id=enrollment.session_id)


@members_only
@require_POST
def enrollment_check_in(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    return _attendance(request, enrollment_id, "check_in")


@members_only
@require_POST
def enrollment_no_show(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    return _attendance(request, enrollment_id, "no_show")


@managers_only
@require_POST
def enrollment_cancel(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    return _attendance(request, enrollment_id, "cancel")


def _edit_page(
    request: HttpRequest, session: ClassSession, form: SessionEditForm, status: int | None = None
) -> HttpResponse:
    zone = _zone(request)
    return render(
        request,
        "classes/session_edit.html",
        {
            "session": session,
            "start": session.start.astimezone(zone),
            "form": form,
            "zone_label": zone.key.replace("_", " "),
            "tab": "sessions",
        },
        status=status or (422 if form.is_bound and form.errors else 200),
    )


@managers_only
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_or_404(request, session_id)
    in_series = session.series_id is not None
    if request.method == "GET":
        local = session.start.astimezone(_zone(request))
        form = SessionEditForm(
            in_series=in_series,
            initial={
                "date": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
                "instructor": session.instructor_id,
                "capacity": session.capacity,
                "notes": session.notes,
                "scope": "this",
            },
        )
        return _edit_page(request, session, form)
    form = SessionEditForm(request.POST, in_series=in_series)
    if not form.is_valid():
        return _edit_page(request, session, form)
    data = form.cleaned_data
    try:
        changed = services.class_session_update(
            session=session,
            scope=data["scope"] if in_series else "this",
            start=_local_start(request, data["date"], data["time"]),
            instructor=data["instructor"],
            capacity=data["capacity"],
            notes=data["notes"],
            actor=_actor(request),
            now=timezone.now(),
            studio_timezone=_tenant(request).timezone,
        )
    except DomainError as exc:
        problem_to_form(form, exc)
        return _edit_page(request, _session_or_404(request, session_id), form, exc.status)
    count = len(changed)
    if count > 1:
        messages.success(request, f"{count} sessions of the series were updated.")
    else:
        messages.success(request, "The session was updated.")
    return redirect("classes:session_detail", session_id=session.pk)


@managers_only
@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    """GET asks for the reason (and confirms); POST cancels and tells everyone enrolled."""
    session = _session_or_404(request, session_id)
    if session.status == "cancelled":
        messages.info(request, "This session is already cancelled.")
        return redirect("classes:session_detail", session_id=session.pk)
    form = CancelSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.class_session_cancel(
                session=session,
                reason=form.cleaned_data["reason"],
                actor=_actor(request),
                now=timezone.now(),
            )
        except DomainError as exc:
            problem_to_form(form, exc)
        else:
            messages.success(request, "The session was cancelled. Everyone enrolled has been told.")
            return redirect("classes:session_detail", session_id=session.pk)
    zone = _zone(request)
    roster = page_selectors.session_roster(session=session)
    return render(
        request,
        "classes/session_cancel.html",
        {
            "session": session,
            "start": session.start.astimezone(zone),
            "form": form,
            "affected": roster.active_count,
            "tab": "sessions",
        },
        status=422 if form.is_bound and form.errors else 200,
    )


# --- settings ------------------------------------------------------------------------------


@managers_only
@require_http_methods(["GET", "POST"])
def class_settings(request: HttpRequest) -> HttpResponse:
    current = selectors.class_settings_get()
    fields = (
        "waitlist_mode",
        "claim_window_minutes",
        "close_window_hours",
        "late_cancel_hours",
        "late_cancel_forfeits_credit",
    )
    if request.method == "GET":
        form = ClassSettingsForm(initial={name: getattr(current, name) for name in fields})
    else:
        form = ClassSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.class_settings_update(**form.cleaned_data)
            except DomainError as exc:
                problem_to_form(form, exc)
            else:
                messages.success(request, "Waitlist and cancellation rules were saved.")
                return redirect("classes:settings")
    return render(
        request,
        "classes/settings.html",
        {"form": form, "can_manage": True, "tab": "settings"},
        status=422 if form.is_bound and form.errors else 200,
    )
