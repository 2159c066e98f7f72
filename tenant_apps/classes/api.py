"""Owner-side classes API (/api/v1/ on a studio's host, session auth).

Every member reads. Owners and managers schedule, edit and cancel classes, book customers and
change the studio's waitlist rules; staff run the roster of the classes they teach (book,
check in, mark no-shows, add walk-ins, cancel enrollments). Views parse the input, call one
selector or service, and serialize.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.api.permissions import IsStudioMember
from tenant_apps.catalog.api import (
    OwnerApiPagination,
    StudioResourceViewSet,
    crud_schema,
)
from tenant_apps.classes import selectors, services
from tenant_apps.classes.access import (
    access_class_session_by_id,
    access_class_type_by_id,
    access_enrollment_by_id,
    require_manager,
)
from tenant_apps.classes.filters import ClassSessionFilter, ClassTypeFilter
from tenant_apps.classes.models import ClassSession, Enrollment, EnrollmentSource
from tenant_apps.classes.serializers import (
    ClassSeriesCreateInputSerializer,
    ClassSeriesSerializer,
    ClassSessionCancelInputSerializer,
    ClassSessionCreateInputSerializer,
    ClassSessionSerializer,
    ClassSessionUpdateInputSerializer,
    ClassSessionUpdateResultSerializer,
    ClassSettingsSerializer,
    ClassTypeInputSerializer,
    ClassTypeSerializer,
    EnrollmentCancelInputSerializer,
    EnrollmentCreateInputSerializer,
    EnrollmentSerializer,
    WalkInInputSerializer,
)
from tenant_apps.customers.models import Customer
from tenant_apps.scheduling.api import (
    IDEMPOTENCY_PARAMETER,
    input_validate,
    request_actor,
    request_studio_membership,
    request_tenant,
    result_response,
)
from tenant_apps.scheduling.idempotency import HEADER, idempotency_key_clean, idempotent_call
from tenant_apps.scheduling.selectors import zone_or_utc
from tenant_apps.scheduling.serializers import AppointmentRangeQuerySerializer
from tenant_apps.scheduling.services import CustomerDetails
from tenant_apps.studio.serializers import ProblemSerializer

SESSIONS_TAG = "classes"
ENROLLMENTS_TAG = "class enrollments"
READ_ERRORS: dict[int | str, Any] = {
    403: OpenApiResponse(ProblemSerializer, description="Not signed in"),
    404: OpenApiResponse(ProblemSerializer, description="Not found, or not a member"),
}
WRITE_ERRORS: dict[int | str, Any] = {
    **READ_ERRORS,
    403: OpenApiResponse(
        ProblemSerializer,
        description="Not signed in, or a staff member changing what they may not",
    ),
    422: OpenApiResponse(ProblemSerializer, description="Invalid fields (see errors)"),
}
SCHEDULE_CONFLICTS = OpenApiResponse(
    ProblemSerializer,
    description="instructor_busy (an appointment or another class at that time), "
    "resource_unavailable (the room or equipment is taken), session_cancelled",
)
BOOKING_CONFLICTS = OpenApiResponse(
    ProblemSerializer,
    description="class_full (join_waitlist false), already_enrolled, session_not_bookable "
    "(cancelled or started), insufficient_credits",
)
STATUS_CONFLICTS = OpenApiResponse(
    ProblemSerializer,
    description="invalid_transition (not from this status, or the class has started), "
    "attendance_too_early (from 30 minutes before the start), session_cancelled",
)
SESSION_ID = OpenApiParameter("session_id", int, OpenApiParameter.PATH)
ENROLLMENT_ID = OpenApiParameter("enrollment_id", int, OpenApiParameter.PATH)


def _session_json(request: Request, session_id: int) -> dict[str, Any]:
    session = selectors.class_session_get(session_id=session_id)
    return dict(ClassSessionSerializer(session, context={"request": request}).data)


def enrollment_json(enrollment: Enrollment) -> dict[str, Any]:
    position = selectors.waitlist_position(enrollment)
    positions = {enrollment.pk: position} if position is not None else {}
    return dict(EnrollmentSerializer(enrollment, context={"positions": positions}).data)


# --- class types ------------------------------------------------------------------------------


@crud_schema(
    tag="class types",
    noun="class type",
    input_serializer=ClassTypeInputSerializer,
    output_serializer=ClassTypeSerializer,
    delete_conflict="class_type_in_use: it has sessions (switch it off instead)",
)
class ClassTypeViewSet(StudioResourceViewSet):
    input_serializer = ClassTypeInputSerializer
    output_serializer = ClassTypeSerializer
    filterset_class = ClassTypeFilter
    ordering_fields = ["name", "capacity", "duration_minutes", "price", "created_at", "id"]

    def object_list(self) -> QuerySet[Any]:
        return selectors.class_type_list()

    def object_get(self, object_id: int) -> models.Model:
        return access_class_type_by_id(class_type_id=object_id)

    def object_create(self, data: Mapping[str, Any]) -> models.Model:
        return services.class_type_create(tenant=request_tenant(self.request), data=data)

    def object_update(self, obj: Any, data: Mapping[str, Any]) -> models.Model:
        return services.class_type_update(class_type=obj, data=data)

    def object_delete(self, obj: Any) -> None:
        services.class_type_delete(class_type=obj)


# --- sessions ---------------------------------------------------------------------------------


def _terms(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "instructor": data.get("instructor"),
        "capacity": data.get("capacity"),
        "price": data.get("price"),
        "credits": data.get("credits"),
        "notes": data.get("notes", ""),
    }


class ClassSessionListCreateApi(generics.GenericAPIView):
    permission_classes = [IsStudioMember]
    queryset = ClassSession.objects.none()
    serializer_class = ClassSessionSerializer
    pagination_class = OwnerApiPagination
    filterset_class = ClassSessionFilter
    ordering_fields = ["start", "end", "taken", "capacity", "id"]
    ordering = ["start", "id"]

    def get_queryset(self) -> QuerySet[ClassSession]:
        if getattr(self, "swagger_fake_view", False):
            return ClassSession.objects.none()
        zone = zone_or_utc(request_tenant(self.request).timezone)
        span = input_validate(
            AppointmentRangeQuerySerializer, self.request.query_params, context={"zone": zone}
        )
        return selectors.class_session_list(start=span["start"], end=span["end"])

    @extend_schema(
        operation_id="class_sessions_list",
        summary="Class sessions in a range",
        description="Sessions overlapping [start, end) (at most 92 days), every status unless "
        "filtered, each with its seats taken and waitlist length. Dates are whole days in the "
        "studio's timezone, end day included.",
        parameters=[AppointmentRangeQuerySerializer],
        responses={200: ClassSessionSerializer(many=True), **READ_ERRORS},
        tags=[SESSIONS_TAG],
    )
    def get(self, request: Request) -> Response:
        sessions = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(sessions)
        data = ClassSessionSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="class_sessions_create",
        summary="Schedule one class session",
        description="Capacity, price and credits are copied from the class type unless given; "
        "the instructor defaults to the type's. Owners and managers.",
        request=ClassSessionCreateInputSerializer,
        responses={201: ClassSessionSerializer, 409: SCHEDULE_CONFLICTS, **WRITE_ERRORS},
        tags=[SESSIONS_TAG],
    )
    def post(self, request: Request) -> Response:
        require_manager(request_studio_membership(request))
        data = input_validate(ClassSessionCreateInputSerializer, request.data)
        session = services.class_session_create(
            class_type=data["class_type"],
            start=data["start"],
            actor=request_actor(request),
            now=timezone.now(),
            studio_timezone=request_tenant(request).timezone,
            **_terms(data),
        )
        return Response(_session_json(request, session.pk), status=status.HTTP_201_CREATED)


class ClassSeriesCreateApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="class_series_create",
        summary="Schedule a weekly series",
        description="Weekly from first_start, at the same local time of day across DST "
        "changes, until repeat_until (a date, included) or for count sessions (one of them; "
        "at most 104). One conflict refuses the whole series. Owners and managers.",
        request=ClassSeriesCreateInputSerializer,
        responses={201: ClassSeriesSerializer, 409: SCHEDULE_CONFLICTS, **WRITE_ERRORS},
        tags=[SESSIONS_TAG],
    )
    def post(self, request: Request) -> Response:
        require_manager(request_studio_membership(request))
        data = input_validate(ClassSeriesCreateInputSerializer, request.data)
        series, sessions = services.class_series_create(
            class_type=data["class_type"],
            first_start=data["first_start"],
            repeat_until=data.get("repeat_until"),
            count=data.get("count"),
            actor=request_actor(request),
            now=timezone.now(),
            studio_timezone=request_tenant(request).timezone,
            **_terms(data),
        )
        body = ClassSeriesSerializer(
            series, context={"request": request, "sessions": sessions, "waitlisted": {}}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class ClassSessionDetailApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="class_sessions_retrieve",
        summary="A class session",
        parameters=[SESSION_ID],
        responses={200: ClassSessionSerializer, **READ_ERRORS},
        tags=[SESSIONS_TAG],
    )
    def get(self, request: Request, session_id: int) -> Response:
        session = access_class_session_by_id(
            membership=request_studio_membership(request), session_id=session_id
        )
        return Response(ClassSessionSerializer(session, context={"request": request}).data)

    @extend_schema(
        operation_id="class_sessions_update",
        summary="Change a session, or it and the following ones",
        description='scope "this" changes this session; "following" also the later sessions '
        "of its series (a new start shifts them by the same local wall-clock change). "
        "Capacity never below the seats taken; more capacity promotes the waitlist. "
        "Owners and managers.",
        parameters=[SESSION_ID],
        request=ClassSessionUpdateInputSerializer,
        responses={
            200: ClassSessionUpdateResultSerializer,
            409: SCHEDULE_CONFLICTS,
            **WRITE_ERRORS,
        },
        tags=[SESSIONS_TAG],
    )
    def patch(self, request: Request, session_id: int) -> Response:
        membership = request_studio_membership(request)
        session = access_class_session_by_id(membership=membership, session_id=session_id)
        require_manager(membership)
        data = input_validate(ClassSessionUpdateInputSerializer, request.data)
        changed = services.class_session_update(
            session=session,
            scope=data["scope"],
            start=data.get("start"),
            instructor=data.get("instructor"),
            capacity=data.get("capacity"),
            notes=data.get("notes"),
            actor=request_actor(request),
            now=timezone.now(),
            studio_timezone=request_tenant(request).timezone,
        )
        fresh = selectors.class_session_list_by_ids(session_ids=[s.pk for s in changed])
        body = ClassSessionSerializer(fresh, many=True, context={"request": request}).data
        return Response({"sessions": body})


class ClassSessionCancelApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="class_sessions_cancel",
        summary="Cancel a class session",
        description="Everyone booked, offered a spot or waiting is cancelled and emailed with "
        "the reason; credits go back. Owners and managers.",
        parameters=[SESSION_ID],
        request=ClassSessionCancelInputSerializer,
        responses={200: ClassSessionSerializer, 409: SCHEDULE_CONFLICTS, **WRITE_ERRORS},
        tags=[SESSIONS_TAG],
    )
    def post(self, request: Request, session_id: int) -> Response:
        membership = request_studio_membership(request)
        session = access_class_session_by_id(membership=membership, session_id=session_id)
        require_manager(membership)
        data = input_validate(ClassSessionCancelInputSerializer, request.data)
        services.class_session_cancel(
            session=session, reason=data["reason"], actor=request_actor(request), now=timezone.now()
        )
        return Response(_session_json(request, session.pk))


# --- enrollments ------------------------------------------------------------------------------


def _customer(data: Mapping[str, Any]) -> Customer | CustomerDetails:
    if data.get("customer") is not None:
        customer: Customer = data["customer"]
        return customer
    new = data["new_customer"]
    return CustomerDetails(full_name=new["name"], email=new["email"], phone=new["phone"])


class ClassSessionEnrollmentsApi(generics.GenericAPIView):
    permission_classes = [IsStudioMember]
    serializer_class = EnrollmentSerializer
    pagination_class = OwnerApiPagination
    filter_backends: list[Any] = []  # the roster's order is the selector's (line order)

    @extend_schema(
        operation_id="class_sessions_roster",
        summary="A session's roster",
        description="Seats first (booked, attended, no-show), then offers, then the waitlist "
        "in line order (waitlist_position 1 = next), then lapsed offers and cancellations.",
        parameters=[
            SESSION_ID,
            OpenApiParameter(
                "status", str, description="Only enrollments with this status (e.g. waitlisted)."
            ),
        ],
        responses={200: EnrollmentSerializer(many=True), **READ_ERRORS},
        tags=[ENROLLMENTS_TAG],
    )
    def get(self, request: Request, session_id: int) -> Response:
        session = access_class_session_by_id(
            membership=request_studio_membership(request), session_id=session_id
        )
        rows = selectors.session_roster(session=session)
        wanted = request.query_params.get("status")
        if wanted:
            rows = [r for r in rows if r.enrollment.status == wanted]
        page = self.paginate_queryset(rows) or []  # type: ignore[arg-type]
        positions = {r.enrollment.pk: r.waitlist_position for r in page if r.waitlist_position}
        data = EnrollmentSerializer(
            [r.enrollment for r in page], many=True, context={"positions": positions}
        ).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="class_sessions_enroll",
        summary="Book a customer into a session",
        description="An existing customer (customer) or one by name and email (new_customer). "
        "A full class puts them on the waitlist unless join_waitlist is false. Owners, "
        "managers, and the instructor of the class.",
        parameters=[SESSION_ID, IDEMPOTENCY_PARAMETER],
        request=EnrollmentCreateInputSerializer,
        responses={201: EnrollmentSerializer, 409: BOOKING_CONFLICTS, **WRITE_ERRORS},
        tags=[ENROLLMENTS_TAG],
    )
    def post(self, request: Request, session_id: int) -> Response:
        session = access_class_session_by_id(
            membership=request_studio_membership(request), session_id=session_id, for_roster=True
        )
        data = input_validate(EnrollmentCreateInputSerializer, request.data)
        key = idempotency_key_clean(request.headers.get(HEADER))

        def book() -> tuple[int, dict[str, Any]]:
            enrollment = services.enrollment_book(
                session=session,
                customer=_customer(data),
                spots=data["spots"],
                payment=data["payment"],
                source=EnrollmentSource.OWNER_APP,
                actor=request_actor(request),
                now=timezone.now(),
                join_waitlist=data["join_waitlist"],
                customer_note=data["customer_note"],
            )
            return 201, enrollment_json(enrollment)

        result = idempotent_call(
            scope=f"owner:enrollments:user:{request.user.pk}",
            key=key,
            payload={"session": session_id, "body": request.data},
            operation=book,
        )
        return result_response(result)


class ClassSessionWalkInApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="class_sessions_walk_in",
        summary="Add a walk-in",
        description="Someone who turns up without booking: a seat if there is one, checked in "
        "at once. From 30 minutes before the start. Owners, managers, the instructor.",
        parameters=[SESSION_ID],
        request=WalkInInputSerializer,
        responses={
            201: EnrollmentSerializer,
            409: OpenApiResponse(
                ProblemSerializer,
                description="class_full, already_enrolled, attendance_too_early, "
                "session_cancelled, insufficient_credits",
            ),
            **WRITE_ERRORS,
        },
        tags=[ENROLLMENTS_TAG],
    )
    def post(self, request: Request, session_id: int) -> Response:
        session = access_class_session_by_id(
            membership=request_studio_membership(request), session_id=session_id, for_roster=True
        )
        data = input_validate(WalkInInputSerializer, request.data)
        enrollment = services.walk_in_add(
            session=session,
            customer=_customer(data),
            spots=data["spots"],
            payment=data["payment"],
            actor=request_actor(request),
            now=timezone.now(),
        )
        return Response(enrollment_json(enrollment), status=status.HTTP_201_CREATED)


def _enrollment_action(request: Request, enrollment_id: int, action: str) -> Response:
    enrollment = access_enrollment_by_id(
        membership=request_studio_membership(request), enrollment_id=enrollment_id, for_roster=True
    )
    now = timezone.now()
    if action == "cancel":
        data = input_validate(EnrollmentCancelInputSerializer, request.data)
        enrollment = services.enrollment_cancel(
            enrollment=enrollment, actor=request_actor(request), now=now, reason=data["reason"]
        )
    elif action == "check_in":
        enrollment = services.enrollment_check_in(
            enrollment=enrollment, actor=request_actor(request), now=now
        )
    else:
        enrollment = services.enrollment_mark_no_show(
            enrollment=enrollment, actor=request_actor(request), now=now
        )
    return Response(enrollment_json(enrollment))


class EnrollmentCancelApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="enrollments_cancel",
        summary="Cancel an enrollment",
        description="A seat, an offer or a place on the waitlist. Inside the late-cancel window "
        "the credit is kept if the studio says so; a freed seat goes to the waitlist.",
        parameters=[ENROLLMENT_ID],
        request=EnrollmentCancelInputSerializer,
        responses={200: EnrollmentSerializer, 409: STATUS_CONFLICTS, **WRITE_ERRORS},
        tags=[ENROLLMENTS_TAG],
    )
    def post(self, request: Request, enrollment_id: int) -> Response:
        return _enrollment_action(request, enrollment_id, "cancel")


class EnrollmentCheckInApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="enrollments_check_in",
        summary="Check a customer in",
        parameters=[ENROLLMENT_ID],
        request=None,
        responses={200: EnrollmentSerializer, 409: STATUS_CONFLICTS, **WRITE_ERRORS},
        tags=[ENROLLMENTS_TAG],
    )
    def post(self, request: Request, enrollment_id: int) -> Response:
        return _enrollment_action(request, enrollment_id, "check_in")


class EnrollmentNoShowApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="enrollments_no_show",
        summary="Mark a no-show",
        parameters=[ENROLLMENT_ID],
        request=None,
        responses={200: EnrollmentSerializer, 409: STATUS_CONFLICTS, **WRITE_ERRORS},
        tags=[ENROLLMENTS_TAG],
    )
    def post(self, request: Request, enrollment_id: int) -> Response:
        return _enrollment_action(request, enrollment_id, "no_show")


# --- settings ---------------------------------------------------------------------------------


class ClassSettingsApi(APIView):
    permission_classes = [IsStudioMember]

    @extend_schema(
        operation_id="class_settings_retrieve",
        summary="The studio's waitlist rules",
        responses={200: ClassSettingsSerializer, **READ_ERRORS},
        tags=[SESSIONS_TAG],
    )
    def get(self, request: Request) -> Response:
        return Response(ClassSettingsSerializer(selectors.class_settings_get()).data)

    @extend_schema(
        operation_id="class_settings_update",
        summary="Change the studio's waitlist rules",
        description="All fields at once. Owners and managers.",
        request=ClassSettingsSerializer,
        responses={200: ClassSettingsSerializer, **WRITE_ERRORS},
        tags=[SESSIONS_TAG],
    )
    def put(self, request: Request) -> Response:
        require_manager(request_studio_membership(request))
        data = input_validate(ClassSettingsSerializer, request.data)
        settings = services.class_settings_update(**data)
        return Response(ClassSettingsSerializer(settings).data)
