"""Reads of the studio's public pages: its home page and the booking wizard.

Everything here is what a visitor may see (the public selectors of scheduling decide which
services, staff and times that is); this module only shapes it for the pages. Free times come
from `scheduling.selectors.public_slot_list`, the function the public slots API calls, once per
page: a month view is one call for the whole month.
"""

from __future__ import annotations

import calendar
import importlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from shared_apps.marketing.selectors import price_label
from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.catalog.setup import DEFAULT_PAGE_SLUG
from tenant_apps.scheduling.models import Appointment
from tenant_apps.scheduling.selectors import (
    PublicSlot,
    booking_page_get,
    local_day_range,
    public_service_list,
    public_slot_list,
    public_staff_list,
)

# --- formatting shared by the home page and the wizard -----------------------------------------


def duration_label(minutes: int) -> str:
    """ "45 min", "1 h", "1 h 30 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def service_price_label(service: Service) -> str:
    return "Free" if service.price == Decimal("0") else price_label(service.price, service.currency)


def person_initials(name: str) -> str:
    parts = name.split()
    return "".join(part[0] for part in parts[:2]).upper() or "?"


# --- the studio's home page --------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceCard:
    id: int
    name: str
    description: str
    duration: str
    price: str
    requires_approval: bool


@dataclass(frozen=True)
class ServiceGroup:
    category: str  # "" for services without a category
    services: tuple[ServiceCard, ...]


@dataclass(frozen=True)
class ReviewSummaryView:
    average: Decimal | None
    count: int

    @property
    def stars(self) -> int:
        """The average rounded to whole stars (for the star row; the number is shown too)."""
        return int((self.average or Decimal("0")).to_integral_value())


@dataclass(frozen=True)
class ReviewCard:
    rating: int
    comment: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class StaffCard:
    id: int
    name: str
    bio: str
    photo_url: str
    initials: str
    color: str
    reviews: ReviewSummaryView | None = None
    latest_reviews: tuple[ReviewCard, ...] = ()


@dataclass(frozen=True)
class StudioReviews:
    summary: ReviewSummaryView
    latest: tuple[ReviewCard, ...]


@dataclass(frozen=True)
class StudioHome:
    page: BookingPage | None  # where the Book buttons lead (None: online booking is closed)
    intro: str
    service_groups: tuple[ServiceGroup, ...]
    staff: tuple[StaffCard, ...]
    reviews: StudioReviews | None


LATEST_REVIEWS = 3
LATEST_STAFF_REVIEWS = 2
REVIEWS_MODULE = "tenant_apps.reviews.selectors"


def home_booking_page() -> BookingPage | None:
    """The page the home page books on: the default page made at sign-up ("book") while it is
    active, else the first active page by title."""
    page = booking_page_get(slug=DEFAULT_PAGE_SLUG)
    if page is not None:
        return page
    first = BookingPage.objects.filter(is_active=True).order_by("title", "id").first()
    return booking_page_get(slug=first.slug) if first is not None else None


def service_cards(services: Sequence[Service]) -> tuple[ServiceGroup, ...]:
    """Services grouped by category, in the order given (the models order by category)."""
    groups: dict[str, list[ServiceCard]] = {}
    for service in services:
        groups.setdefault(service.category.strip(), []).append(
            ServiceCard(
                id=service.pk,
                name=service.name,
                description=service.description,
                duration=duration_label(service.duration_minutes),
                price=service_price_label(service),
                requires_approval=service.requires_approval,
            )
        )
    return tuple(
        ServiceGroup(category=name, services=tuple(cards)) for name, cards in groups.items()
    )


def _reviews_module() -> ModuleType | None:
    # The reviews app is built alongside this page; until its selectors exist the home page
    # simply shows no reviews instead of failing.
    try:
        return importlib.import_module(REVIEWS_MODULE)
    except ImportError:
        return None


def _review_author(review: Any) -> str:
    name = getattr(review, "customer_first_name", None)
    if not name:
        customer = getattr(review, "customer", None)
        full_name = str(getattr(customer, "full_name", "") or "")
        name = full_name.split()[0] if full_name.split() else ""
    return str(name) or "A customer"


def _review_card(review: Any) -> ReviewCard:
    return ReviewCard(
        rating=int(review.rating),
        comment=str(review.comment or ""),
        author=_review_author(review),
        created_at=review.created_at,
    )


def _summary_view(summary: Any) -> ReviewSummaryView:
    return ReviewSummaryView(average=summary.average, count=int(summary.count))


def studio_home_get() -> StudioHome:
    """What the studio's home page shows: the bookable services and staff of its booking page
    (everything bookable when the studio has no active page) and the reviews summary."""
    page = home_booking_page()
    services = list(public_service_list(page=page))
    staff = list(public_staff_list(page=page).order_by("display_name", "pk"))
    reviews_module = _reviews_module()
    studio_reviews: StudioReviews | None = None
    per_staff: dict[int, Any] = {}
    if reviews_module is not None:
        summary = _summary_view(reviews_module.review_summary_get())
        if summary.count:
            studio_reviews = StudioReviews(
                summary=summary,
                latest=tuple(
                    _review_card(r)
                    for r in reviews_module.review_list_published(limit=LATEST_REVIEWS)
                ),
            )
            per_staff = dict(reviews_module.staff_review_summaries())
    cards = []
    for member in staff:
        member_summary = per_staff.get(member.pk)
        member_reviews = _summary_view(member_summary) if member_summary is not None else None
        latest: tuple[ReviewCard, ...] = ()
        if member_reviews is not None and member_reviews.count and reviews_module is not None:
            latest = tuple(
                _review_card(r)
                for r in reviews_module.review_list_published(
                    limit=LATEST_STAFF_REVIEWS, staff_id=member.pk
                )
            )
        cards.append(
            StaffCard(
                id=member.pk,
                name=member.display_name,
                bio=member.bio,
                photo_url=member.photo.url if member.photo else "",
                initials=person_initials(member.display_name),
                color=member.color,
                reviews=member_reviews if member_reviews and member_reviews.count else None,
                latest_reviews=latest,
            )
        )
    return StudioHome(
        page=page,
        intro=page.intro if page is not None else "",
        service_groups=service_cards(services),
        staff=tuple(cards),
        reviews=studio_reviews,
    )


# --- the wizard --------------------------------------------------------------------------------


def wizard_service_list(*, page: BookingPage, staff: StaffMember | None = None) -> list[Service]:
    """Step 1: the page's bookable services (all active ones when it lists none), only those
    `staff` performs when the visitor came from a staff member's card."""
    services = public_service_list(page=page)
    if staff is not None:
        services = services.filter(staff=staff)
    return list(services)


