"""The studio host's URL table: the API is matched first, so no page may live under api/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from config import urls_tenant


def _paths(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found.extend(_paths(pattern.url_patterns, route))
        else:
            found.append(route)
    return found


def test_the_api_comes_first_and_no_page_lives_under_api():
    first = [str(p.pattern) for p in urls_tenant.urlpatterns[:4]]
    assert first == ["api/v1/", "api/v1/", "api/schema/", "api/docs/"]
    pages = _paths(urls_tenant.urlpatterns[4:])
    assert pages, "the page routes were not found"
    assert [route for route in pages if route.startswith("api/")] == []
