"""Public booking API (/api/v1/public/ on a studio's host): no sign-in, no CSRF, rate limited.

What customers see: active services, bookable staff, free times; they book, and look up their own
booking by reference plus email. Nothing here reveals another customer's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.authentication import BaseAuthentication
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.scheduling import selectors
from tenant_apps.scheduling.api import (
    IDEMPOTENCY_PARAMETER,
    ICSRenderer,
    JSONRenderer,
    ics_response,
    input_validate,
    request_tenant,
    result_response,
)
from tenant_apps.scheduling.errors import BookingNotFoundError
from tenant_apps.scheduling.idempotency import HEADER, idempotency_key_clean, idempotent_call
from tenant_apps.scheduling.models import AppointmentSource
from tenant_apps.scheduling.public_serializers import (
    ANY_STAFF,
    PublicBookingCreateInputSerializer,
    PublicBookingLookupQuerySerializer,
    PublicBookingSerializer,
    PublicListQuerySerializer,
    PublicServiceSerializer,
    PublicSlotListSerializer,
    PublicSlotQuerySerializer,
    PublicStaffQuerySerializer,
    PublicStaffSerializer,
    public_booking_json,
    utc_json,
)
from tenant_apps.scheduling.services import (
    PUBLIC_CHECKS,
    Actor,
    CustomerDetails,
    appointment_book,
)
from tenant_apps.scheduling.throttling import PublicBookingThrottle, PublicReadThrottle
from tenant_apps.studio.serializers import ProblemSerializer

TAG = "public booking"
PROBLEMS: dict[int | str, Any] = {
    422: OpenApiResponse(ProblemSerializer, description="Invalid fields (see errors)"),
    429: OpenApiResponse(
        ProblemSerializer, description="Too many requests from this address (see Retry-After)"
    ),
}
BOOKING_PAGE_PARAMETER = OpenApiParameter(
    "booking_page", str, description="Only what this booking page (slug) offers."
)


class PublicApiView(APIView):
    """No authentication (so no CSRF either), anyone may call, per-address rate limits."""

    authentication_classes: Sequence[type[BaseAuthentication]] = ()
    permission_classes: Sequence[Any] = (AllowAny,)
    throttle_classes: Sequence[type[BaseThrottle]] = (PublicReadThrottle,)


class PublicServiceListApi(PublicApiView, generics.ListAPIView):
    serializer_class = PublicServiceSerializer
    queryset = Service.objects.none()
    filterset_fields = ["category"]
    ordering_fields = ["name", "price", "duration_minutes", "category"]
    ordering = ["category", "name", "id"]

    def get_queryset(self) -> QuerySet[Service]:
        if getattr(self, "swagger_fake_view", False):
            return Service.objects.none()
        query = input_validate(PublicListQuerySerializer, self.request.query_params)
        return selectors.public_service_list(page=query.get("booking_page"))

    @extend_schema(
        operation_id="public_services_list",
        summary="Bookable services",
        parameters=[BOOKING_PAGE_PARAMETER],
        responses={200: PublicServiceSerializer(many=True), **PROBLEMS},
        tags=[TAG],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class PublicStaffListApi(PublicApiView, generics.ListAPIView):
    serializer_class = PublicStaffSerializer
    queryset = StaffMember.objects.none()
    filter_backends: list[Any] = [OrderingFilter]  # the query itself is validated below
    ordering_fields = ["display_name"]
    ordering = ["display_name", "id"]

    def get_queryset(self) -> QuerySet[StaffMember]:
        if getattr(self, "swagger_fake_view", False):
            return StaffMember.objects.none()
        query = input_validate(PublicStaffQuerySerializer, self.request.query_params)
        return selectors.public_staff_list(
            service=query.get("service"), page=query.get("booking_page")
        )

    @extend_schema(
        operation_id="public_staff_list",
        summary="Bookable staff",
        parameters=[
            OpenApiParameter(
                "service", int, description="Only staff who perform this service (id)."
            ),
            BOOKING_PAGE_PARAMETER,
        ],
        responses={200: PublicStaffSerializer(many=True), **PROBLEMS},
        tags=[TAG],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class PublicSlotListApi(PublicApiView):
    @extend_schema(
        operation_id="public_slots_list",
        summary="Free start times of a service",
        description="Bookable start times between two days (at most 92), for one staff member "
        'or "any" (each slot lists who is free). Times in UTC and in the requested zone.',
        parameters=[PublicSlotQuerySerializer],
        responses={200: PublicSlotListSerializer, **PROBLEMS},
        tags=[TAG],
    )
    def get(self, request: Request) -> Response:
        query = input_validate(PublicSlotQuerySerializer, request.query_params)
        studio = request_tenant(request)
        zone = query.get("tz") or selectors.zone_or_utc(studio.timezone)
        start, end = selectors.local_day_range(first=query["start"], last=query["end"], zone=zone)
        page: BookingPage | None = query.get("booking_page")
        slots = selectors.public_slot_list(
            service=query["service"],
            staff=query.get("staff"),
            start=start,
            end=end,
            zone=zone,
            studio_timezone=studio.timezone,
            now=timezone.now(),
            page=page,
        )
        data = {
            "service": query["service"].pk,
            "staff": query.get("staff") or ANY_STAFF,
            "timezone": zone.key,
            "start": query["start"],
            "end": query["end"],
            "slots": [],
        }
        body = PublicSlotListSerializer(data).data
        # Slots are serialized by hand: "any staff" over 92 days is thousands of slots with
        # several people each, and DRF's per-field machinery made that response take most of
        # a second. The shape is the one PublicSlotListSerializer documents (tested).
        people: dict[int, list[dict[str, Any]]] = {}
        body["slots"] = [_slot_json(slot, people) for slot in slots]
        return Response(body)


def _slot_json(
    slot: selectors.PublicSlot, people: dict[int, list[dict[str, Any]]]
) -> dict[str, Any]:
    # `people` memoises the staff list per shared tuple (selectors build each combination once).
    staff = people.get(id(slot.staff))
    if staff is None:
        staff = people[id(slot.staff)] = [{"id": m.id, "name": m.name} for m in slot.staff]
    return {
        "start": utc_json(slot.start),
        "end": utc_json(slot.end),
        "start_local": slot.start_local.isoformat(),
        "staff": staff,
    }


class PublicBookingCreateApi(PublicApiView):
    throttle_classes = (PublicBookingThrottle,)

    @extend_schema(
        operation_id="public_bookings_create",
        summary="Book a time",
        description="Books a free start time. With an Idempotency-Key, a retry returns the "
        "first answer and never books twice.",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=PublicBookingCreateInputSerializer,
        responses={
            201: PublicBookingSerializer,
            409: OpenApiResponse(
                ProblemSerializer,
                description="The time can't be booked; code says why (slot_taken, "
                "outside_hours, too_soon, too_far, staff_time_off, off_grid, "
                "resource_unavailable: a room or equipment it needs is fully booked)",
            ),
            **PROBLEMS,
        },
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        data = input_validate(PublicBookingCreateInputSerializer, request.data)
        key = idempotency_key_clean(request.headers.get(HEADER))
        studio = request_tenant(request)

        def book() -> tuple[int, dict[str, Any]]:
            appointment = appointment_book(
                service=data["service"],
                staff=data["staff"],
                customer=CustomerDetails(
                    full_name=data["name"], email=data["email"], phone=data["phone"]
                ),
                start=data["start"],
                source=AppointmentSource.PUBLIC_PAGE,
                actor=Actor(label=f"{data['name'].strip()} (online booking)", by_customer=True),
                now=timezone.now(),
                studio_timezone=studio.timezone,
                checks=PUBLIC_CHECKS,
                page=data["booking_page"],
                answers=data["answers"],
                customer_note=data["note"],
            )
            return 201, public_booking_json(appointment)

        result = idempotent_call(
            scope="public:bookings", key=key, payload=request.data, operation=book
        )
        return result_response(result)


def _customer_booking(request: Request, reference: str) -> Any:
    query = input_validate(PublicBookingLookupQuerySerializer, request.query_params)
    appointment = selectors.appointment_get_for_customer(reference=reference, email=query["email"])
    if appointment is None:
        raise BookingNotFoundError(
            "There is no booking with this reference and email address.",
        )
    return appointment


class PublicBookingDetailApi(PublicApiView):
    throttle_classes = (PublicBookingThrottle,)

    @extend_schema(
        operation_id="public_bookings_retrieve",
        summary="Look up your booking",
        parameters=[PublicBookingLookupQuerySerializer],
        responses={
            200: PublicBookingSerializer,
            404: OpenApiResponse(
                ProblemSerializer, description="No booking with this reference and email"
            ),
            **PROBLEMS,
        },
        tags=[TAG],
    )
    def get(self, request: Request, reference: str) -> Response:
        return Response(PublicBookingSerializer(_customer_booking(request, reference)).data)


class PublicBookingIcsApi(PublicApiView):
    throttle_classes = (PublicBookingThrottle,)
    renderer_classes = [JSONRenderer, ICSRenderer]

    @extend_schema(
        operation_id="public_bookings_ics",
        summary="Your booking as an .ics calendar file",
        parameters=[PublicBookingLookupQuerySerializer],
        responses={
            (200, "text/calendar"): OpenApiTypes.BINARY,
            404: OpenApiResponse(
                ProblemSerializer, description="No booking with this reference and email"
            ),
            **PROBLEMS,
        },
        tags=[TAG],
    )
    def get(self, request: Request, reference: str) -> HttpResponse:
        appointment = _customer_booking(request, reference)
        return ics_response(request, appointment, audience="customer")
