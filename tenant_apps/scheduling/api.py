"""Owner-side appointment API (/api/v1/appointments/ on a studio's host, session auth).

Every member reads every appointment; owners and managers change any, staff only those of their
own staff profile (tenant_apps.scheduling.access). Views parse the input, call one selector or
service, and serialize.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.problems import PROBLEM_CONTENT_TYPE
from tenant_apps.api.permissions import IsStudioMember, request_membership
from tenant_apps.catalog.serializers import flat_errors
from tenant_apps.customers.models import Customer
from tenant_apps.packages.selectors import appointment_credit_payment_get
from tenant_apps.scheduling import selectors
from tenant_apps.scheduling.access import access_appointment_by_id, access_booking_for_staff
from tenant_apps.scheduling.ics import CONTENT_TYPE as ICS_CONTENT_TYPE
from tenant_apps.scheduling.ics import Audience, appointment_ics, ics_filename
from tenant_apps.scheduling.idempotency import (
    HEADER,
    IdempotentResult,
    idempotency_key_clean,
    idempotent_call,
)
from tenant_apps.scheduling.list_json import (
    AppointmentFilterBackend,
    AppointmentListPagination,
    AppointmentListRenderer,
    sql_list_json_supported,
)
from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tenant_apps.scheduling.serializers import (
    APPOINTMENT_LIST_VALUES,
    AppointmentActivitySerializer,
    AppointmentCancelInputSerializer,
    AppointmentCreateInputSerializer,
    AppointmentDetailSerializer,
    AppointmentNotesInputSerializer,
    AppointmentRangeQuerySerializer,
    AppointmentRescheduleInputSerializer,
    AppointmentSerializer,
    AppointmentStatusInputSerializer,
    appointment_list_json,
)
from tenant_apps.scheduling.services import (
    OWNER_CHECKS,
    Actor,
    CustomerDetails,
    appointment_book,
    appointment_notes_update,
    appointment_reschedule,
    appointment_transition,
)
from tenant_apps.studio.serializers import ProblemSerializer
from tenants.models import Membership, Tenant

__all__ = ["JSONRenderer"]  # re-exported for the public API's .ics view

TAG = "appointments"
READ_ERRORS: dict[int | str, Any] = {
    403: OpenApiResponse(ProblemSerializer, description="Not signed in"),
    404: OpenApiResponse(ProblemSerializer, description="No such appointment, or not a member"),
}
WRITE_ERRORS: dict[int | str, Any] = {
    **READ_ERRORS,
    403: OpenApiResponse(
        ProblemSerializer,
        description="Not signed in, or a staff member changing someone else's appointment",
    ),
    409: OpenApiResponse(
        ProblemSerializer,
        description="The time can't be booked (code: slot_taken, outside_hours, too_soon, "
        "too_far, staff_time_off, off_grid) or the status change is not allowed "
        "(invalid_transition)",
    ),
    422: OpenApiResponse(ProblemSerializer, description="Invalid fields (see errors)"),
}
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description="Any unique string (a UUID): a retry with the same key and body returns the "
    "first answer and never books twice; the same key with another body is a 422.",
)
APPOINTMENT_ID = OpenApiParameter("appointment_id", int, OpenApiParameter.PATH)


# --- shared with the public API ---------------------------------------------------------------


def request_studio_membership(request: Request) -> Membership:
    """The caller's membership of this studio, on views that IsStudioMember let in."""
    membership = request_membership(request)
    assert membership is not None  # IsStudioMember let the request in
    return membership


def request_actor(request: Request) -> Actor:
    """The signed-in member making a change, as the services record it."""
    return Actor.for_user(request.user)  # type: ignore[arg-type]


def request_tenant(request: Request) -> Tenant:
    """The studio whose host the request came to (set by django-tenants' middleware)."""
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    return tenant


