from __future__ import annotations

import re

from django.contrib.auth import SESSION_KEY
from django.test import Client

from tenants.models import Membership, Role


def _switcher(content: str) -> str:
    start = content.index('<details class="studio-switcher dropdown">')
    return content[start : content.index("</details>", start)]


def test_switcher_lists_the_other_studio_with_a_hand_off_link(web, alpha, beta, alpha_owner):
    Membership.objects.create(user=alpha_owner, tenant=beta, role=Role.MANAGER)
    web.force_login(alpha_owner)

    switcher = _switcher(web.get("/app/", HTTP_HOST="alpha.localhost").content.decode())

    assert "Alpha Pilates" in switcher  # the current one, marked
    assert re.search(
        r'<a class="menu-item" href="/accounts/studios/beta/open/">.*Beta Yoga', switcher
    )
    assert 'href="http://localhost:8000/accounts/studios/"' in switcher  # "All my studios"

    # Following the link makes a fresh hand-off URL for beta; redeeming it signs the same person
    # in on beta's host and lands on beta's app.
    hop = web.get("/accounts/studios/beta/open/", HTTP_HOST="alpha.localhost")
    assert hop.status_code == 302
    assert hop["Location"].startswith("http://beta.localhost:8000/accounts/handoff/?token=")
    beta_browser = Client()
    landed = beta_browser.get(
        hop["Location"].removeprefix("http://beta.localhost:8000"), HTTP_HOST="beta.localhost"
    )
    assert landed.status_code == 302
    assert landed["Location"] == "/app/"
    assert beta_browser.session[SESSION_KEY] == str(alpha_owner.pk)
    assert beta_browser.get("/app/", HTTP_HOST="beta.localhost").status_code == 200


def test_switcher_of_a_single_studio_member_lists_no_other_studio(web, alpha, alpha_owner):
    web.force_login(alpha_owner)

    switcher = _switcher(web.get("/app/", HTTP_HOST="alpha.localhost").content.decode())

    assert "/accounts/studios/beta/open/" not in switcher
    assert "Beta Yoga" not in switcher
    assert "All my studios" in switcher
