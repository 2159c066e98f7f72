from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.test import RequestFactory

from tenants.models import Role


def _nav(content: str) -> str:
    return content[content.index('<nav class="nav"') : content.index("</nav>")]


def test_sidebar_links_what_exists_and_marks_the_rest_soon(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    nav = _nav(web.get("/app/", HTTP_HOST="alpha.localhost").content.decode())

    assert re.search(r'href="/app/"[^>]*aria-current="page"', nav)
    shipped = {
        "/app/calendar/",
        "/app/appointments/",
        "/app/classes/",
        "/app/customers/",
        "/app/services/",
        "/app/staff/",
        "/app/packages/",
        "/app/resources/",
        "/app/reports/",
        "/app/reviews/",
        "/app/notifications/",
        "/app/team/",
        "/app/policies/",
        "/app/settings/",
    }
    assert set(re.findall(r'href="([^"]+)"', nav)) == shipped | {"/app/"}
    assert "badge-soon" not in nav  # the studio toolkit is built: nothing is "soon" any more


def test_staff_do_not_see_settings_in_the_sidebar(web, alpha, make_member):
    web.force_login(make_member(alpha, Role.STAFF))

    nav = _nav(web.get("/app/", HTTP_HOST="alpha.localhost").content.decode())

    assert "Settings" not in nav


def test_top_bar_shows_the_user_menu_with_logout(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    content = web.get("/app/", HTTP_HOST="alpha.localhost").content.decode()

    assert "Alpha Owner" in content
    assert "owner@alpha.test" in content
    assert '<form method="post" action="/accounts/logout/">' in content


def _impersonating_request(alpha, alpha_owner):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/app/", HTTP_HOST="alpha.localhost")
    request.user = alpha_owner
    request.tenant = alpha
    # The fields of shared_apps.console's ImpersonationSession that banners show.
    request.impersonation = SimpleNamespace(
        operator=SimpleNamespace(get_full_name="Olivia Operator"),
        target_user=alpha_owner,
        tenant=alpha,
        expires_at=datetime(2030, 1, 1, 14, 30, tzinfo=UTC),
    )
    return request


def test_layout_shows_an_impersonation_banner_when_impersonating(alpha, alpha_owner):
    request = _impersonating_request(alpha, alpha_owner)

    html = render_to_string("layouts/app.html", {"studio": alpha}, request=request)

    assert "/console-session/end/" in html  # the console's partial or our fallback


def test_fallback_impersonation_banner(alpha, alpha_owner):
    request = _impersonating_request(alpha, alpha_owner)

    html = render_to_string(
        "studio/_impersonation_banner.html", {"user": alpha_owner}, request=request
    )

    assert "Support session by <strong>Olivia Operator</strong>" in html
    assert "until 14:30" in html
    assert '<form method="post" action="/console-session/end/">' in html


def test_no_impersonation_banner_normally(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    content = web.get("/app/", HTTP_HOST="alpha.localhost").content.decode()

    assert "/console-session/end/" not in content