def input_validate(
    serializer_class: type[serializers.Serializer],
    data: Any,
    *,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Validated data, or a 422 problem whose errors use dotted field paths."""
    serializer = serializer_class(data=data, context=context or {})
    if not serializer.is_valid():
        raise ValidationError(flat_errors(serializer.errors))
    return dict(serializer.validated_data)


def result_response(result: IdempotentResult) -> Response:
    """The answer of an idempotent operation (a replay is marked by a header)."""
    response = Response(
        result.body,
        status=result.status,
        content_type=PROBLEM_CONTENT_TYPE if result.is_problem else None,
    )
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


class ICSRenderer(BaseRenderer):
    """Lets a client ask for text/calendar; errors still leave as problem+json."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


def ics_response(request: Request, appointment: Appointment, *, audience: Audience) -> HttpResponse:
    studio = request_tenant(request)
    primary = studio.get_primary_domain()
    host = primary.domain if primary is not None else request.get_host().split(":")[0]
    content = appointment_ics(
        appointment=appointment,
        studio=studio,
        host=host,
        sequence=selectors.appointment_revision(appointment=appointment),
        audience=audience,
    )
    response = HttpResponse(content, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(appointment)}"'
    return response


# --- owner side -------------------------------------------------------------------------------


def _output(request: Request, appointment: Appointment) -> dict[str, Any]:
    """One appointment with how it was paid with credits (one query more than the list's)."""
    context = {
        "request": request,
        "credit_payment": appointment_credit_payment_get(appointment=appointment),
    }
    return dict(AppointmentDetailSerializer(appointment, context=context).data)


class AppointmentListCreateApi(generics.GenericAPIView):
    permission_classes = [IsStudioMember]
    renderer_classes = [AppointmentListRenderer, BrowsableAPIRenderer]
    pagination_class = AppointmentListPagination
    filter_backends = [AppointmentFilterBackend, OrderingFilter]
    queryset = Appointment.objects.none()
    serializer_class = AppointmentSerializer
    filterset_class = selectors.AppointmentFilter
    ordering_fields = ["start", "end", "created_at", "status", "id"]
    ordering = ["start", "id"]

    def get_queryset(self) -> QuerySet[Appointment]:
        if getattr(self, "swagger_fake_view", False):
            return Appointment.objects.none()
        zone = selectors.zone_or_utc(request_tenant(self.request).timezone)
        span = input_validate(
            AppointmentRangeQuerySerializer, self.request.query_params, context={"zone": zone}
        )
        return selectors.appointment_list(start=span["start"], end=span["end"])

    @extend_schema(
        operation_id="appointments_list",
        summary="Appointments in a range",
        description="Appointments overlapping [start, end) (at most 92 days), every status "
        "unless filtered. Dates are whole days in the studio's timezone, end day included.",
        parameters=[AppointmentRangeQuerySerializer],
        responses={200: AppointmentSerializer(many=True), **READ_ERRORS},
        tags=[TAG],
    )
    def get(self, request: Request) -> Response:
        appointments = self.filter_queryset(self.get_queryset())
        paginator = self.paginator
        if sql_list_json_supported() and isinstance(paginator, AppointmentListPagination):
            body = paginator.paginate_json(appointments, request)
            if body is not None:
                return Response(body)
        page = self.paginate_queryset(appointments.values(*APPOINTMENT_LIST_VALUES))
        return self.get_paginated_response(appointment_list_json(page or [], request=request))

    @extend_schema(
        operation_id="appointments_create",
        summary="Book an appointment",
        description="Books for an existing customer (customer) or a new one (new_customer). "
        "The desk may book off the public time grid and without notice; owners and managers "
        "may also book outside working hours (allow_outside_hours). Staff book only their own "
        "calendar.",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=AppointmentCreateInputSerializer,
        responses={201: AppointmentDetailSerializer, **WRITE_ERRORS},
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        data = input_validate(AppointmentCreateInputSerializer, request.data)
        access_booking_for_staff(
            membership=request_studio_membership(request),
            staff=data["staff"],
            allow_outside_hours=data["allow_outside_hours"],
        )
        key = idempotency_key_clean(request.headers.get(HEADER))
        studio = request_tenant(request)
        customer: Customer | CustomerDetails
        if data.get("customer") is not None:
            customer = data["customer"]
        else:
            new_customer = data["new_customer"]
            customer = CustomerDetails(
                full_name=new_customer["name"],
                email=new_customer["email"],
                phone=new_customer["phone"],
            )
        checks = dataclasses.replace(OWNER_CHECKS, allow_outside_hours=data["allow_outside_hours"])

        def book() -> tuple[int, dict[str, Any]]:
            appointment = appointment_book(
                service=data["service"],
                staff=data["staff"],
                customer=customer,
                start=data["start"],
                source=AppointmentSource.OWNER_APP,
                actor=request_actor(request),
                now=timezone.now(),
                studio_timezone=studio.timezone,
                checks=checks,
                customer_note=data["customer_note"],
                owner_notes=data["notes"],
                pay_with_credits=data["pay_with_credits"],
            )
            return 201, _output(request, appointment)

        result = idempotent_call(
            scope=f"owner:appointments:user:{request.user.pk}",
            key=key,
            payload=request.data,
            operation=book,
        )
        return result_response(result)


class AppointmentDetailApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="appointments_retrieve",
        summary="An appointment",
        parameters=[APPOINTMENT_ID],
        responses={200: AppointmentDetailSerializer, **READ_ERRORS},
        tags=[TAG],
    )
    def get(self, request: Request, appointment_id: int) -> Response:
        appointment = access_appointment_by_id(
            membership=request_studio_membership(request), appointment_id=appointment_id
        )
        return Response(_output(request, appointment))

    @extend_schema(
        operation_id="appointments_notes_update",
        summary="Change the private owner notes",
        parameters=[APPOINTMENT_ID],
        request=AppointmentNotesInputSerializer,
        responses={200: AppointmentDetailSerializer, **WRITE_ERRORS},
        tags=[TAG],
    )
    def patch(self, request: Request, appointment_id: int) -> Response:
        appointment = access_appointment_by_id(
            membership=request_studio_membership(request),
            appointment_id=appointment_id,
            for_change=True,
        )
        data = input_validate(AppointmentNotesInputSerializer, request.data)
        appointment = appointment_notes_update(
            appointment=appointment, owner_notes=data["owner_notes"], actor=request_actor(request)
        )
        return Response(_output(request, appointment))


class AppointmentRescheduleApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="appointments_reschedule",
        summary="Move an appointment",
        description="To another start time and optionally another staff member (owners and "
        "managers; staff move their own appointments within their own calendar).",
        parameters=[APPOINTMENT_ID],
        request=AppointmentRescheduleInputSerializer,
        responses={200: AppointmentDetailSerializer, **WRITE_ERRORS},
        tags=[TAG],
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        membership = request_studio_membership(request)
        appointment = access_appointment_by_id(
            membership=membership, appointment_id=appointment_id, for_change=True
        )
        data = input_validate(AppointmentRescheduleInputSerializer, request.data)
        target = data.get("staff") or appointment.staff
        access_booking_for_staff(
            membership=membership,
            staff=target,
            allow_outside_hours=data["allow_outside_hours"],
        )
        moved = appointment_reschedule(
            appointment=appointment,
            start=data["start"],
            staff=data.get("staff"),
            actor=request_actor(request),
            now=timezone.now(),
            studio_timezone=request_tenant(request).timezone,
            checks=dataclasses.replace(
                OWNER_CHECKS, allow_outside_hours=data["allow_outside_hours"]
            ),
            duration=(
                timedelta(minutes=data["duration_minutes"]) if "duration_minutes" in data else None
            ),
        )
        return Response(_output(request, moved))


def _transition(request: Request, appointment_id: int, to_status: str, reason: str) -> Response:
    appointment = access_appointment_by_id(
        membership=request_studio_membership(request),
        appointment_id=appointment_id,
        for_change=True,
    )
    changed = appointment_transition(
        appointment=appointment,
        to_status=to_status,
        actor=request_actor(request),
        now=timezone.now(),
        studio_timezone=request_tenant(request).timezone,
        reason=reason,
    )
    return Response(_output(request, changed))


class AppointmentStatusApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="appointments_status_update",
        summary="Change an appointment's status",
        description="Pending: confirm, reject or cancel. Confirmed: cancel, complete or mark "
        "a no-show. Rejecting and cancelling need a reason.",
        parameters=[APPOINTMENT_ID],
        request=AppointmentStatusInputSerializer,
        responses={200: AppointmentDetailSerializer, **WRITE_ERRORS},
        tags=[TAG],
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        # Access first: a staff member learns nothing from validating someone else's booking.
        access_appointment_by_id(
            membership=request_studio_membership(request),
            appointment_id=appointment_id,
            for_change=True,
        )
        data = input_validate(AppointmentStatusInputSerializer, request.data)
        return _transition(request, appointment_id, data["status"], data["reason"])


class AppointmentCancelApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="appointments_cancel",
        summary="Cancel an appointment",
        parameters=[APPOINTMENT_ID],
        request=AppointmentCancelInputSerializer,
        responses={200: AppointmentDetailSerializer, **WRITE_ERRORS},
        tags=[TAG],
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        access_appointment_by_id(
            membership=request_studio_membership(request),
            appointment_id=appointment_id,
            for_change=True,
        )
        data = input_validate(AppointmentCancelInputSerializer, request.data)
        return _transition(request, appointment_id, AppointmentStatus.CANCELLED, data["reason"])


class AppointmentActivityListApi(generics.GenericAPIView):
    permission_classes = [IsStudioMember]
    serializer_class = AppointmentActivitySerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="appointments_activity_list",
        summary="An appointment's history",
        description="Every change, oldest first: who, what, before and after.",
        parameters=[APPOINTMENT_ID],
        responses={200: AppointmentActivitySerializer(many=True), **READ_ERRORS},
        tags=[TAG],
    )
    def get(self, request: Request, appointment_id: int) -> Response:
        appointment = access_appointment_by_id(
            membership=request_studio_membership(request), appointment_id=appointment_id
        )
        rows = selectors.appointment_activity_list(appointment=appointment)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AppointmentActivitySerializer(page, many=True).data)


class AppointmentIcsApi(APIView):
    permission_classes = [IsStudioMember]
    renderer_classes = [JSONRenderer, ICSRenderer]

    @extend_schema(
        operation_id="appointments_ics",
        summary="An appointment as an .ics calendar file",
        parameters=[APPOINTMENT_ID],
        responses={(200, "text/calendar"): OpenApiTypes.BINARY, **READ_ERRORS},
        tags=[TAG],
    )
    def get(self, request: Request, appointment_id: int) -> HttpResponse:
        appointment = access_appointment_by_id(
            membership=request_studio_membership(request), appointment_id=appointment_id
        )
        return ics_response(request, appointment, audience="studio")
