"""Error pages (HTML for pages, problem+json for the API)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shared_apps.core.problems import is_api_request, problem_response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_response(
            status=404,
            code="not_found",
            title="Not found",
            detail="The requested resource does not exist.",
        )
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return problem_response(
            status=500,
            code="server_error",
            title="Server error",
            detail="Something went wrong on our side. It has been logged.",
        )
    return render(request, "errors/500.html", status=500)
