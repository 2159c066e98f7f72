"""A studio's team: who works there with which role, and email invitations to join.

Memberships and invitations live in the public schema (tenants.models) beside the studio. The
rules of who may do what are decided here and nowhere else:

- owners may invite, change and remove anyone, and make others owners;
- managers may invite staff and managers, change people between those two roles and remove
  them; they never touch an owner or grant the owner role;
- a studio always keeps at least one owner (LastOwnerError), which is checked under a lock on
  the studio's owner rows so two owners removing each other at once can't both succeed.

An invitation link carries a random token; only its SHA-256 is stored. The email is sent after
the transaction commits, straight from the web process: the raw token never goes through the
task broker, and a failed send is logged and can be retried with "Resend" (a new token).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When
from django.template.loader import render_to_string
from django.urls import reverse

from realtime.publish import calendar_access_changed
from shared_apps.accounts.models import User
from shared_apps.core.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from tenants.access import MANAGING_ROLES
from tenants.models import Invitation, Membership, Role, Tenant
from tenants.urls import studio_url

logger = logging.getLogger(__name__)

INVITATION_VALID_DAYS = 7
TENANT_URLCONF = "config.urls_tenant"


# --- errors ----------------------------------------------------------------------------------


class LastOwnerError(ConflictError):
    code = "last_owner"
    title = "A studio needs at least one owner"


class AlreadyMemberError(ConflictError):
    code = "already_member"
    title = "This person is already on the team"


class InvitationPendingError(ConflictError):
    code = "invitation_pending"
    title = "This address has already been invited"


class InvitationState(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


class InvitationUnusableError(DomainError):
    """The link can't be used; `state` says why (the page explains each case)."""

    code = "invitation_unusable"
    status = 404
    title = "This invitation can't be used"

    def __init__(self, state: InvitationState) -> None:
        messages = {
            InvitationState.UNKNOWN: "This invitation link is not valid for this studio.",
            InvitationState.EXPIRED: "This invitation has expired.",
            InvitationState.ACCEPTED: "This invitation has already been used.",
            InvitationState.REVOKED: "This invitation was withdrawn by the studio.",
        }
        super().__init__(messages[state])
        self.state = state
        self.status = 410 if state != InvitationState.UNKNOWN else 404


class WrongAccountError(DomainError):
    code = "invitation_wrong_account"
    status = 403
    title = "This invitation is for another email address"


# --- reads -----------------------------------------------------------------------------------

