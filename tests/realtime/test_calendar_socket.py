"""The live calendar socket through the real ASGI stack: who may connect, and what they hear.

Given/when/then in each test; changes are made through the scheduling services and committed,
events travel through the Redis channel layer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection, transaction
from django.utils import timezone

from realtime.delivery import calendar_publisher_flush
from realtime.protocol import calendar_seq_key
from realtime.sequence import calendar_seq_current
from shared_apps.accounts.models import User
from shared_apps.console.models import ImpersonationSession
from tenant_apps.catalog.models import Service, StaffMember
from tenant_apps.customers.services import customer_merge
from tenant_apps.scheduling.availability_services import (
    time_off_create,
    time_off_delete,
    time_off_update,
)
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    TimeOff,
)
from tenant_apps.scheduling.services import (
    OWNER_CHECKS,
    Actor,
    appointment_create,
    appointment_reschedule,
    appointment_transition,
)
from tenant_apps.studio.team import membership_remove, membership_role_change
from tenants.models import Membership, Role, Tenant, TenantStatus
from tests.factories.catalog import (
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
    weekly_hours_set,
)
from tests.realtime.conftest import refusal, socket

ACTOR = Actor(label="Front desk")
QUIET = 0.3  # seconds a socket must stay silent to count as "received nothing"


def _next_monday_10() -> datetime:
    today = timezone.now().astimezone(UTC).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 + 7)
    return datetime(monday.year, monday.month, monday.day, 10, tzinfo=UTC)


@pytest.fixture
def booking_setup(studio: Tenant) -> dict[str, Any]:
    connection.set_tenant(studio)
    staff = [StaffMemberFactory(display_name=f"Staff {i}") for i in range(2)]
    for person in staff:
        weekly_hours_set(person, start=0, end=24 * 60)
    service = ServiceFactory(name="Reformer", color="#aa3366", performers=staff)
    customer = CustomerFactory(full_name="Dana Client")
    return {"staff": staff, "service": service, "customer": customer, "tenant": studio}


def _book(
    setup: dict[str, Any], *, staff: StaffMember | None = None, hours: int = 0
) -> Appointment:
    connection.set_tenant(setup["tenant"])
    return appointment_create(
        service=setup["service"],
        staff=staff or setup["staff"][0],
        customer=setup["customer"],
        start=_next_monday_10() + timedelta(hours=hours),
        source=AppointmentSource.OWNER_APP,
        actor=ACTOR,
        now=timezone.now(),
        studio_timezone="Europe/London",
        checks=OWNER_CHECKS,
    )


def _expected_data(appointment: Appointment, service: Service) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "reference": appointment.reference,
        "start": appointment.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": appointment.end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "staff": appointment.staff_id,
        "service": {"id": service.pk, "name": service.name, "color": service.color},
        "customer_name": "Dana Client",
        "status": appointment.status,
    }


# --- who may connect -----------------------------------------------------------------------


def test_member_is_greeted_with_the_current_seq(studio, owners, session_cookie):
    cookie = session_cookie(owners["alpha"])

    async def scenario() -> dict[str, Any]:
        client = socket(cookie=cookie)
        connected, _ = await client.connect(timeout=5)
        assert connected
        hello = await client.receive_json_from(timeout=5)
        await client.disconnect()
        return hello

    hello = async_to_sync(scenario)()

    assert hello == {"type": "hello", "seq": 0, "studio": "alpha", "role": "owner", "staff": None}


def test_anonymous_visitor_is_refused_with_4401(studio):
    refused = refusal(cookie=None)

    assert refused["code"] == 4401
    assert refused["message"] == {
        "type": "refused",
        "code": "not_signed_in",
        "detail": "Sign in to the studio.",
        "close_code": 4401,
    }


def test_member_of_another_studio_is_refused_with_4403(studio, owners, session_cookie):
    cookie = session_cookie(owners["beta"])

    refused = refusal(cookie=cookie)

    assert refused["code"] == 4403
    assert refused["message"]["code"] == "not_a_member"


def test_session_with_a_stale_password_hash_is_anonymous(studio, staff_member_user, session_cookie):
    # Given a session made before the member changed their password (a throwaway member: the
    # session's owner accounts are shared with every later test, which signs in with them)
    member, _ = staff_member_user
    cookie = session_cookie(member)
    member.set_password("a-brand-new-password-42")
    member.save(update_fields=["password"])

    refused = refusal(cookie=cookie)

    assert refused["code"] == 4401


def test_unknown_host_is_refused_with_4404(studio, owners, session_cookie):
    cookie = session_cookie(owners["alpha"])

    refused = refusal(host="nosuchstudio.localhost", cookie=cookie)

    assert refused["code"] == 4404
    assert refused["message"]["code"] == "unknown_studio"


def test_platform_host_is_refused_with_4404(studio, owners, session_cookie):
    cookie = session_cookie(owners["alpha"])

    refused = refusal(host="localhost", cookie=cookie)

    assert refused["code"] == 4404


def test_unknown_path_is_refused_with_4404(studio, owners, session_cookie):
    cookie = session_cookie(owners["alpha"])

    refused = refusal(cookie=cookie, path="/ws/other/")

    assert refused["code"] == 4404
    assert refused["message"]["code"] == "not_found"


@pytest.fixture
def suspended_alpha(studio: Tenant):
    """alpha suspended (committed: the socket's lookup runs on its own), then restored."""
    connection.set_schema_to_public()
    tenant = Tenant.objects.get(pk=studio.pk)
    original = tenant.status
    tenant.status = TenantStatus.SUSPENDED
    tenant.save(update_fields=["status"])
    yield tenant
    connection.set_schema_to_public()
    tenant.status = original
    tenant.save(update_fields=["status"])  # save() also drops the cached host lookup
    connection.set_tenant(studio)


def test_suspended_studio_is_refused_with_4403(suspended_alpha, owners, session_cookie):
    cookie = session_cookie(owners["alpha"])

    refused = refusal(cookie=cookie)

    assert refused["code"] == 4403
    assert refused["message"]["code"] == "studio_unavailable"


@pytest.fixture
def support_session(studio: Tenant, owners):
    """An operator's support session as alpha's owner (as the console's hand-off stores it)."""
    session = ImpersonationSession.objects.create(
        operator=owners["beta"],
        tenant=studio,
        target_user=owners["alpha"],
        reason="Ticket 42",
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    yield session
    ImpersonationSession.objects.filter(pk=session.pk).delete()


def test_running_support_session_may_watch_the_calendar(support_session, owners, session_cookie):
    cookie = session_cookie(owners["alpha"], impersonation_id=support_session.pk)

    async def scenario() -> dict[str, Any]:
        client = socket(cookie=cookie)
        assert (await client.connect(timeout=5))[0]
        hello = await client.receive_json_from(timeout=5)
        await client.disconnect()
        return hello

    assert async_to_sync(scenario)()["type"] == "hello"


def test_ended_support_session_is_refused_with_4403(support_session, owners, session_cookie):
    support_session.expires_at = timezone.now() - timedelta(seconds=1)
    support_session.save(update_fields=["expires_at"])
    cookie = session_cookie(owners["alpha"], impersonation_id=support_session.pk)

    refused = refusal(cookie=cookie)

    assert refused["code"] == 4403
    assert refused["message"]["code"] == "not_a_member"


@pytest.mark.parametrize(
    "origin", ["http://beta.localhost", "http://evil.test", None], ids=["studio", "site", "none"]
)
def test_page_from_another_origin_is_refused_at_the_handshake(
    studio, owners, session_cookie, origin
):
    # A page on another studio's host would send this studio's cookie along (same site).
    cookie = session_cookie(owners["alpha"])

    async def scenario() -> tuple[bool, Any]:
        return await socket(cookie=cookie, origin=origin).connect(timeout=5)

    connected, _ = async_to_sync(scenario)()

    assert connected is False


# --- what members hear -----------------------------------------------------------------------


def test_committed_booking_reaches_its_studio_and_no_other(
    booking_setup, beta_tenant, owners, session_cookie
):
    alpha_cookie = session_cookie(owners["alpha"])
    beta_cookie = session_cookie(owners["beta"])

    async def scenario() -> tuple[dict[str, Any], Appointment, bool]:
        alpha_socket = socket(cookie=alpha_cookie)
        beta_socket = socket(host="beta.localhost", cookie=beta_cookie)
        assert (await alpha_socket.connect(timeout=5))[0]
        assert (await beta_socket.connect(timeout=5))[0]
        assert (await alpha_socket.receive_json_from(timeout=5))["type"] == "hello"
        assert (await beta_socket.receive_json_from(timeout=5))["type"] == "hello"

        appointment = await sync_to_async(_book)(booking_setup)

        event = await alpha_socket.receive_json_from(timeout=5)
        beta_silent = await beta_socket.receive_nothing(timeout=QUIET)
        await alpha_socket.disconnect()
        await beta_socket.disconnect()
        return event, appointment, beta_silent

    event, appointment, beta_silent = async_to_sync(scenario)()

    assert event == {
        "type": "appointment.created",
        "id": appointment.pk,
        "seq": 1,
        "data": _expected_data(appointment, booking_setup["service"]),
    }
    assert beta_silent is True


def test_rolled_back_change_publishes_nothing(booking_setup, owners, session_cookie):
    cookie = session_cookie(owners["alpha"])

    def book_then_fail() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            _book(booking_setup)
            raise RuntimeError("payment declined")

    async def scenario() -> bool:
        client = socket(cookie=cookie)
        assert (await client.connect(timeout=5))[0]
        await client.receive_json_from(timeout=5)
        await sync_to_async(book_then_fail)()
        silent = await client.receive_nothing(timeout=QUIET)
        await client.disconnect()
        return silent

    assert async_to_sync(scenario)() is True
    connection.set_tenant(booking_setup["tenant"])
    assert Appointment.objects.count() == 0
    assert calendar_seq_current(booking_setup["tenant"].schema_name) == 0


def test_every_change_is_numbered_one_more_than_the_last(booking_setup, owners, session_cookie):
    cookie = session_cookie(owners["alpha"])
    staff = booking_setup["staff"]

    def changes() -> Appointment:
        appointment = _book(booking_setup)
        moved = appointment_reschedule(
            appointment=appointment,
            start=appointment.start + timedelta(hours=2),
            staff=staff[1],
            actor=ACTOR,
            now=timezone.now(),
            studio_timezone="Europe/London",
        )
        return appointment_transition(
            appointment=moved,
            to_status=AppointmentStatus.CANCELLED,
            actor=ACTOR,
            now=timezone.now(),
            studio_timezone="Europe/London",
            reason="Client is ill",
        )

    async def scenario() -> tuple[list[dict[str, Any]], Appointment, dict[str, Any]]:
        client = socket(cookie=cookie)
        assert (await client.connect(timeout=5))[0]
        await client.receive_json_from(timeout=5)
        appointment = await sync_to_async(changes)()
        events = [await client.receive_json_from(timeout=5) for _ in range(3)]
        late = socket(cookie=cookie)
        assert (await late.connect(timeout=5))[0]
        late_hello = await late.receive_json_from(timeout=5)
        await client.disconnect()
        await late.disconnect()
        return events, appointment, late_hello

    events, appointment, late_hello = async_to_sync(scenario)()

    assert [(e["type"], e["seq"], e["id"]) for e in events] == [
        ("appointment.created", 1, appointment.pk),
        ("appointment.rescheduled", 2, appointment.pk),
        ("appointment.status", 3, appointment.pk),
    ]
    start = _next_monday_10()
    assert events[1]["data"]["start"] == (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert events[1]["data"]["staff"] == staff[1].pk
    assert events[1]["data"]["previous"] == {
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "staff": staff[0].pk,
    }
    assert events[2]["data"]["status"] == "cancelled"
    # A client that (re)connects now is told where the numbering stands.
    assert late_hello["seq"] == 3


def test_time_off_changes_are_published(booking_setup, owners, session_cookie):
    cookie = session_cookie(owners["alpha"])
    staff = booking_setup["staff"]
    start = _next_monday_10()

    def changes() -> int:
        connection.set_tenant(booking_setup["tenant"])
        off = time_off_create(
            data={"staff": staff[0].pk, "start": start, "end": start + timedelta(hours=3)}
        )
        time_off_update(time_off=off, data={"reason": " Dentist ", "staff": staff[1].pk})
        time_off_update(time_off=off, data={"reason": "Dentist"})  # no change: no event
        pk = off.pk
        time_off_delete(time_off=off)
        return pk

    async def scenario() -> tuple[list[dict[str, Any]], int, bool]:
        client = socket(cookie=cookie)
        assert (await client.connect(timeout=5))[0]
        await client.receive_json_from(timeout=5)
        pk = await sync_to_async(changes)()
        events = [await client.receive_json_from(timeout=5) for _ in range(3)]
        silent = await client.receive_nothing(timeout=QUIET)
        await client.disconnect()
        return events, pk, silent

    events, pk, silent = async_to_sync(scenario)()

    window = {
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert events == [
        {
            "type": "time_off.created",
            "id": pk,
            "seq": 1,
            "data": {"id": pk, "staff": staff[0].pk, **window, "reason": ""},
        },
        {
            "type": "time_off.updated",
            "id": pk,
            "seq": 2,
            "data": {"id": pk, "staff": staff[1].pk, **window, "reason": "Dentist"},
        },
        {
            "type": "time_off.deleted",
            "id": pk,
            "seq": 3,
            "data": {"id": pk, "staff": staff[1].pk, **window, "reason": "Dentist"},
        },
    ]
    assert silent is True
    connection.set_tenant(booking_setup["tenant"])
    assert not TimeOff.objects.exists()


def test_staff_role_hears_only_its_own_schedule(
    booking_setup, staff_member_user, beta_tenant, owners, session_cookie
):
    user, own_profile = staff_member_user
    own_profile.services.add(booking_setup["service"])
    weekly_hours_set(own_profile, start=0, end=24 * 60)
    other = booking_setup["staff"][0]
    staff_cookie = session_cookie(user)
    beta_cookie = session_cookie(owners["beta"])

    def changes() -> tuple[Appointment, Appointment]:
        theirs = _book(booking_setup, staff=other)
        mine = _book(booking_setup, staff=own_profile, hours=3)
        # Moved away from the staff member: they must hear it to take it off their calendar.
        appointment_reschedule(
            appointment=mine,
            start=mine.start,
            staff=other,
            actor=ACTOR,
            now=timezone.now(),
            studio_timezone="Europe/London",
        )
        return theirs, mine

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]], Appointment, Appointment]:
        # Beta connects first: its access check leaves beta's schema on the shared thread, and
        # alpha's check must still find the staff profile in alpha.
        beta_socket = socket(host="beta.localhost", cookie=beta_cookie)
        assert (await beta_socket.connect(timeout=5))[0]
        await beta_socket.receive_json_from(timeout=5)
        client = socket(cookie=staff_cookie)
        assert (await client.connect(timeout=5))[0]
        hello = await client.receive_json_from(timeout=5)
        theirs, mine = await sync_to_async(changes)()
        messages = [await client.receive_json_from(timeout=5) for _ in range(3)]
        await client.disconnect()
        await beta_socket.disconnect()
        return hello, messages, theirs, mine

    hello, messages, theirs, mine = async_to_sync(scenario)()

    assert hello == {
        "type": "hello",
        "seq": 0,
        "studio": "alpha",
        "role": "staff",
        "staff": own_profile.pk,
    }
    assert messages[0] == {"type": "seq", "seq": 1}  # someone else's booking: only its number
    assert (messages[1]["type"], messages[1]["id"], messages[1]["seq"]) == (
        "appointment.created",
        mine.pk,
        2,
    )
    assert (messages[2]["type"], messages[2]["id"], messages[2]["seq"]) == (
        "appointment.rescheduled",
        mine.pk,
        3,
    )
    assert messages[2]["data"]["staff"] == other.pk
    assert messages[2]["data"]["previous"]["staff"] == own_profile.pk
    assert theirs.staff_id == other.pk


def test_ping_answers_with_the_current_seq_and_bad_messages_get_an_error(
    booking_setup, owners, session_cookie
):
    cookie = session_cookie(owners["alpha"])

    async def scenario() -> list[dict[str, Any]]:
        client = socket(cookie=cookie)
        assert (await client.connect(timeout=5))[0]
        await client.receive_json_from(timeout=5)
        await sync_to_async(_book)(booking_setup)
        await client.receive_json_from(timeout=5)
        replies = []
        for frame in ('{"type": "ping"}', "not json", '["ping"]', '{"type": "subscribe"}'):
            await client.send_to(text_data=frame)
            replies.append(await client.receive_json_from(timeout=5))
        await client.send_to(bytes_data=b"\x00")
        replies.append(await client.receive_json_from(timeout=5))
        await client.disconnect()
        return replies

    assert async_to_sync(scenario)() == [
        {"type": "pong", "seq": 1},
        {"type": "error", "code": "invalid_message"},
        {"type": "error", "code": "invalid_message"},
        {"type": "error", "code": "unknown_message"},
        {"type": "error", "code": "invalid_message"},
    ]


def test_sequence_key_carries_the_schema():
    assert calendar_seq_key("alpha") == "t.alpha.calendar.seq"


def _memberships(studio: Tenant, owner: User, member: User) -> tuple[Membership, Membership]:
    connection.set_schema_to_public()
    return (
        Membership.objects.get(user=owner, tenant=studio),
        Membership.objects.get(user=member, tenant=studio),
    )


def test_a_member_removed_from_the_team_is_closed_out_at_once(
    booking_setup, staff_member_user, owners, session_cookie
):
    """Access was only checked when the socket opened: a removed member kept hearing the
    studio's changes until they reconnected. Now the removal's commit closes their socket."""
    studio = booking_setup["tenant"]
    user, _ = staff_member_user
    staff_cookie, owner_cookie = session_cookie(user), session_cookie(owners["alpha"])

    def remove() -> None:
        acting, member = _memberships(studio, owners["alpha"], user)
        membership_remove(tenant=studio, membership=member, acting=acting)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], bool]:
        owner = socket(cookie=owner_cookie)
        assert (await owner.connect(timeout=5))[0]
        await owner.receive_json_from(timeout=5)
        client = socket(cookie=staff_cookie)
        assert (await client.connect(timeout=5))[0]
        await client.receive_json_from(timeout=5)
        await sync_to_async(remove)()
        refused = await client.receive_json_from(timeout=5)
        closing = await client.receive_output(timeout=5)
        await client.disconnect(code=closing["code"], timeout=5)
        owner_silent = await owner.receive_nothing(timeout=QUIET)
        await owner.disconnect()
        return refused, closing, owner_silent

    refused, closing, owner_silent = async_to_sync(scenario)()

    assert refused == {
        "type": "refused",
        "code": "not_a_member",
        "detail": "You are no longer a member of this studio.",
        "close_code": 4403,
    }
    assert (closing["type"], closing["code"]) == ("websocket.close", 4403)
    assert owner_silent  # the owner's own socket is not touched
    connection.set_schema_to_public()
    assert not Membership.objects.filter(user=user, tenant=studio).exists()


