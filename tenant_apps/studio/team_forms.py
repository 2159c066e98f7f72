"""Forms of the team screens and the invitation page. They parse input; tenant_apps.studio.team
decides who may do what."""

from __future__ import annotations

from typing import Any

from django import forms

from tenants.models import Role


def _role_field(roles: list[Role]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role",
        choices=[(role.value, role.label) for role in roles],
        widget=forms.Select(attrs={"class": "input"}),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "off", "inputmode": "email", "placeholder": "name@example.com"}
        ),
    )

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(roles)
        self.fields["role"].initial = Role.STAFF.value


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class JoinSignupForm(forms.Form):
    full_name = forms.CharField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        max_length=4096,  # a cap keeps a megabyte "password" from costing a megabyte of hashing
        help_text="At least 8 characters; not too common, not all digits.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
