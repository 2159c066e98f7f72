"""The studio's public pages: its home page and the booking wizard (server-rendered, no sign-in).

Views parse the query (tenant_apps.booking.state), read through tenant_apps.booking.selectors and
book through tenant_apps.booking.services. Each step works on its own from its URL: a step whose
inputs are missing or no longer valid shows the step that asks for them, with a notice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from shared_apps.core.errors import DomainError, ValidationFailedError
from tenant_apps.booking import selectors
from tenant_apps.booking.forms import BookingDetailsForm
from tenant_apps.booking.links import confirmation_reference, confirmation_token
from tenant_apps.booking.services import WizardBooking, wizard_booking_create
from tenant_apps.booking.state import (
    ANY_STAFF,
    WizardQuery,
    parse_day,
    parse_id,
    parse_month,
    parse_slot,
    parse_zone,
)
from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.catalog.questions import questions_parse
from tenant_apps.portal.links import booking_link_path
from tenant_apps.scheduling.errors import SlotUnavailableError
from tenant_apps.scheduling.idempotency import (
    idempotency_key_clean,
    idempotent_call,
)
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.selectors import booking_page_get, zone_or_utc
from tenant_apps.scheduling.throttling import PublicRateLimitedError, rate_limit_hit
from tenant_apps.studio.forms import timezone_choices
from tenant_apps.studio.selectors import studio_get
from tenants.models import Tenant

STEPS = (
    ("service", "Service"),
    ("staff", "Staff"),
    ("time", "Date & time"),
    ("details", "Details"),
)
IDEMPOTENCY_SCOPE = "wizard:bookings"
GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
SLOT_TAKEN_MESSAGE = (
    "Sorry, someone else booked {time} while you were filling in the form. "
    "Please pick another time below; everything you typed is kept."
)


def _studio(request: HttpRequest) -> Tenant:
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    return tenant


def _client_address(request: HttpRequest) -> str:
    # As the public API counts (scheduling.throttling.client_address): REMOTE_ADDR only.
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _day_label(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _zone_label(zone: ZoneInfo) -> str:
    return zone.key.replace("_", " ")


# --- the studio's home page --------------------------------------------------------------------


def studio_home(request: HttpRequest) -> HttpResponse:
    """ "/" for visitors (studio.views.studio_home sends members to their app)."""
    home = selectors.studio_home_get()
    return render(
        request,
        "booking/home.html",
        {
            "profile": studio_get(tenant=_studio(request)),
            "home": home,
            "book_url": (
                reverse("booking:service", args=[home.page.slug]) if home.page is not None else ""
            ),
        },
    )


# --- the wizard: shared pieces -----------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """What the query names, resolved against the page (None where missing or not valid)."""

    page: BookingPage
    query: WizardQuery
    zone: ZoneInfo
    studio_zone: ZoneInfo
    service: Service | None = None
    staff: StaffMember | None = None
    any_staff: bool = False
    slot: datetime | None = None

    @property
    def staff_chosen(self) -> bool:
        return self.any_staff or self.staff is not None

    @property
    def staff_label(self) -> str:
        if self.staff is not None:
            return self.staff.display_name
        return "Any available" if self.any_staff else ""

    def url(self, step: str, **changes: str) -> str:
        return self.query.but(**changes).url(self.page.slug, step)


def _page_or_none(slug: str) -> BookingPage | None:
    return booking_page_get(slug=slug)


def _page_missing(request: HttpRequest) -> HttpResponse:
    home_page = selectors.home_booking_page()
    return render(
        request,
        "booking/not_found.html",
        {
            "profile": studio_get(tenant=_studio(request)),
            "other_page_url": (
                reverse("booking:service", args=[home_page.slug]) if home_page else ""
            ),
        },
        status=404,
    )


def _choice(request: HttpRequest, page: BookingPage) -> Choice:
    query = WizardQuery.from_query(request.GET)
    studio_zone = zone_or_utc(_studio(request).timezone)
    zone = parse_zone(query.tz) or studio_zone
    service_id = parse_id(query.service)
    service = selectors.wizard_service_get(page=page, service_id=service_id) if service_id else None
    staff: StaffMember | None = None
    any_staff = query.staff.lower() == ANY_STAFF
    staff_id = parse_id(query.staff)
    if service is not None and staff_id is not None:
        staff = selectors.wizard_staff_get(page=page, service=service, staff_id=staff_id)
    return Choice(
        page=page,
        query=query.but(tz=zone.key) if query.tz else query,
        zone=zone,
        studio_zone=studio_zone,
        service=service,
        staff=staff,
        any_staff=any_staff and service is not None,
        slot=parse_slot(query.slot),
    )


@dataclass(frozen=True)
class Progress:
    key: str
    label: str
    number: int
    state: str  # done / current / upcoming
    url: str


def _progress(choice: Choice, current: str) -> list[Progress]:
    keys = [key for key, _ in STEPS]
    position = keys.index(current) if current in keys else len(keys)
    reachable = {
        "service": True,
        "staff": choice.service is not None,
        "time": choice.service is not None and choice.staff_chosen,
        "details": choice.slot is not None and choice.staff_chosen,
    }
    steps = []
    for index, (key, label) in enumerate(STEPS):
        state = "done" if index < position else "current" if index == position else "upcoming"
        # After booking, the steps are history: nothing to go back to.
        linked = state == "done" and reachable[key] and current != "done"
        url = choice.url(key) if linked else ""
        steps.append(Progress(key=key, label=label, number=index + 1, state=state, url=url))
    return steps


@dataclass(frozen=True)
class TimeSummary:
    day: str
    time: str
    end_time: str
    zone: str
    studio_time: str  # "" when the customer's zone is the studio's
    studio_zone: str


def _time_summary(start: datetime, minutes: int, choice: Choice) -> TimeSummary:
    local = start.astimezone(choice.zone)
    end = (start + timedelta(minutes=minutes)).astimezone(choice.zone)
    differs = choice.zone.key != choice.studio_zone.key
    studio_local = start.astimezone(choice.studio_zone)
    studio_text = ""
    if differs:
        studio_text = studio_local.strftime("%H:%M")
        if studio_local.date() != local.date():
            studio_text += f" on {studio_local:%a} {studio_local.day} {studio_local:%b}"
    return TimeSummary(
        day=_day_label(local.date()),
        time=local.strftime("%H:%M"),
        end_time=end.strftime("%H:%M"),
        zone=_zone_label(choice.zone),
        studio_time=studio_text,
        studio_zone=_zone_label(choice.studio_zone),
    )


def _context(request: HttpRequest, choice: Choice, step: str, **extra: Any) -> dict[str, Any]:
    service = choice.service
    return {
        "profile": _studio(request),
        "page": choice.page,
        "choice": choice,
        "step": step,
        "progress": _progress(choice, step),
        "service_duration": selectors.duration_label(service.duration_minutes) if service else "",
        "service_price": selectors.service_price_label(service) if service else "",
        "summary_time": (
            _time_summary(choice.slot, service.duration_minutes, choice)
            if choice.slot is not None and service is not None and step in ("details", "done")
            else None
        ),
        "zone_label": _zone_label(choice.zone),
        "studio_zone_label": _zone_label(choice.studio_zone),
        "zone_differs": choice.zone.key != choice.studio_zone.key,
        "change_service_url": choice.url("service", service="", staff="", slot="", date=""),
        "change_staff_url": choice.url("staff", staff="", slot="") if service else "",
        "change_time_url": choice.url("time", slot="") if choice.staff_chosen else "",
        **extra,
    }


def _throttled(request: HttpRequest, error: PublicRateLimitedError) -> HttpResponse:
    response = render(
        request,
        "booking/throttled.html",
        {"profile": _studio(request), "detail": error.detail},
        status=429,
    )
    response["Retry-After"] = str(error.retry_after)
    return response


# --- step 1: service ---------------------------------------------------------------------------


def _service_step(request: HttpRequest, choice: Choice, notice: str = "") -> HttpResponse:
    preselected: StaffMember | None = None
    staff_id = parse_id(choice.query.staff)
    if staff_id is not None:
        preselected = selectors.public_staff_list(page=choice.page).filter(pk=staff_id).first()
    services = selectors.wizard_service_list(page=choice.page, staff=preselected)
    options = []
    for service in services:
        if preselected is not None:
            url = choice.url("time", service=str(service.pk), staff=str(preselected.pk), slot="")
        else:
            url = choice.url("staff", service=str(service.pk), staff="", slot="")
        options.append(
            {
                "service": service,
                "url": url,
                "duration": selectors.duration_label(service.duration_minutes),
                "price": selectors.service_price_label(service),
            }
        )
    groups: dict[str, list[dict[str, Any]]] = {}
    for service, option in zip(services, options, strict=True):
        groups.setdefault(service.category.strip(), []).append(option)
    return render(
        request,
        "booking/step_service.html",
        _context(
            request,
            choice,
            "service",
            groups=list(groups.items()),
            preselected=preselected,
            notice=notice,
        ),
    )


@require_GET
def book_root(request: HttpRequest) -> HttpResponse:
    """/book/ on its own: the page the studio's home links to (its query kept), or the
    friendly not-found page when no booking page is active."""
    page = selectors.home_booking_page()
    if page is None:
        return _page_missing(request)
    url = reverse("booking:service", args=[page.slug])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@require_GET
def step_service(request: HttpRequest, page_slug: str) -> HttpResponse:
    page = _page_or_none(page_slug)
    if page is None:
        return _page_missing(request)
    return _service_step(request, _choice(request, page))


# --- step 2: staff -----------------------------------------------------------------------------

SERVICE_GONE = "That service can't be booked online any more. Please choose another one."
STAFF_GONE = "That person can't be booked for this service any more. Please choose again."
SLOT_MISSING = "Please choose a time first."


def _staff_step(request: HttpRequest, choice: Choice, notice: str = "") -> HttpResponse:
    assert choice.service is not None
    members = selectors.wizard_staff_list(page=choice.page, service=choice.service)
    return render(
        request,
        "booking/step_staff.html",
        _context(
            request,
            choice,
            "staff",
            any_url=choice.url("time", staff=ANY_STAFF, slot=""),
            members=[
                {
                    "member": member,
                    "initials": selectors.person_initials(member.display_name),
                    "url": choice.url("time", staff=str(member.pk), slot=""),
                }
                for member in members
            ],
            notice=notice,
        ),
    )


@require_GET
def step_staff(request: HttpRequest, page_slug: str) -> HttpResponse:
    page = _page_or_none(page_slug)
    if page is None:
        return _page_missing(request)
    choice = _choice(request, page)
    if choice.service is None:
        return _service_step(request, choice, SERVICE_GONE if choice.query.service else "")
    return _staff_step(request, choice)


# --- step 3: date and time ---------------------------------------------------------------------


def _time_step(request: HttpRequest, choice: Choice, notice: str = "") -> HttpResponse:
    assert choice.service is not None
    try:
        rate_limit_hit(
            kind="slots",
            address=_client_address(request),
            limit=int(settings.PUBLIC_SLOTS_RATE_PER_MINUTE),
        )
    except PublicRateLimitedError as error:
        return _throttled(request, error)
    now = timezone.now()
    today = now.astimezone(choice.zone).date()
    chosen_day = parse_day(choice.query.date)
    month = parse_month(choice.query.month) or (chosen_day or today).replace(day=1)
    month = max(month, today.replace(day=1))
    availability = selectors.month_availability(
        page=choice.page,
        service=choice.service,
        staff=choice.staff,
        month=month,
        zone=choice.zone,
        studio_zone=choice.studio_zone,
        now=now,
    )
    if chosen_day is None or chosen_day.replace(day=1) != availability.month:
        # Nothing chosen in this month yet: open its first day with free times.
        chosen_day = availability.available_days[0] if availability.available_days else None
    slots = availability.slots_by_day.get(chosen_day, ()) if chosen_day else ()
    month_key = f"{availability.month:%Y-%m}"
    weeks = [
        [
            {
                "day": day,
                "url": (
                    choice.url("time", month=month_key, date=day.day_iso, slot="")
                    if day.available
                    else ""
                ),
                "selected": day.day == chosen_day,
            }
            for day in _iso_days(week)
        ]
        for week in availability.weeks
    ]
    return render(
        request,
        "booking/step_time.html",
        _context(
            request,
            choice,
            "time",
            availability=availability,
            weeks=weeks,
            month_label=f"{availability.month:%B %Y}",
            previous_url=(
                choice.url("time", month=f"{availability.previous_month:%Y-%m}", date="")
                if availability.previous_month
                else ""
            ),
            next_url=(
                choice.url("time", month=f"{availability.next_month:%Y-%m}", date="")
                if availability.next_month
                else ""
            ),
            chosen_day=chosen_day,
            chosen_day_label=_day_label(chosen_day) if chosen_day else "",
            slots=[
                {
                    "slot": slot,
                    "url": choice.url(
                        "details", date=chosen_day.isoformat(), month=month_key, slot=slot.value
                    )
                    if chosen_day
                    else "",
                }
                for slot in slots
            ],
            timezones=timezone_choices(),
            notice=notice,
        ),
    )


@dataclass(frozen=True)
class _Day:
    day: date
    in_month: bool
    available: bool
    past: bool
    day_iso: str


def _iso_days(week: tuple[selectors.CalendarDay, ...]) -> list[_Day]:
    return [
        _Day(day=d.day, in_month=d.in_month, available=d.available, past=d.past, day_iso=str(d.day))
        for d in week
    ]


@require_GET
def step_time(request: HttpRequest, page_slug: str) -> HttpResponse:
    page = _page_or_none(page_slug)
    if page is None:
        return _page_missing(request)
    choice = _choice(request, page)
    if choice.service is None:
        return _service_step(request, choice, SERVICE_GONE if choice.query.service else "")
    if not choice.staff_chosen:
        return _staff_step(request, choice, STAFF_GONE if choice.query.staff else "")
    return _time_step(request, choice)


# --- step 4: details, and booking --------------------------------------------------------------


def _new_attempt() -> str:
    return uuid.uuid4().hex


def _details_page(
    request: HttpRequest,
    choice: Choice,
    form: BookingDetailsForm,
    *,
    slot: datetime,
    fresh_slots: list[selectors.SlotChoice] | None = None,
    taken_message: str = "",
    status: int = 200,
) -> HttpResponse:
    assert choice.service is not None
    shown = Choice(
        page=choice.page,
        query=choice.query.but(slot=selectors.slot_value(slot)),
        zone=choice.zone,
        studio_zone=choice.studio_zone,
        service=choice.service,
        staff=choice.staff,
        any_staff=choice.any_staff,
        slot=slot,
    )
    day = slot.astimezone(choice.zone).date()
    return render(
        request,
        "booking/step_details.html",
        _context(
            request,
            shown,
            "details",
            form=form,
            attempt=_new_attempt(),
            action=shown.url("details"),
            policy_text=choice.page.policy_text,
            fresh_slots=fresh_slots,
            taken_message=taken_message,
            other_days_url=choice.url("time", slot="", date=day.isoformat()),
            fresh_day_label=_day_label(day),
        ),
        status=status,
    )


def _fresh_slots(choice: Choice, slot: datetime) -> list[selectors.SlotChoice]:
    assert choice.service is not None
    return selectors.day_slot_choices(
        page=choice.page,
        service=choice.service,
        staff=choice.staff,
        day=slot.astimezone(choice.zone).date(),
        zone=choice.zone,
        studio_zone=choice.studio_zone,
        now=timezone.now(),
    )


def _taken_message(choice: Choice, slot: datetime) -> str:
    return SLOT_TAKEN_MESSAGE.format(time=slot.astimezone(choice.zone).strftime("%H:%M"))


def _payload(data: QueryDict) -> dict[str, list[str]]:
    return {
        key: data.getlist(key)
        for key in sorted(data)
        if key not in ("csrfmiddlewaretoken", "attempt")
    }


def _attempt_key(data: QueryDict) -> str | None:
    try:
        return idempotency_key_clean(data.get("attempt") or None)
    except ValidationFailedError:
        return None  # a mangled key only loses the double-submit protection


@require_http_methods(["GET", "POST"])
def step_details(request: HttpRequest, page_slug: str) -> HttpResponse:
    page = _page_or_none(page_slug)
    if page is None:
        return _page_missing(request)
    choice = _choice(request, page)
    if choice.service is None:
        return _service_step(request, choice, SERVICE_GONE if choice.query.service else "")
    if not choice.staff_chosen:
        return _staff_step(request, choice, STAFF_GONE if choice.query.staff else "")
    questions = questions_parse(page.questions or [])
    if request.method == "POST":
        slot = parse_slot(str(request.POST.get("slot") or "")) or choice.slot
    else:
        slot = choice.slot
    if slot is None:
        return _time_step(request, choice, SLOT_MISSING)

    if request.method == "GET":
        form = BookingDetailsForm(
            questions=questions,
            policy_text=page.policy_text,
            initial={"slot": selectors.slot_value(slot)},
        )
        fresh = _fresh_slots(choice, slot)
        if any(option.start == slot for option in fresh):
            return _details_page(request, choice, form, slot=slot)
        # Taken (or no longer bookable) since the time step was shown.
        return _details_page(
            request,
            choice,
            form,
            slot=slot,
            fresh_slots=fresh,
            taken_message=_taken_message(choice, slot),
        )

    form = BookingDetailsForm(request.POST, questions=questions, policy_text=page.policy_text)
    if not form.is_valid():
        return _details_page(request, choice, form, slot=slot, status=422)
    try:
        rate_limit_hit(
            kind="booking",
            address=_client_address(request),
            limit=int(settings.PUBLIC_BOOKING_RATE_PER_MINUTE),
        )
    except PublicRateLimitedError as error:
        form.add_error(None, error.detail)
        return _details_page(request, choice, form, slot=slot, status=429)

    service = choice.service
    booking = WizardBooking(
        service=service,
        staff=choice.staff,
        start=slot,
        full_name=form.cleaned_data["full_name"],
        email=form.cleaned_data["email"],
        phone=form.cleaned_data["phone"],
        answers=form.answers(),
        note=form.cleaned_data.get("note") or "",
        marketing_consent=bool(form.cleaned_data.get("marketing_consent")),
    )

    def book() -> tuple[int, dict[str, Any]]:
        appointment = wizard_booking_create(
            page=page,
            booking=booking,
            now=timezone.now(),
            studio_timezone=_studio(request).timezone,
        )
        return 201, {"reference": appointment.reference}

    try:
        result = idempotent_call(
            scope=IDEMPOTENCY_SCOPE,
            key=_attempt_key(request.POST),
            payload={"page": page.slug, **_payload(request.POST)},
            operation=book,
        )
    except SlotUnavailableError as error:
        return _slot_refused(request, choice, form, slot, error.code, error.detail)
    except DomainError as error:
        return _refused(request, choice, form, slot, error)
    if result.is_problem:
        # A resent form whose first submission was refused: show that answer again.
        code = str(result.body.get("code", ""))
        if result.status == 409:
            return _slot_refused(request, choice, form, slot, code, str(result.body["detail"]))
        form.add_error(None, str(result.body.get("detail", "This booking could not be made.")))
        return _details_page(request, choice, form, slot=slot, status=result.status)
    reference = str(result.body["reference"])
    done = reverse("booking:done", args=[page.slug, confirmation_token(reference)])
    return redirect(f"{done}?{urlencode({'tz': choice.zone.key})}")


def _slot_refused(
    request: HttpRequest,
    choice: Choice,
    form: BookingDetailsForm,
    slot: datetime,
    code: str,
    detail: str,
) -> HttpResponse:
    message = _taken_message(choice, slot) if code == "slot_taken" else detail
    return _details_page(
        request,
        choice,
        form,
        slot=slot,
        fresh_slots=_fresh_slots(choice, slot),
        taken_message=message,
        status=409,
    )


def _refused(
    request: HttpRequest,
    choice: Choice,
    form: BookingDetailsForm,
    slot: datetime,
    error: DomainError,
) -> HttpResponse:
    placed = False
    for key, messages in error.errors.items():
        name = form.field_for_problem(key)
        for message in messages:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.detail)
    return _details_page(request, choice, form, slot=slot, status=error.status)


# --- step 5: confirmation ----------------------------------------------------------------------


def _google_calendar_url(appointment: Appointment, studio: Tenant) -> str:
    def utc(moment: datetime) -> str:
        return moment.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")

    query = {
        "action": "TEMPLATE",
        "text": f"{appointment.service.name} at {studio.name}",
        "dates": f"{utc(appointment.start)}/{utc(appointment.end)}",
        "details": f"Booking reference: {appointment.reference}"
        f"\nWith {appointment.staff.display_name}",
        "location": studio.address or studio.name,
    }
    return f"{GOOGLE_CALENDAR}?{urlencode(query)}"


@require_GET
def step_done(request: HttpRequest, page_slug: str, token: str) -> HttpResponse:
    page = _page_or_none(page_slug)
    reference = confirmation_reference(token)
    appointment = selectors.booking_confirmation_get(reference=reference) if reference else None
    if page is None or appointment is None:
        return _page_missing(request)
    studio = studio_get(tenant=_studio(request))
    choice = Choice(
        page=page,
        query=WizardQuery(),
        zone=parse_zone(request.GET.get("tz", "").strip()) or zone_or_utc(studio.timezone),
        studio_zone=zone_or_utc(studio.timezone),
        service=appointment.service,
        staff=appointment.staff,
        slot=appointment.start,
    )
    ics_path = reverse("public-booking-ics", args=[appointment.reference])
    return render(
        request,
        "booking/step_done.html",
        _context(
            request,
            choice,
            "done",
            profile=studio,
            appointment=appointment,
            pending=appointment.status == AppointmentStatus.PENDING,
            ics_url=f"{ics_path}?email={quote(appointment.customer.email)}",
            google_url=_google_calendar_url(appointment, studio),
            manage_url=booking_link_path(appointment),
            book_again_url=reverse("booking:service", args=[page.slug]),
        ),
    )
