"""Owner-side REST API of availability rules: a staff member's weekly hours, date overrides and
time off. Every member reads; owners and managers write."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.api.permissions import ManagersWriteMembersRead
from tenant_apps.catalog.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    OwnerApiPagination,
    StudioResourceViewSet,
    crud_schema,
    request_tenant,
)
from tenant_apps.catalog.selectors import staff_member_get
from tenant_apps.catalog.serializers import input_validate
from tenant_apps.scheduling import availability_selectors as selectors
from tenant_apps.scheduling import availability_services as services
from tenant_apps.scheduling.availability_serializers import (
    DateOverrideDaySerializer,
    DateOverrideInputSerializer,
    DateRangeQuerySerializer,
    StaffTimeOffInputSerializer,
    TimeOffInputSerializer,
    TimeOffQuerySerializer,
    TimeOffSerializer,
    WeeklyHoursInputSerializer,
    WeeklyHoursSerializer,
)
from tenant_apps.studio.serializers import ProblemSerializer

QUERY_ERRORS: dict[int | str, Any] = {
    **READ_ERRORS,
    422: OpenApiResponse(ProblemSerializer, description="Invalid query parameters"),
}
STAFF_ID = OpenApiParameter("staff_id", int, OpenApiParameter.PATH, description="Staff member id.")


def _weekly_interval(data: Mapping[str, Any]) -> services.WeeklyInterval:
    return services.WeeklyInterval(data["weekday"], data["start"], data["end"])


# --- weekly hours --------------------------------------------------------------------------


class WeeklyHoursApi(APIView):
    """The staff member's week: read it, replace it whole, or add one interval."""

    permission_classes = [ManagersWriteMembersRead]

    @extend_schema(
        operation_id="staff_weekly_hours_list",
        summary="A staff member's weekly hours",
        description="Every interval of the week (a week is short, so it is not paginated), "
        "in the staff member's time zone, else the studio's.",
        parameters=[STAFF_ID],
        responses={200: WeeklyHoursSerializer(many=True), **READ_ERRORS},
        tags=["availability"],
    )
    def get(self, request: Request, staff_id: int) -> Response:
        staff = staff_member_get(staff_id=staff_id)
        rows = selectors.weekly_hours_list(staff=staff)
        return Response(WeeklyHoursSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="staff_weekly_hours_replace",
        summary="Replace a staff member's whole week",
        description="Atomic: the list given becomes the week. Intervals on one weekday may not "
        "overlap; errors are keyed by position, e.g. `2.start`.",
        parameters=[STAFF_ID],
        request=WeeklyHoursInputSerializer(many=True),
        responses={200: WeeklyHoursSerializer(many=True), **WRITE_ERRORS},
        tags=["availability"],
    )
    def put(self, request: Request, staff_id: int) -> Response:
        staff = staff_member_get(staff_id=staff_id)
        data = input_validate(WeeklyHoursInputSerializer, request.data, many=True)
        rows = services.weekly_hours_replace(
            staff=staff, intervals=[_weekly_interval(item) for item in data]
        )
        return Response(WeeklyHoursSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="staff_weekly_hours_create",
        summary="Add one interval to a staff member's week",
        parameters=[STAFF_ID],
        request=WeeklyHoursInputSerializer,
        responses={201: WeeklyHoursSerializer, **WRITE_ERRORS},
        tags=["availability"],
    )
    def post(self, request: Request, staff_id: int) -> Response:
        staff = staff_member_get(staff_id=staff_id)
        data = input_validate(WeeklyHoursInputSerializer, request.data)
        row = services.weekly_hours_add(staff=staff, interval=_weekly_interval(data))
        return Response(WeeklyHoursSerializer(row).data, status=status.HTTP_201_CREATED)


