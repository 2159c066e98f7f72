"""Public classes API (/api/v1/public/ on a studio's host): no sign-in, no CSRF, rate limited.

Customers see the schedule (seats left and waitlist lengths, never who is enrolled), book a
seat or a place on the waitlist, and look up or cancel their own enrollment by reference plus
email. Online bookings pay at the studio: spending a package's credits needs the signed-in
portal, since an email address alone proves nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from tenant_apps.classes import selectors
from tenant_apps.classes.errors import EnrollmentNotFoundError
from tenant_apps.classes.models import ClassSession, Enrollment, EnrollmentPayment, EnrollmentSource
from tenant_apps.classes.public_serializers import (
    PublicClassQuerySerializer,
    PublicClassSessionSerializer,
    PublicEnrollmentCreateInputSerializer,
    PublicEnrollmentLookupQuerySerializer,
    PublicEnrollmentSerializer,
)
from tenant_apps.classes.services import enrollment_book, enrollment_cancel
from tenant_apps.scheduling import selectors as scheduling_selectors
from tenant_apps.scheduling.api import input_validate, request_tenant, result_response
from tenant_apps.scheduling.idempotency import HEADER, idempotency_key_clean, idempotent_call
from tenant_apps.scheduling.public_api import IDEMPOTENCY_PARAMETER, PROBLEMS, PublicApiView
from tenant_apps.scheduling.services import Actor, CustomerDetails
from tenant_apps.scheduling.throttling import PublicBookingThrottle
from tenant_apps.studio.serializers import ProblemSerializer

TAG = "public classes"
NOT_FOUND = OpenApiResponse(
    ProblemSerializer, description="No enrollment with this reference and email"
)


class PublicClassListApi(PublicApiView):
    @extend_schema(
        operation_id="public_classes_list",
        summary="The class schedule",
        description="Scheduled classes starting between two days (at most 92; default a "
        "week), each with seats left, whether it is full, and its waitlist length.",
        parameters=[PublicClassQuerySerializer],
        responses={200: PublicClassSessionSerializer(many=True), **PROBLEMS},
        tags=[TAG],
    )
    def get(self, request: Request) -> Response:
        query = input_validate(PublicClassQuerySerializer, request.query_params)
        zone = query.get("tz") or scheduling_selectors.zone_or_utc(request_tenant(request).timezone)
        start, end = scheduling_selectors.local_day_range(
            first=query["start"], last=query["end"], zone=zone
        )
        sessions = selectors.public_class_session_list(
            start=start,
            end=end,
            class_type_id=query.get("class_type"),
            instructor_id=query.get("instructor"),
            level=query.get("level"),
        )
        return Response(
            PublicClassSessionSerializer(sessions, many=True, context={"zone": zone}).data
        )


# DRF's own rendering of a datetime (ISO 8601 in the active zone, "Z" for UTC); one instance
# serves every request (it holds no per-call state).
_DATETIME = serializers.DateTimeField()


def _datetime_json(value: datetime | None) -> str | None:
    return _DATETIME.to_representation(value) if value is not None else None


def public_enrollment_json(enrollment: Enrollment) -> dict[str, Any]:
    """What PublicEnrollmentSerializer (the documented schema) renders, built by hand: a
    ModelSerializer's field construction costs about a millisecond of every booking."""
    session = enrollment.session
    position = selectors.waitlist_position(enrollment)
    return {
        "reference": str(enrollment.reference),
        "status": str(enrollment.status),
        "spots": int(enrollment.spots),
        "waitlist_position": int(position) if position is not None else None,
        "offer_expires_at": _datetime_json(enrollment.offer_expires_at),
        "late_cancel": bool(enrollment.late_cancel),
        "session": {
            "id": session.pk,
            "class_name": str(session.class_type.name),
            "instructor": str(session.instructor.display_name),
            "start": _datetime_json(session.start),
            "end": _datetime_json(session.end),
            "status": str(session.status),
        },
    }


