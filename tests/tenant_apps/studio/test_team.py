"""The team screen and invitations: inviting, the invitation lifecycle (new person, existing
account, expired, used, withdrawn, another studio's link), role changes, removal, the last
owner rule and who may do what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.test.client import TenantClient

from shared_apps.accounts.models import User
from tenant_apps.studio import team
from tenants.models import Invitation, Membership, Role, Tenant
from tests.conftest import TEST_PASSWORD

TEAM = "/app/team/"
INVITE = "/app/team/invite/"


@pytest.fixture
def owner(alpha_client: TenantClient, alpha_owner: User) -> TenantClient:
    alpha_client.force_login(alpha_owner)
    return alpha_client


def _client(tenant: Tenant, user: User | None = None) -> TenantClient:
    client = TenantClient(tenant)
    if user is not None:
        client.force_login(user)
    return client


def _state(tenant: Tenant) -> dict[str, list[tuple[object, ...]]]:
    return {
        "members": list(
            Membership.objects.filter(tenant=tenant).order_by("pk").values_list("user_id", "role")
        ),
        "invitations": list(Invitation.objects.order_by("pk").values_list()),
        "users": list(User.objects.order_by("pk").values_list("pk", "email")),
    }


def _invite(client, capture, email: str, role: str = Role.STAFF):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post(INVITE, {"email": email, "role": role})


def _link_path(message: mail.EmailMessage) -> str:
    match = re.search(r"http://alpha\.localhost(?::\d+)?(/invite/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _membership(tenant: Tenant, user: User) -> Membership:
    return Membership.objects.get(tenant=tenant, user=user)


# --- the team page and inviting ------------------------------------------------------------------


def test_team_page_lists_members_owners_first(owner, alpha, make_member):
    make_member(alpha, Role.STAFF)
    make_member(alpha, Role.MANAGER)

    response = owner.get(TEAM)

    assert response.status_code == 200
    assert [r["membership"].role for r in response.context["rows"]] == [
        "owner",
        "manager",
        "staff",
    ]
    content = response.content.decode()
    assert "owner@alpha.test" in content and "manager@alpha.test" in content
    assert "Only owner" in content  # the only owner can't leave


def test_owner_invites_by_email_and_the_email_is_sent_after_commit(
    owner, alpha, django_capture_on_commit_callbacks
):
    response = _invite(owner, django_capture_on_commit_callbacks, " New.Person@Example.test ")

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.tenant_id) == (
        "new.person@example.test",
        "staff",
        alpha.pk,
    )
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.test"]
    assert message.subject == "Alpha Owner invited you to join Alpha Pilates on StudioBook"
    path = _link_path(message)
    html = message.alternatives[0][0]
    assert path in html and "Accept the invitation" in html
    # Only the hash of the link's token is stored.
    token = path.split("/")[2]
    assert invitation.token_hash == team.token_hash(token) != token
    page = owner.get(TEAM).content.decode()
    assert "Invitation sent to new.person@example.test." in page
    assert "new.person@example.test" in page


@pytest.mark.parametrize(
    ("email", "role", "field", "message"),
    [
        ("not-an-email", "staff", "email", "Enter a valid email address."),
        ("owner@alpha.test", "staff", "email", "This person is already on the team."),
        ("x@example.test", "boss", "role", "Select a valid choice."),
    ],
)
def test_invite_errors_show_beside_the_field_and_nothing_is_sent(
    owner, alpha, django_capture_on_commit_callbacks, email, role, field, message
):
    before = _state(alpha)

    response = _invite(owner, django_capture_on_commit_callbacks, email, role)

    assert response.status_code == 422
    assert response.context["invite_form"].errors[field][0].startswith(message)
    assert _state(alpha) == before
    assert mail.outbox == []


def test_inviting_an_address_twice_asks_to_resend(owner, alpha, django_capture_on_commit_callbacks):
    _invite(owner, django_capture_on_commit_callbacks, "a@example.test")
    before = _state(alpha)

    response = _invite(owner, django_capture_on_commit_callbacks, "A@example.test")

    assert response.status_code == 422
    assert response.context["invite_form"].errors == {
        "email": ["Already invited. Use Resend in the list below."]
    }
    assert _state(alpha) == before
    assert len(mail.outbox) == 1


def test_an_expired_invitation_is_replaced_by_a_new_one(
    owner, alpha, django_capture_on_commit_callbacks
):
    _invite(owner, django_capture_on_commit_callbacks, "a@example.test")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = _invite(owner, django_capture_on_commit_callbacks, "a@example.test")

    assert response.status_code == 302
    old, new = Invitation.objects.order_by("pk")
    assert old.revoked_at is not None and new.revoked_at is None
    assert len(mail.outbox) == 2


def test_managers_invite_staff_and_managers_but_not_owners(
    alpha, make_member, django_capture_on_commit_callbacks
):
    manager = _client(alpha, make_member(alpha, Role.MANAGER))
    page = manager.get(TEAM)
    assert [c[0] for c in page.context["invite_form"].fields["role"].choices] == [
        "manager",
        "staff",
    ]
    before = _state(alpha)

    refused = _invite(manager, django_capture_on_commit_callbacks, "boss@example.test", "owner")
    assert refused.status_code == 422
    assert _state(alpha) == before

    allowed = _invite(manager, django_capture_on_commit_callbacks, "m@example.test", "manager")
    assert allowed.status_code == 302
    assert Invitation.objects.get().role == "manager"


def test_a_failing_mail_server_keeps_the_invitation_for_a_resend(
    owner, alpha, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.tenant_apps.studio.test_team.BrokenBackend"

    response = _invite(owner, django_capture_on_commit_callbacks, "a@example.test")

    assert response.status_code == 302
    assert Invitation.objects.filter(email="a@example.test").exists()


class BrokenBackend:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("mail server down")


# --- accepting -----------------------------------------------------------------------------------


def _invited(owner, capture, email: str, role: str = Role.STAFF) -> str:  # type: ignore[no-untyped-def]
    _invite(owner, capture, email, role)
    return _link_path(mail.outbox[-1])


def test_a_new_person_creates_an_account_and_joins(
    owner, alpha, django_capture_on_commit_callbacks
):
    path = _invited(owner, django_capture_on_commit_callbacks, "new@example.test", Role.MANAGER)
    visitor = _client(alpha)

    page = visitor.get(path)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert "Create my account and join" in page.content.decode()
    assert "as <strong>manager</strong>" in page.content.decode()

    response = visitor.post(path, {"full_name": "New Person", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/app/"
    user = User.objects.get(email="new@example.test")
    assert user.full_name == "New Person"
    assert user.check_password(TEST_PASSWORD)
    assert user.email_verified_at is not None  # the link proved the address
    assert _membership(alpha, user).role == "manager"
    invitation = Invitation.objects.get()
    assert invitation.accepted_by_id == user.pk and invitation.accepted_at is not None
    dashboard = visitor.get("/app/")  # signed in on the studio's host
    assert dashboard.status_code == 200
    assert "Welcome to Alpha Pilates!" in dashboard.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"full_name": "", "password": TEST_PASSWORD}, "full_name", "This field is required."),
        ({"full_name": "New", "password": "short"}, "password", "This password is too short."),
        ({"full_name": "New", "password": "12345678901"}, "password", "This password is too"),
    ],
)
def test_sign_up_errors_show_beside_fields_and_nobody_joins(
    owner, alpha, django_capture_on_commit_callbacks, data, field, message
):
    path = _invited(owner, django_capture_on_commit_callbacks, "new@example.test")
    before = _state(alpha)

    response = _client(alpha).post(path, data)

    assert response.status_code == 422
    assert response.context["form"].errors[field][0].startswith(message)
    assert _state(alpha) == before


def test_an_existing_account_signs_in_and_joins(
    owner, alpha, beta, beta_owner, django_capture_on_commit_callbacks
):
    path = _invited(owner, django_capture_on_commit_callbacks, "OWNER@beta.test")
    anonymous = _client(alpha)

    page = anonymous.get(path)
    assert "Log in to join" in page.content.decode()
    assert f'href="/accounts/login/?next={path}"' in page.content.decode()
    assert anonymous.post(path, {"full_name": "X", "password": TEST_PASSWORD}).status_code == 422
    assert not Membership.objects.filter(tenant=alpha, user=beta_owner).exists()

    signed_in = _client(alpha, beta_owner)
    assert "Join Alpha Pilates" in signed_in.get(path).content.decode()
    response = signed_in.post(path)

    assert response.status_code == 302
    assert _membership(alpha, beta_owner).role == "staff"
    assert _membership(beta, beta_owner).role == "owner"  # their own studio is untouched


def test_someone_signed_in_with_another_address_is_refused(
    owner, alpha, make_member, beta, django_capture_on_commit_callbacks
):
    path = _invited(owner, django_capture_on_commit_callbacks, "invited@example.test")
    other = _client(alpha, make_member(beta, Role.OWNER, email="someone@else.test"))
    before = _state(alpha)

    page = other.get(path)
    assert "This invitation is for <strong>invited@example.test</strong>" in page.content.decode()
    response = other.post(path)

    assert response.status_code == 403
    assert "but you are signed in as someone@else.test" in response.content.decode()
    assert _state(alpha) == before


def test_a_used_link_shows_a_clear_page(owner, alpha, django_capture_on_commit_callbacks):
    path = _invited(owner, django_capture_on_commit_callbacks, "new@example.test")
    _client(alpha).post(path, {"full_name": "New", "password": TEST_PASSWORD})
    before = _state(alpha)

    again = _client(alpha).get(path)
    reuse = _client(alpha).post(path, {"full_name": "Other", "password": TEST_PASSWORD})

    assert again.status_code == reuse.status_code == 410
    assert "This invitation has been used" in again.content.decode()
    assert _state(alpha) == before


def test_an_expired_link_shows_a_clear_page(owner, alpha, django_capture_on_commit_callbacks):
    path = _invited(owner, django_capture_on_commit_callbacks, "new@example.test")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    before = _state(alpha)

    page = _client(alpha).get(path)
    post = _client(alpha).post(path, {"full_name": "New", "password": TEST_PASSWORD})

    assert page.status_code == post.status_code == 410
    assert "This invitation has expired" in page.content.decode()
    assert _state(alpha) == before


def test_a_withdrawn_link_shows_a_clear_page(owner, alpha, django_capture_on_commit_callbacks):
    path = _invited(owner, django_capture_on_commit_callbacks, "new@example.test")
    invitation = Invitation.objects.get()

    response = owner.post(f"/app/team/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    page = _client(alpha).get(path)
    assert page.status_code == 410
    assert "This invitation was withdrawn" in page.content.decode()
    assert "No pending invitations." in owner.get(TEAM).content.decode()


def test_another_studios_link_does_not_work_here(
    owner, alpha, beta, django_capture_on_commit_callbacks
):
    path = _invited(owner, django_capture_on_commit_callbacks, "new@example.test")
    before = _state(alpha)

    page = _client(beta).get(path)
    post = _client(beta).post(path, {"full_name": "New", "password": TEST_PASSWORD})

    assert page.status_code == post.status_code == 404
    assert "isn't valid for Beta Yoga" in page.content.decode()
    assert _state(alpha) == before
    assert not Membership.objects.filter(tenant=beta, user__email="new@example.test").exists()


def test_a_made_up_token_is_not_found(alpha):
    page = _client(alpha).get("/invite/not-a-real-token/")

    assert page.status_code == 404
    assert "This link doesn't work" in page.content.decode()


def test_resend_sends_a_new_link_and_the_old_one_stops_working(
    owner, alpha, django_capture_on_commit_callbacks
):
    old_path = _invited(owner, django_capture_on_commit_callbacks, "new@example.test")
    invitation = Invitation.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(f"/app/team/invitations/{invitation.pk}/resend/")

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new_path = _link_path(mail.outbox[1])
    assert new_path != old_path
    assert _client(alpha).get(old_path).status_code == 404
    assert _client(alpha).get(new_path).status_code == 200


# --- roles, removal and the last owner ---------------------------------------------------


def test_owner_changes_a_role(owner, alpha, make_member):
    person = make_member(alpha, Role.STAFF)
    membership = _membership(alpha, person)

    response = owner.post(f"/app/team/members/{membership.pk}/role/", {"role": "manager"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "manager"
    assert "Staff Person is now manager." in owner.get(TEAM).content.decode()


def test_the_only_owner_cannot_step_down_or_leave(owner, alpha, alpha_owner):
    membership = _membership(alpha, alpha_owner)
    before = _state(alpha)

    demote = owner.post(f"/app/team/members/{membership.pk}/role/", {"role": "staff"}, follow=True)
    leave = owner.post(f"/app/team/members/{membership.pk}/remove/", follow=True)

    assert "You are the only owner. Make someone else an owner first." in demote.content.decode()
    assert "its only owner stays" in leave.content.decode()
    assert _state(alpha) == before


def test_with_two_owners_one_may_step_down(owner, alpha, alpha_owner, make_member):
    other = _membership(alpha, make_member(alpha, Role.OWNER, email="second@alpha.test"))
    me = _membership(alpha, alpha_owner)

    owner.post(f"/app/team/members/{other.pk}/role/", {"role": "manager"})
    other.refresh_from_db()
    assert other.role == "manager"
    owner.post(f"/app/team/members/{other.pk}/role/", {"role": "owner"})
    owner.post(f"/app/team/members/{me.pk}/remove/")

    assert list(Membership.objects.filter(tenant=alpha).values_list("role", flat=True)) == ["owner"]


def test_owner_removes_a_member(owner, alpha, make_member):
    person = make_member(alpha, Role.STAFF)
    membership = _membership(alpha, person)

    response = owner.post(f"/app/team/members/{membership.pk}/remove/")

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=person.pk).exists()  # their platform account stays
    assert _client(alpha, person).get("/app/").status_code == 404


def test_managers_cannot_touch_owners(alpha, alpha_owner, make_member):
    manager = _client(alpha, make_member(alpha, Role.MANAGER))
    owner_membership = _membership(alpha, alpha_owner)
    staff_membership = _membership(alpha, make_member(alpha, Role.STAFF))
    before = _state(alpha)

    manager.post(f"/app/team/members/{owner_membership.pk}/role/", {"role": "staff"})
    manager.post(f"/app/team/members/{owner_membership.pk}/remove/")
    manager.post(f"/app/team/members/{staff_membership.pk}/role/", {"role": "owner"})

    assert _state(alpha) == before
    manager.post(f"/app/team/members/{staff_membership.pk}/role/", {"role": "manager"})
    staff_membership.refresh_from_db()
    assert staff_membership.role == "manager"


def test_a_concurrent_pair_of_owners_cannot_both_leave(alpha, alpha_owner, make_member):
    """Service level: each removal re-reads the owners under a lock."""
    second = _membership(alpha, make_member(alpha, Role.OWNER, email="second@alpha.test"))
    first = _membership(alpha, alpha_owner)

    team.membership_remove(tenant=alpha, membership=second, acting=second)
    with pytest.raises(team.LastOwnerError):
        team.membership_remove(tenant=alpha, membership=first, acting=first)

    assert list(Membership.objects.filter(tenant=alpha).values_list("pk", flat=True)) == [first.pk]


def test_staff_may_leave_but_not_manage(alpha, make_member, alpha_owner):
    person = make_member(alpha, Role.STAFF)
    client = _client(alpha, person)
    owner_membership = _membership(alpha, alpha_owner)
    before = _state(alpha)

    assert client.get(TEAM).status_code == 404
    assert client.post(INVITE, {"email": "x@example.test", "role": "staff"}).status_code == 404
    assert client.post(f"/app/team/members/{owner_membership.pk}/remove/").status_code == 404
    assert _state(alpha) == before

    response = client.post(f"/app/team/members/{_membership(alpha, person).pk}/remove/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/studios/"
    assert not Membership.objects.filter(tenant=alpha, user=person).exists()


def test_anonymous_and_other_studios_are_kept_out(alpha, beta, beta_owner, alpha_owner):
    member_id = _membership(alpha, alpha_owner).pk
    paths = [
        ("get", TEAM),
        ("post", INVITE),
        ("post", f"/app/team/members/{member_id}/role/"),
        ("post", f"/app/team/members/{member_id}/remove/"),
        ("get", "/app/policies/"),
    ]
    stranger = _client(alpha, beta_owner)
    before = _state(alpha)

    for method, path in paths:
        anonymous = getattr(_client(alpha), method)(path)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        assert getattr(stranger, method)(path).status_code == 404, path
    assert _state(alpha) == before


def test_a_member_id_of_another_studio_is_not_found(owner, beta, beta_owner):
    beta_membership = _membership(beta, beta_owner)

    response = owner.post(f"/app/team/members/{beta_membership.pk}/remove/")

    assert response.status_code == 404
    assert Membership.objects.filter(pk=beta_membership.pk).exists()


def test_an_invitation_of_another_studio_is_not_found(
    alpha, beta, beta_owner, owner, django_capture_on_commit_callbacks
):
    beta_owner_membership = _membership(beta, beta_owner)
    invitation, _ = team.invitation_create(
        tenant=beta,
        email="b@example.test",
        role="staff",
        acting=beta_owner_membership,
        now=timezone.now(),
    )

    assert owner.post(f"/app/team/invitations/{invitation.pk}/revoke/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