class WeeklyHoursRowApi(APIView):
    permission_classes = [ManagersWriteMembersRead]

    @extend_schema(
        operation_id="staff_weekly_hours_destroy",
        summary="Remove one interval from a staff member's week",
        parameters=[
            STAFF_ID,
            OpenApiParameter("row_id", int, OpenApiParameter.PATH, description="Interval id."),
        ],
        responses={204: None, **READ_ERRORS},
        tags=["availability"],
    )
    def delete(self, request: Request, staff_id: int, row_id: int) -> Response:
        staff = staff_member_get(staff_id=staff_id)
        services.weekly_hours_delete(staff=staff, row_id=row_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- date overrides ------------------------------------------------------------------------


class DateOverrideListApi(APIView):
    permission_classes = [ManagersWriteMembersRead]
    pagination_class = OwnerApiPagination

    @extend_schema(
        operation_id="staff_date_overrides_list",
        summary="A staff member's date overrides",
        description="One entry per date, oldest first, optionally between two dates "
        "(both included).",
        parameters=[STAFF_ID, DateRangeQuerySerializer],
        responses={200: DateOverrideDaySerializer(many=True), **QUERY_ERRORS},
        tags=["availability"],
    )
    def get(self, request: Request, staff_id: int) -> Response:
        staff = staff_member_get(staff_id=staff_id)
        bounds = input_validate(DateRangeQuerySerializer, request.query_params)
        days = selectors.date_override_day_list(
            staff=staff, start=bounds.get("start"), end=bounds.get("end")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(days, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(DateOverrideDaySerializer(page, many=True).data)

    @extend_schema(
        operation_id="staff_date_overrides_set",
        summary="Set other hours (or closed) on a date",
        description="Replaces whatever the date had: `{date, closed: true}` or "
        '`{date, intervals: [{start: "10:00", end: "14:00"}]}`. 201 when the date had no '
        "override, 200 when one was replaced.",
        parameters=[STAFF_ID],
        request=DateOverrideInputSerializer,
        responses={
            200: DateOverrideDaySerializer,
            201: DateOverrideDaySerializer,
            **WRITE_ERRORS,
        },
        tags=["availability"],
    )
    def post(self, request: Request, staff_id: int) -> Response:
        staff = staff_member_get(staff_id=staff_id)
        data = input_validate(DateOverrideInputSerializer, request.data)
        intervals = [
            services.Interval(item["start_minute"], item["end_minute"])
            for item in data.get("intervals", [])
        ]
        _, created = services.date_override_set(
            staff=staff, day=data["date"], closed=data["closed"], intervals=intervals
        )
        day = selectors.date_override_day_get(staff=staff, day=data["date"])
        return Response(
            DateOverrideDaySerializer(day).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _path_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"date": ["Use a date as YYYY-MM-DD."]}) from None


class DateOverrideDayApi(APIView):
    permission_classes = [ManagersWriteMembersRead]

    @extend_schema(
        operation_id="staff_date_overrides_retrieve",
        summary="A staff member's override on one date",
        parameters=[
            STAFF_ID,
            OpenApiParameter("date", str, OpenApiParameter.PATH, description="YYYY-MM-DD"),
        ],
        responses={200: DateOverrideDaySerializer, **READ_ERRORS},
        tags=["availability"],
    )
    def get(self, request: Request, staff_id: int, date: str) -> Response:
        staff = staff_member_get(staff_id=staff_id)
        found = selectors.date_override_day_get(staff=staff, day=_path_date(date))
        return Response(DateOverrideDaySerializer(found).data)

    @extend_schema(
        operation_id="staff_date_overrides_destroy",
        summary="Remove a date's override (back to the weekly hours)",
        parameters=[
            STAFF_ID,
            OpenApiParameter("date", str, OpenApiParameter.PATH, description="YYYY-MM-DD"),
        ],
        responses={
            204: None,
            **READ_ERRORS,
            422: OpenApiResponse(ProblemSerializer, description="Not a date"),
        },
        tags=["availability"],
    )
    def delete(self, request: Request, staff_id: int, date: str) -> Response:
        staff = staff_member_get(staff_id=staff_id)
        services.date_override_delete(staff=staff, day=_path_date(date))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- time off ------------------------------------------------------------------------------


TIME_OFF_ORDERING = ["start", "end", "created_at", "id"]


def _time_off_page(view: APIView, *, staff_id: int | None) -> Response:
    """A page of time off for /time-off/ and /staff/{id}/time-off/: the range and staff filter
    from the query string, then ordering and limit/offset."""
    request = view.request
    context = {"timezone": request_tenant(request).timezone}
    query = input_validate(TimeOffQuerySerializer, request.query_params, context=context)
    rows = selectors.time_off_list(
        staff_id=staff_id if staff_id is not None else query.get("staff"),
        start=query.get("start"),
        end=query.get("end"),
    )
    rows = OrderingFilter().filter_queryset(request, rows, view)
    paginator = OwnerApiPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(TimeOffSerializer(page, many=True).data)


@crud_schema(
    tag="availability",
    noun="time off entry",
    input_serializer=TimeOffInputSerializer,
    output_serializer=TimeOffSerializer,
)
class TimeOffViewSet(StudioResourceViewSet):
    input_serializer = TimeOffInputSerializer
    output_serializer = TimeOffSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = TIME_OFF_ORDERING

    def object_list(self) -> QuerySet[Any]:
        return selectors.time_off_list()

    def object_get(self, object_id: int) -> models.Model:
        return selectors.time_off_get(time_off_id=object_id)

    def object_create(self, data: Mapping[str, Any]) -> models.Model:
        return services.time_off_create(data=data)

    def object_update(self, obj: Any, data: Mapping[str, Any]) -> models.Model:
        return services.time_off_update(time_off=obj, data=data)

    def object_delete(self, obj: Any) -> None:
        services.time_off_delete(time_off=obj)

    @extend_schema(
        summary="List time off",
        description="Time off overlapping the range, of every staff member or one.",
        parameters=[TimeOffQuerySerializer],
        responses={200: TimeOffSerializer(many=True), **QUERY_ERRORS},
        tags=["availability"],
    )
    def list(self, request: Request) -> Response:
        return _time_off_page(self, staff_id=None)


class StaffTimeOffApi(APIView):
    permission_classes = [ManagersWriteMembersRead]
    pagination_class = OwnerApiPagination
    filter_backends = [OrderingFilter]
    ordering_fields = TIME_OFF_ORDERING

    @extend_schema(
        operation_id="staff_time_off_list",
        summary="A staff member's time off",
        parameters=[STAFF_ID, TimeOffQuerySerializer],
        responses={200: TimeOffSerializer(many=True), **QUERY_ERRORS},
        tags=["availability"],
    )
    def get(self, request: Request, staff_id: int) -> Response:
        staff = staff_member_get(staff_id=staff_id)
        return _time_off_page(self, staff_id=staff.pk)

    @extend_schema(
        operation_id="staff_time_off_create",
        summary="Add time off for a staff member",
        parameters=[STAFF_ID],
        request=StaffTimeOffInputSerializer,
        responses={201: TimeOffSerializer, **WRITE_ERRORS},
        tags=["availability"],
    )
    def post(self, request: Request, staff_id: int) -> Response:
        staff = staff_member_get(staff_id=staff_id)
        data = input_validate(StaffTimeOffInputSerializer, request.data)
        time_off = services.time_off_create(data={**data, "staff": staff.pk})
        return Response(TimeOffSerializer(time_off).data, status=status.HTTP_201_CREATED)
