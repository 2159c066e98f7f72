"""The studio list and studio page: search, filters, pagination and live per-schema counts."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.console import selectors
from tenant_apps.customers.models import Customer
from tenants.models import Membership, Role, TenantStatus
from tenants.usage import register_usage_counter, unregister_usage_counter


def _add_customers(schema: str, count: int) -> None:
    with schema_context(schema):
        for i in range(count):
            Customer.objects.create(full_name=f"Customer {i}", email=f"c{i}@{schema}.test")


def _rows(content: str) -> list[str]:
    return re.findall(r"<tr>\s*<td data-label=\"Studio\".*?</tr>", content, re.S)


def _row_for(content: str, slug: str) -> str:
    matches = [row for row in _rows(content) if f"/console/studios/{slug}/" in row]
    assert len(matches) == 1, f"no single row for {slug}"
    return matches[0]


def test_list_shows_each_studio_with_counts_from_its_own_schema(
    operator_client, alpha, beta, alpha_owner
):
    _add_customers("alpha", 3)
    _add_customers("beta", 1)
    staff_user = type(alpha_owner).objects.create_user("staff@alpha.test", "x", full_name="S")
    Membership.objects.create(user=staff_user, tenant=alpha, role=Role.STAFF)

    response = operator_client.get("/console/")

    assert response.status_code == 200
    content = response.content.decode()
    alpha_row = _row_for(content, "alpha")
    assert "Alpha Pilates" in alpha_row
    assert '<span class="badge badge-info">Trialing</span>' in alpha_row
    assert "owner@<wbr>alpha<wbr>.test" in alpha_row
    assert 'href="http://alpha.localhost:8000/"' in alpha_row
    assert ">alpha<wbr>.localhost</a>" in alpha_row
    assert '<td data-label="Staff" class="num">2</td>' in alpha_row
    assert '<td data-label="Customers" class="num">3</td>' in alpha_row
    beta_row = _row_for(content, "beta")
    assert '<td data-label="Staff" class="num">1</td>' in beta_row
    assert '<td data-label="Customers" class="num">1</td>' in beta_row
    assert "owner@<wbr>beta<wbr>.test" in beta_row
    assert "/console/studios/platform/" not in content


def test_appointments_column_counts_this_months_appointments(operator_client, alpha):
    with schema_context("alpha"):
        _appointments_create(now=timezone.now(), this_month=2, next_month=1)

    content = operator_client.get("/console/").content.decode()

    assert '<td data-label="Appts this month" class="num">2</td>' in _row_for(content, "alpha")
    assert '<td data-label="Appts this month" class="num">0</td>' in _row_for(content, "beta")


def _appointments_create(*, now, this_month: int, next_month: int) -> None:
    from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
    from tests.factories.catalog import CustomerFactory, ServiceFactory, StaffMemberFactory

    staff = StaffMemberFactory()
    service = ServiceFactory(performers=[staff])
    customer = CustomerFactory()
    month_start = now.astimezone(ZoneInfo("Europe/London")).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    starts = [month_start + timedelta(hours=2 * i + 1) for i in range(this_month)]
    starts += [month_start + timedelta(days=32, hours=2 * i) for i in range(next_month)]
    for i, start in enumerate(starts):
        Appointment.objects.create(
            reference=f"TEST{i:04d}",
            service=service,
            staff=staff,
            customer=customer,
            start=start,
            end=start + timedelta(hours=1),
            buffer_before=timedelta(0),
            buffer_after=timedelta(0),
            blocked_start=start,
            blocked_end=start + timedelta(hours=1),
            status=AppointmentStatus.CONFIRMED,
            source=AppointmentSource.API,
            price=0,
            currency="GBP",
        )


@pytest.mark.parametrize(
    "term", ["alpha pil", "ALPHA", "owner@alpha", "alpha.localhost", "@alpha.test"]
)
def test_search_matches_name_slug_owner_email_and_domain(operator_client, alpha, beta, term):
    content = operator_client.get("/console/", {"q": term}).content.decode()

    assert [r for r in _rows(content) if "/console/studios/alpha/" in r]
    assert not [r for r in _rows(content) if "/console/studios/beta/" in r]


def test_search_without_match_shows_empty_state(operator_client, alpha):
    content = operator_client.get("/console/", {"q": "zzz-nothing"}).content.decode()

    assert _rows(content) == []
    assert "No studio matches these filters." in content


def test_status_filter(operator_client, alpha, beta):
    beta.status = TenantStatus.SUSPENDED
    beta.save(update_fields=["status"])

    content = operator_client.get("/console/", {"status": "suspended"}).content.decode()

    assert len(_rows(content)) == 1
    assert "/console/studios/beta/" in _rows(content)[0]


def test_unknown_status_filter_is_ignored_not_an_error(operator_client, alpha, beta):
    response = operator_client.get("/console/", {"status": "bogus", "page": "x"})

    assert response.status_code == 200
    assert len(_rows(response.content.decode())) == 2


def test_pagination_counts_only_the_studios_on_the_page(operator_client, alpha, beta, monkeypatch):
    monkeypatch.setattr(selectors, "STUDIOS_PER_PAGE", 1)
    visited: list[str] = []
    register_usage_counter("probe", "Probe", lambda scope: visited.append(scope.schema_name) or 0)
    try:
        first = operator_client.get("/console/").content.decode()
        visited_first = list(visited)
        second = operator_client.get("/console/", {"page": 2}).content.decode()
    finally:
        unregister_usage_counter("probe")

    assert "/console/studios/alpha/" in _row_for(first, "alpha")
    assert len(_rows(first)) == 1
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    assert visited_first == ["alpha"]
    assert len(_rows(second)) == 1
    assert "/console/studios/beta/" in _rows(second)[0]
    assert visited == ["alpha", "beta"]


def _queries_for_a_page(per_page: int, monkeypatch) -> tuple[int, int]:
    monkeypatch.setattr(selectors, "STUDIOS_PER_PAGE", per_page)
    selectors.studio_list()  # leaves the connection where a real request would
    with CaptureQueriesContext(connection) as queries:
        selectors.studio_list()
    sql = [q["sql"] for q in queries.captured_queries]
    switches = sum(1 for s in sql if s.startswith("SET search_path"))
    return len(sql) - switches, switches


def test_list_costs_two_public_queries_plus_one_visit_per_studio_shown(
    operator, alpha, beta, monkeypatch
):
    one_studio = _queries_for_a_page(1, monkeypatch)
    two_studios = _queries_for_a_page(2, monkeypatch)

    # count + page (public), then per studio shown: one schema switch and one count per counter
    # (customers, appointments this month); plus the switch back to public on the next query.
    counters = 2
    assert one_studio == (2 + counters, 1 + 1)
    assert two_studios == (2 + 2 * counters, 2 + 1)


def test_studio_page_shows_members_domains_counts_and_actions(operator_client, alpha, alpha_owner):
    _add_customers("alpha", 2)

    response = operator_client.get("/console/studios/alpha/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Alpha Pilates</h1>" in content
    assert "owner@alpha.test" in content
    assert "Alpha Owner" in content
    assert ">alpha.localhost</a>" in content
    assert '<span class="stat-value">2</span>' in content  # customers
    assert 'action="/console/studios/alpha/suspend/"' in content
    assert 'action="/console/studios/alpha/cancel/"' in content
    assert 'action="/console/studios/alpha/impersonate/"' in content
    assert 'action="/console/studios/alpha/reactivate/"' not in content
    assert "manage.py delete_tenant --slug alpha" in content
