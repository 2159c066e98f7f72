"""RFC 9457 problem+json: the one mapping from errors to HTTP for the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_default_handler

from shared_apps.core.errors import DomainError, ThrottledError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://studiobook.test/problems/"


def problem_body(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: dict[str, list[str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": errors or {},
    }
    body.update(extra)
    return body


def problem_response(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: dict[str, list[str]] | None = None,
    **extra: Any,
) -> JsonResponse:
    """A problem+json response for code paths outside DRF (middleware, plain views)."""
    body = problem_body(
        status=status, code=code, title=title, detail=detail, errors=errors, **extra
    )
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


def domain_error_response(error: DomainError) -> JsonResponse:
    response = problem_response(
        status=error.status,
        code=error.code,
        title=error.title,
        detail=error.detail,
        errors=error.errors,
    )
    if isinstance(error, ThrottledError):
        response["Retry-After"] = str(error.retry_after)
    return response


def _flatten_drf_errors(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every API error leaves as application/problem+json."""
    if isinstance(exc, DomainError):
        body = problem_body(
            status=exc.status, code=exc.code, title=exc.title, detail=exc.detail, errors=exc.errors
        )
        response = Response(body, status=exc.status, content_type=PROBLEM_CONTENT_TYPE)
        if isinstance(exc, ThrottledError):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        exc = drf_exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()

    default_response = drf_default_handler(exc, context)
    if default_response is None:
        return None  # a real bug: Django's 500 handling (and logging) takes over
    problem: Response = default_response
    assert isinstance(exc, drf_exceptions.APIException)
    if isinstance(exc, drf_exceptions.ValidationError):
        code, title, detail = (
            "validation_error",
            "Some fields are invalid",
            "Check the fields listed in errors.",
        )
        status = 422 if problem.status_code == 400 else problem.status_code
        errors = _flatten_drf_errors(exc.detail)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        title = str(exc.default_detail)
        detail = str(exc.detail) if not isinstance(exc.detail, dict | list) else title
        status = problem.status_code
        errors = {}
    problem.status_code = status
    problem.data = problem_body(status=status, code=code, title=title, detail=detail, errors=errors)
    problem.content_type = PROBLEM_CONTENT_TYPE
    return problem


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")