def test_a_new_role_takes_effect_on_the_open_socket(
    booking_setup, staff_member_user, owners, session_cookie
):
    """Staff made manager: a fresh hello with the new role, then every change in full."""
    studio = booking_setup["tenant"]
    user, _ = staff_member_user
    cookie = session_cookie(user)

    def promote() -> None:
        acting, member = _memberships(studio, owners["alpha"], user)
        membership_role_change(tenant=studio, membership=member, role=Role.MANAGER, acting=acting)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], Appointment]:
        client = socket(cookie=cookie)
        assert (await client.connect(timeout=5))[0]
        first = await client.receive_json_from(timeout=5)
        await sync_to_async(promote)()
        again = await client.receive_json_from(timeout=5)
        theirs = await sync_to_async(_book)(booking_setup)  # not this member's column
        event = await client.receive_json_from(timeout=5)
        await client.disconnect()
        return first, again, event, theirs

    first, again, event, theirs = async_to_sync(scenario)()

    assert (first["role"], again["role"]) == ("staff", "manager")
    assert again == {"type": "hello", "seq": 0, "studio": "alpha", "role": "manager", "staff": None}
    assert (event["type"], event["id"], event["seq"]) == ("appointment.created", theirs.pk, 1)


def test_merging_customers_tells_open_calendars_whose_bookings_moved(
    booking_setup, owners, session_cookie
):
    """The calendar shows the customer's name on each booking: a merge that moves a booking to
    the kept customer reaches open calendars as an update with that name."""
    studio = booking_setup["tenant"]
    cookie = session_cookie(owners["alpha"])
    duplicate = CustomerFactory(full_name="Dana C. (old)")
    moved = _book({**booking_setup, "customer": duplicate})
    assert calendar_publisher_flush(timeout=5)  # its "created" goes out before the socket opens
    keep = booking_setup["customer"]

    def merge() -> None:
        connection.set_tenant(studio)
        customer_merge(survivor=keep, duplicate=duplicate, acting_user=None, now=timezone.now())

    async def scenario() -> dict[str, Any]:
        client = socket(cookie=cookie)
        assert (await client.connect(timeout=5))[0]
        await client.receive_json_from(timeout=5)
        await sync_to_async(merge)()
        event = await client.receive_json_from(timeout=5)
        await client.disconnect()
        return event

    event = async_to_sync(scenario)()

    assert (event["type"], event["id"], event["seq"]) == ("appointment.updated", moved.pk, 2)
    assert event["data"]["customer_name"] == "Dana Client"