def _bookable_session(session_id: int) -> ClassSession:
    # get(), not first(): a primary-key lookup needs no ORDER BY, and compiling the model's
    # default ordering was a fifth of this lookup's cost on every enrollment.
    try:
        return ClassSession.objects.select_related("class_type", "instructor").get(
            pk=session_id, class_type__is_active=True
        )
    except ClassSession.DoesNotExist:
        raise input_error("session", "There is no class with this id.") from None


def input_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


class PublicEnrollmentCreateApi(PublicApiView):
    throttle_classes = (PublicBookingThrottle,)

    @extend_schema(
        operation_id="public_enrollments_create",
        summary="Book a class (or join its waitlist)",
        description="Books seats (paid at the studio); a full class puts you on the waitlist "
        "(status waitlisted, with your position) unless join_waitlist is false. With an "
        "Idempotency-Key, a retry returns the first answer and never books twice.",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=PublicEnrollmentCreateInputSerializer,
        responses={
            201: PublicEnrollmentSerializer,
            409: OpenApiResponse(
                ProblemSerializer,
                description="class_full (join_waitlist false), already_enrolled, "
                "session_not_bookable (cancelled or started)",
            ),
            **PROBLEMS,
        },
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        data = input_validate(PublicEnrollmentCreateInputSerializer, request.data)
        key = idempotency_key_clean(request.headers.get(HEADER))
        session = _bookable_session(data["session"])

        def book() -> tuple[int, dict[str, Any]]:
            enrollment = enrollment_book(
                session=session,
                customer=CustomerDetails(
                    full_name=data["name"], email=data["email"], phone=data["phone"]
                ),
                spots=data["spots"],
                payment=EnrollmentPayment.AT_STUDIO,
                source=EnrollmentSource.PUBLIC_PAGE,
                actor=Actor(label=f"{data['name']} (online booking)", by_customer=True),
                now=timezone.now(),
                join_waitlist=data["join_waitlist"],
                customer_note=data["note"],
            )
            return 201, public_enrollment_json(enrollment)

        result = idempotent_call(
            scope="public:enrollments", key=key, payload=request.data, operation=book
        )
        return result_response(result)


def _own_enrollment(request: Request, reference: str) -> Enrollment:
    query = input_validate(PublicEnrollmentLookupQuerySerializer, request.query_params)
    enrollment = selectors.enrollment_get_for_customer(reference=reference, email=query["email"])
    if enrollment is None:
        raise EnrollmentNotFoundError(
            "There is no enrollment with this reference and email address."
        )
    return enrollment


class PublicEnrollmentDetailApi(PublicApiView):
    throttle_classes = (PublicBookingThrottle,)

    @extend_schema(
        operation_id="public_enrollments_retrieve",
        summary="Look up your enrollment",
        parameters=[PublicEnrollmentLookupQuerySerializer],
        responses={200: PublicEnrollmentSerializer, 404: NOT_FOUND, **PROBLEMS},
        tags=[TAG],
    )
    def get(self, request: Request, reference: str) -> Response:
        return Response(public_enrollment_json(_own_enrollment(request, reference)))


class PublicEnrollmentCancelApi(PublicApiView):
    throttle_classes = (PublicBookingThrottle,)

    @extend_schema(
        operation_id="public_enrollments_cancel",
        summary="Cancel your enrollment",
        description="Cancels your seat, offer or place on the waitlist; a freed seat goes to "
        "the next person in line.",
        parameters=[PublicEnrollmentLookupQuerySerializer],
        request=None,
        responses={
            200: PublicEnrollmentSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(
                ProblemSerializer,
                description="invalid_transition (already cancelled, or the class has started)",
            ),
            **PROBLEMS,
        },
        tags=[TAG],
    )
    def post(self, request: Request, reference: str) -> Response:
        enrollment = _own_enrollment(request, reference)
        cancelled = enrollment_cancel(
            enrollment=enrollment,
            actor=Actor.for_customer(enrollment.customer, via="online"),
            now=timezone.now(),
        )
        return Response(public_enrollment_json(cancelled))
