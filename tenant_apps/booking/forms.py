"""The wizard's details form: who is booking, the page's own questions, and the agreements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from tenant_apps.catalog.questions import (
    CHECKBOX,
    CHOICE,
    MAX_TEXT_ANSWER_LENGTH,
    Question,
)
from tenant_apps.studio.services import phone_problems

QUESTION_PREFIX = "q_"
# Up to this many options a choice question shows radio buttons (one tap on a phone); more
# become a drop-down.
MAX_RADIO_CHOICES = 6


def question_field_name(question_id: str) -> str:
    return f"{QUESTION_PREFIX}{question_id}"


class BookingDetailsForm(forms.Form):
    full_name = forms.CharField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Please enter your name."},
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="We send your confirmation here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    phone = forms.CharField(
        label="Phone",
        max_length=40,
        required=False,
        help_text="Only used if the studio needs to reach you about this booking.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    # The chosen time. Hidden normally; radio buttons when the first choice was taken meanwhile.
    slot = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        questions: Sequence[Question] = (),
        policy_text: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = tuple(questions)
        for question in self.questions:
            self.fields[question_field_name(question.id)] = _question_field(question)
        self.fields["note"] = forms.CharField(
            label="Anything we should know?",
            max_length=2000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.fields["marketing_consent"] = forms.BooleanField(
            label="Send me news and offers from the studio by email",
            required=False,
        )
        if policy_text:
            self.fields["accept_policy"] = forms.BooleanField(
                label="I accept the booking policy",
                error_messages={"required": "Please accept the booking policy to book."},
            )

    @property
    def question_fields(self) -> list[forms.BoundField]:
        return [self[question_field_name(q.id)] for q in self.questions]

    def clean_full_name(self) -> str:
        name = " ".join(str(self.cleaned_data["full_name"]).split())
        if not name:
            raise forms.ValidationError("Please enter your name.")
        return name

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        problems = phone_problems(phone)
        if problems:
            raise forms.ValidationError(problems)
        return phone

    def answers(self) -> dict[str, Any]:
        """The answers in the shape the booking page's questions check ({id: answer})."""
        answers: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(question_field_name(question.id))
            if question.type == CHECKBOX:
                answers[question.id] = bool(value)
            elif value:
                answers[question.id] = value
        return answers

    def field_for_problem(self, key: str) -> str | None:
        """The form field a service's problem key ("answers.goals", "phone") belongs to."""
        if key.startswith("answers."):
            name = question_field_name(key.removeprefix("answers."))
            return name if name in self.fields else None
        aliases = {"name": "full_name", "note": "note"}
        name = aliases.get(key, key)
        return name if name in self.fields and name != "slot" else None


def _question_field(question: Question) -> forms.Field:
    if question.type == CHECKBOX:
        return forms.BooleanField(
            label=question.label,
            required=question.required,
            error_messages={"required": "Please tick this box to continue."},
        )
    if question.type == CHOICE:
        many = len(question.choices) > MAX_RADIO_CHOICES
        choices = [(choice, choice) for choice in question.choices]
        return forms.ChoiceField(
            label=question.label,
            required=question.required,
            choices=[("", "Choose…"), *choices] if many else choices,
            widget=forms.Select if many else forms.RadioSelect,
            error_messages={
                "required": "Please choose one of the options.",
                "invalid_choice": "Please choose one of the options.",
            },
        )
    return forms.CharField(
        label=question.label,
        required=question.required,
        max_length=MAX_TEXT_ANSWER_LENGTH,
        widget=forms.TextInput,
        error_messages={"required": "Please answer this question."},
    )