def wizard_service_get(*, page: BookingPage, service_id: int) -> Service | None:
    return public_service_list(page=page).filter(pk=service_id).first()


def wizard_staff_list(*, page: BookingPage, service: Service) -> list[StaffMember]:
    """Step 2: the page's bookable staff who perform `service`."""
    return list(public_staff_list(service=service, page=page).order_by("display_name", "pk"))


def wizard_staff_get(*, page: BookingPage, service: Service, staff_id: int) -> StaffMember | None:
    return public_staff_list(service=service, page=page).filter(pk=staff_id).first()


@dataclass(frozen=True)
class SlotChoice:
    start: datetime  # UTC
    value: str  # how the slot travels in the URL: UTC, ISO 8601 with "Z"
    label: str  # "09:30" in the customer's zone
    studio_label: str  # "14:30" in the studio's zone, "" when the zones agree
    staff_names: tuple[str, ...]


@dataclass(frozen=True)
class CalendarDay:
    day: date
    in_month: bool
    available: bool
    past: bool


@dataclass(frozen=True)
class MonthAvailability:
    month: date  # its first day
    weeks: tuple[tuple[CalendarDay, ...], ...]  # Monday first
    slots_by_day: dict[date, tuple[SlotChoice, ...]] = field(default_factory=dict)
    previous_month: date | None = None
    next_month: date | None = None

    @property
    def available_days(self) -> list[date]:
        return sorted(self.slots_by_day)


def slot_value(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def slot_choices(
    slots: Sequence[PublicSlot], *, zone: ZoneInfo, studio_zone: ZoneInfo
) -> list[SlotChoice]:
    same_clock = zone.key == studio_zone.key
    return [
        SlotChoice(
            start=slot.start,
            value=slot_value(slot.start),
            label=slot.start.astimezone(zone).strftime("%H:%M"),
            studio_label="" if same_clock else slot.start.astimezone(studio_zone).strftime("%H:%M"),
            staff_names=tuple(person.name for person in slot.staff),
        )
        for slot in slots
    ]


def _month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_availability(
    *,
    page: BookingPage,
    service: Service,
    staff: StaffMember | None,
    month: date,
    zone: ZoneInfo,
    studio_zone: ZoneInfo,
    now: datetime,
) -> MonthAvailability:
    """Step 3: the month (in the customer's zone) with the days that have free times, and those
    times. One slot-engine call covers the part of the month that is neither past nor beyond
    the service's booking horizon."""
    month = month.replace(day=1)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    today = now.astimezone(zone).date()
    horizon = (now + timedelta(days=service.max_advance_days)).astimezone(zone).date()
    first_open, last_open = max(month, today), min(last, horizon)
    by_day: dict[date, list[PublicSlot]] = defaultdict(list)
    if first_open <= last_open:
        start, end = local_day_range(first=first_open, last=last_open, zone=zone)
        for slot in public_slot_list(
            service=service,
            staff=staff,
            start=start,
            end=end,
            zone=zone,
            studio_timezone=studio_zone.key,
            now=now,
            page=page,
        ):
            by_day[slot.start_local.date()].append(slot)
    weeks = tuple(
        tuple(
            CalendarDay(
                day=day,
                in_month=day.month == month.month,
                available=day.month == month.month and day in by_day,
                past=day < today,
            )
            for day in week
        )
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
            month.year, month.month
        )
    )
    this_month = today.replace(day=1)
    return MonthAvailability(
        month=month,
        weeks=weeks,
        slots_by_day={
            day: tuple(slot_choices(slots, zone=zone, studio_zone=studio_zone))
            for day, slots in by_day.items()
        },
        previous_month=_month_add(month, -1) if month > this_month else None,
        next_month=_month_add(month, 1) if last < horizon else None,
    )


def day_slot_choices(
    *,
    page: BookingPage,
    service: Service,
    staff: StaffMember | None,
    day: date,
    zone: ZoneInfo,
    studio_zone: ZoneInfo,
    now: datetime,
) -> list[SlotChoice]:
    """The free times of one day (in the customer's zone): the details step checks the chosen
    time against them and offers them again when it was taken meanwhile."""
    start, end = local_day_range(first=day, last=day, zone=zone)
    slots = public_slot_list(
        service=service,
        staff=staff,
        start=start,
        end=end,
        zone=zone,
        studio_timezone=studio_zone.key,
        now=now,
        page=page,
    )
    return slot_choices(slots, zone=zone, studio_zone=studio_zone)


def booking_confirmation_get(*, reference: str) -> Appointment | None:
    """The booking a confirmation link names, with what the page shows."""
    return (
        Appointment.objects.select_related("service", "staff", "customer")
        .filter(reference=reference)
        .first()
    )