_ROLE_ORDER = Case(
    When(role=Role.OWNER, then=Value(0)),
    When(role=Role.MANAGER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def team_member_list(*, tenant: Tenant) -> list[Membership]:
    """The studio's members, owners first, then managers and staff, by name."""
    return list(
        Membership.objects.filter(tenant_id=tenant.pk)
        .select_related("user")
        .order_by(_ROLE_ORDER, "user__full_name", "user__email")
    )


def invitation_open_list(*, tenant: Tenant) -> list[Invitation]:
    """Invitations not yet accepted or revoked (expired ones too: they can be resent)."""
    return list(
        Invitation.objects.filter(
            tenant_id=tenant.pk, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


def assignable_roles(*, acting: Membership) -> list[Role]:
    """The roles `acting` may give to others (in invitations and role changes)."""
    if acting.role == Role.OWNER:
        return [Role.OWNER, Role.MANAGER, Role.STAFF]
    if acting.role == Role.MANAGER:
        return [Role.MANAGER, Role.STAFF]
    return []


def may_manage_member(*, acting: Membership, member: Membership) -> bool:
    """Whether `acting` may change the role of or remove `member` (owners only by owners)."""
    if acting.role == Role.OWNER:
        return True
    return acting.role == Role.MANAGER and member.role != Role.OWNER


def access_membership_by_id(*, tenant: Tenant, membership_id: int) -> Membership:
    membership = (
        Membership.objects.filter(pk=membership_id, tenant_id=tenant.pk)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise NotFoundError("No such team member.")
    return membership


def access_invitation_by_id(*, tenant: Tenant, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(pk=invitation_id, tenant_id=tenant.pk).first()
    if invitation is None:
        raise NotFoundError("No such invitation.")
    return invitation


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class InvitationView:
    """What the accept page needs about a usable invitation."""

    invitation: Invitation
    existing_user: User | None


def invitation_get_by_token(*, tenant: Tenant, token: str, now: datetime) -> InvitationView:
    """The open invitation of this studio that `token` names, or InvitationUnusableError
    (unknown here, including another studio's token; expired; used; revoked)."""
    invitation = (
        Invitation.objects.filter(token_hash=token_hash(token), tenant_id=tenant.pk)
        .select_related("tenant", "invited_by")
        .first()
    )
    _require_usable(invitation, now)
    assert invitation is not None
    existing = User.objects.filter(email__iexact=invitation.email).first()
    return InvitationView(invitation=invitation, existing_user=existing)


def _require_usable(invitation: Invitation | None, now: datetime) -> None:
    if invitation is None:
        raise InvitationUnusableError(InvitationState.UNKNOWN)
    if invitation.accepted_at is not None:
        raise InvitationUnusableError(InvitationState.ACCEPTED)
    if invitation.revoked_at is not None:
        raise InvitationUnusableError(InvitationState.REVOKED)
    if invitation.expires_at <= now:
        raise InvitationUnusableError(InvitationState.EXPIRED)


# --- the email -------------------------------------------------------------------------------


def invitation_link(*, tenant: Tenant, token: str) -> str:
    path = reverse("studio:invitation_accept", kwargs={"token": token}, urlconf=TENANT_URLCONF)
    return studio_url(tenant.slug, path)


def _invitation_email_send(*, invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("tenant", "invited_by").get(pk=invitation_id)
    context = {
        "invitation": invitation,
        "studio": invitation.tenant,
        "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
        "role": invitation.get_role_display(),
        "link": invitation_link(tenant=invitation.tenant, token=token),
        "valid_days": INVITATION_VALID_DAYS,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("studio/team_invite_email_subject.txt", context).strip(),
        body=render_to_string("studio/team_invite_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("studio/team_invite_email.html", context), "text/html"
    )
    message.send()


def _send_after_commit(invitation_id: int, token: str) -> None:
    # robust: a mail server hiccup must not turn a saved invitation into an error page; the
    # owner sees the invitation listed and can resend it.
    transaction.on_commit(
        lambda: _invitation_email_send(invitation_id=invitation_id, token=token), robust=True
    )


# --- writes ----------------------------------------------------------------------------------


def _require_managing(acting: Membership) -> None:
    if acting.role not in MANAGING_ROLES:
        raise PermissionDeniedError("Only owners and managers can manage the team.")


def _require_may_assign(acting: Membership, role: str) -> None:
    if role not in Role.values:
        raise ValidationFailedError(errors={"role": ["Choose a role from the list."]})
    if role not in assignable_roles(acting=acting):
        raise PermissionDeniedError(
            "Only owners can make someone an owner.",
            errors={"role": ["Only owners can make someone an owner."]},
        )


def invitation_create(
    *, tenant: Tenant, email: str, role: str, acting: Membership, now: datetime
) -> tuple[Invitation, str]:
    """Invite `email` to join with `role`; returns the invitation and the link's token (for
    tests and the email only: it is not stored). An address with an open invitation that has
    not expired is refused (InvitationPendingError: resend it instead); an expired one is
    replaced."""
    _require_managing(acting)
    _require_may_assign(acting, role)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationFailedError(errors={"email": ["Enter a valid email address."]}) from exc
    if Membership.objects.filter(tenant_id=tenant.pk, user__email__iexact=email).exists():
        raise AlreadyMemberError(
            f"{email} is already on the team.",
            errors={"email": ["This person is already on the team."]},
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        open_invitations = Invitation.objects.select_for_update().filter(
            tenant_id=tenant.pk,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        for previous in open_invitations:
            if previous.expires_at > now:
                raise InvitationPendingError(
                    f"{email} has already been invited.",
                    errors={"email": ["Already invited. Use Resend in the list below."]},
                )
            previous.revoked_at = now  # expired: replaced by the new one
            previous.save(update_fields=["revoked_at"])
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    tenant=tenant,
                    email=email,
                    role=role,
                    token_hash=token_hash(token),
                    invited_by=acting.user,
                    sent_at=now,
                    expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
                )
        except IntegrityError as exc:
            # Someone invited the same address a moment ago.
            raise InvitationPendingError(
                f"{email} has already been invited.",
                errors={"email": ["Already invited. Use Resend in the list below."]},
            ) from exc
        _send_after_commit(invitation.pk, token)
    return invitation, token


def _open_for_update(invitation: Invitation, tenant: Tenant) -> Invitation:
    locked = (
        Invitation.objects.select_for_update().filter(pk=invitation.pk, tenant_id=tenant.pk).first()
    )
    if locked is None or locked.accepted_at is not None or locked.revoked_at is not None:
        raise ConflictError("This invitation was already accepted or withdrawn.")
    return locked


def _require_may_handle_invitation(acting: Membership, invitation: Invitation) -> None:
    _require_managing(acting)
    if invitation.role == Role.OWNER and acting.role != Role.OWNER:
        raise PermissionDeniedError("Only owners can manage invitations of owners.")


def invitation_resend(
    *, tenant: Tenant, invitation: Invitation, acting: Membership, now: datetime
) -> str:
    """Email the invitation again with a new link (the old link stops working) and a fresh
    validity period. Returns the new token."""
    _require_may_handle_invitation(acting, invitation)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = _open_for_update(invitation, tenant)
        locked.token_hash = token_hash(token)
        locked.sent_at = now
        locked.expires_at = now + timedelta(days=INVITATION_VALID_DAYS)
        locked.save(update_fields=["token_hash", "sent_at", "expires_at"])
        _send_after_commit(locked.pk, token)
    return token


def invitation_revoke(
    *, tenant: Tenant, invitation: Invitation, acting: Membership, now: datetime
) -> None:
    _require_may_handle_invitation(acting, invitation)
    with transaction.atomic():
        locked = _open_for_update(invitation, tenant)
        locked.revoked_at = now
        locked.save(update_fields=["revoked_at"])


def _join(invitation: Invitation, user: User, now: datetime) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=user, tenant_id=invitation.tenant_id, defaults={"role": invitation.role}
    )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _locked_usable(tenant: Tenant, token: str, now: datetime) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=token_hash(token), tenant_id=tenant.pk)
        .first()
    )
    _require_usable(invitation, now)
    assert invitation is not None
    return invitation


def invitation_accept(*, tenant: Tenant, token: str, user: User, now: datetime) -> Membership:
    """A signed-in platform user joins with the invitation's role. The invitation is for one
    address: anyone else is refused (WrongAccountError). Someone already on the team keeps
    their role; the invitation is used up either way."""
    with transaction.atomic():
        invitation = _locked_usable(tenant, token, now)
        if user.email.lower() != invitation.email.lower():
            raise WrongAccountError(
                f"This invitation is for {invitation.email}, but you are signed in as {user.email}."
            )
        return _join(invitation, user, now)


def invitation_accept_signup(
    *, tenant: Tenant, token: str, full_name: str, password: str, now: datetime
) -> User:
    """A new person creates their platform account from the invitation and joins. Their email
    address is the invited one, proven by the link, so it counts as verified."""
    full_name = full_name.strip()
    with transaction.atomic():
        invitation = _locked_usable(tenant, token, now)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ConflictError(
                "An account with this email address exists already. Log in to accept."
            )
        problems: dict[str, list[str]] = {}
        if not full_name:
            problems["full_name"] = ["Enter your name."]
        elif len(full_name) > 150:
            problems["full_name"] = ["Use at most 150 characters."]
        candidate = User(email=invitation.email, full_name=full_name)
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            problems["password"] = list(exc.messages)
        if problems:
            raise ValidationFailedError(errors=problems)
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    invitation.email, password, full_name=full_name, email_verified_at=now
                )
        except IntegrityError as exc:
            raise ConflictError(
                "An account with this email address exists already. Log in to accept."
            ) from exc
        _join(invitation, user, now)
    return user


def _lock_owners(tenant: Tenant) -> list[int]:
    """Lock the studio's owner memberships (id order) and return their ids."""
    return list(
        Membership.objects.select_for_update()
        .filter(tenant_id=tenant.pk, role=Role.OWNER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def membership_role_change(
    *, tenant: Tenant, membership: Membership, role: str, acting: Membership
) -> Membership:
    _require_managing(acting)
    _require_may_assign(acting, role)
    if not may_manage_member(acting=acting, member=membership):
        raise PermissionDeniedError("Only owners can change an owner's role.")
    with transaction.atomic():
        owners = _lock_owners(tenant)
        locked = (
            Membership.objects.select_for_update()
            .filter(pk=membership.pk, tenant_id=tenant.pk)
            .first()
        )
        if locked is None:
            raise NotFoundError("No such team member.")
        if locked.role == role:
            return locked
        if locked.role == Role.OWNER and owners == [locked.pk]:
            raise LastOwnerError(
                "You are the only owner. Make someone else an owner first.",
                errors={"role": ["The studio's only owner stays an owner."]},
            )
        locked.role = role
        locked.save(update_fields=["role"])
        calendar_access_changed(schema_name=tenant.schema_name, user_id=locked.user_id)
    return locked


def membership_remove(*, tenant: Tenant, membership: Membership, acting: Membership) -> None:
    """Take someone off the team (they can no longer open the studio). Members may also leave
    by removing themselves, except the only owner."""
    leaving = membership.pk == acting.pk
    if not leaving:
        _require_managing(acting)
        if not may_manage_member(acting=acting, member=membership):
            raise PermissionDeniedError("Only owners can remove an owner.")
    with transaction.atomic():
        owners = _lock_owners(tenant)
        locked = (
            Membership.objects.select_for_update()
            .filter(pk=membership.pk, tenant_id=tenant.pk)
            .first()
        )
        if locked is None:
            raise NotFoundError("No such team member.")
        if locked.role == Role.OWNER and owners == [locked.pk]:
            raise LastOwnerError("A studio needs at least one owner, so its only owner stays.")
        locked.delete()
        # Their open calendar closes now, not at its next reconnection.
        calendar_access_changed(schema_name=tenant.schema_name, user_id=locked.user_id)
