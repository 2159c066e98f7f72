"""The audit log page: newest first, filters by studio and action, paginated."""

import re

from django.test import Client

from shared_apps.console import selectors
from shared_apps.console.services import audit_entry_create


def _entries(content: str) -> list[str]:
    return re.findall(r"<tr>\s*<td data-label=\"When\".*?</tr>", content, re.S)


def _seed(operator, alpha, beta):
    audit_entry_create(actor=operator, action="tenant.suspend", tenant=alpha, reason="one")
    audit_entry_create(actor=operator, action="tenant.reactivate", tenant=alpha, reason="two")
    audit_entry_create(actor=operator, action="tenant.suspend", tenant=beta, reason="three")
    audit_entry_create(actor=None, action="tenant.delete", tenant_slug="gone", reason="four")


def test_lists_every_entry_newest_first(operator_client, operator, alpha, beta):
    _seed(operator, alpha, beta)

    content = operator_client.get("/console/audit/").content.decode()

    rows = _entries(content)
    assert len(rows) == 4
    assert "four" in rows[0] and "gone" in rows[0] and ">deleted<" in rows[0] and "cli" in rows[0]
    assert "three" in rows[1] and "Beta Yoga" in rows[1]
    assert "one" in rows[3] and "Studio suspended" in rows[3]


def test_filters_by_studio_and_action(operator_client, operator, alpha, beta):
    _seed(operator, alpha, beta)

    by_studio = _entries(
        operator_client.get("/console/audit/", {"studio": "alpha"}).content.decode()
    )
    by_both = _entries(
        operator_client.get(
            "/console/audit/", {"studio": "alpha", "action": "tenant.suspend"}
        ).content.decode()
    )
    deleted = _entries(operator_client.get("/console/audit/", {"studio": "gone"}).content.decode())

    assert len(by_studio) == 2
    assert len(by_both) == 1 and "one" in by_both[0]
    assert len(deleted) == 1


def test_paginates(operator_client, operator, alpha, beta, monkeypatch):
    monkeypatch.setattr(selectors, "AUDIT_ENTRIES_PER_PAGE", 3)
    _seed(operator, alpha, beta)

    first = operator_client.get("/console/audit/", {"action": ""}).content.decode()
    second = operator_client.get("/console/audit/", {"page": 2}).content.decode()

    assert len(_entries(first)) == 3
    assert "Page 1 of 2" in first
    assert len(_entries(second)) == 1


def test_empty_log(operator_client):
    content = operator_client.get("/console/audit/").content.decode()

    assert "Nothing has happened yet." in content


def test_non_operator_gets_404(alpha_owner):
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(alpha_owner)

    assert browser.get("/console/audit/").status_code == 404
