"""Forms of the class pages: the owner app's class types, sessions, rosters and settings, the
public class schedule's details step, and the portal's cancel button.

Forms parse what the browser sends into the values the classes services take; the services
hold the rules (capacity never below seats taken, the instructor not teaching twice at once) and
are the authority. `errors_to_form` puts a service's field problems beside the matching inputs.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms

from tenant_apps.catalog.forms import ColorInput, errors_to_form
from tenant_apps.catalog.models import StaffMember
from tenant_apps.classes.models import ClassLevel, ClassType, EnrollmentPayment, WaitlistMode
from tenant_apps.resources.models import Resource, ResourceKind
from tenant_apps.studio.forms import currency_choices, timezone_choices
from tenant_apps.studio.services import phone_problems

__all__ = [
    "CancelSessionForm",
    "ClassSettingsForm",
    "ClassTypeForm",
    "EnrollCustomerForm",
    "PublicEnrollForm",
    "ScheduleFilterForm",
    "SessionCreateForm",
    "SessionEditForm",
    "errors_to_form",
]

# The longest weekly series one form may create (two years of a weekly class).
MAX_SERIES_COUNT = 104
REASON_MAX_LENGTH = 500


def _staff_choices() -> Any:
    return StaffMember.objects.order_by("display_name", "pk")


def _resources(kind: str) -> Any:
    return Resource.objects.filter(kind=kind, is_active=True).order_by("name", "pk")


# --- class types ---------------------------------------------------------------------------


class ClassTypeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to customers on the class schedule.",
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=5,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
    )
    capacity = forms.IntegerField(
        label="Capacity",
        min_value=1,
        max_value=500,
        help_text="Spots per session. Each session can change its own later.",
    )
    level = forms.ChoiceField(label="Level", choices=ClassLevel.choices)
    default_instructor = forms.ModelChoiceField(
        label="Usual instructor",
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label="Choose when scheduling",
    )
    room = forms.ModelChoiceField(
        label="Room",
        queryset=Resource.objects.none(),
        required=False,
        empty_label="No room",
        help_text="Held for the whole session.",
    )
    equipment = forms.ModelChoiceField(
        label="Equipment",
        queryset=Resource.objects.none(),
        required=False,
        empty_label="No equipment",
    )
    equipment_per_attendee = forms.IntegerField(
        label="Equipment per spot",
        min_value=0,
        max_value=50,
        help_text="E.g. 1 reformer per spot: a session of 12 holds 12 reformers.",
    )
    price = forms.DecimalField(
        label="Price per spot", min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    currency = forms.ChoiceField(label="Currency", choices=currency_choices)
    credits = forms.IntegerField(
        label="Credits per spot",
        min_value=0,
        max_value=100,
        help_text="Taken from a customer's package. 0: can't be paid with credits.",
    )
    color = forms.CharField(label="Colour", widget=ColorInput, initial="#2f9e8f")
    is_active = forms.BooleanField(
        label="Active: can be scheduled and booked", required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Evaluated per request, in the studio's schema.
        self._set_queryset("default_instructor", _staff_choices())
        self._set_queryset("room", _resources(ResourceKind.ROOM))
        self._set_queryset("equipment", _resources(ResourceKind.EQUIPMENT))

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("equipment") is not None and not data.get("equipment_per_attendee"):
            self.add_error("equipment_per_attendee", "Say how many each spot needs (at least 1).")
        if data.get("equipment") is None and data.get("equipment_per_attendee"):
            self.add_error("equipment", "Choose the equipment each spot needs.")
        return data

    def class_type_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("equipment") is None:
            data["equipment_per_attendee"] = 0
        return data

    @classmethod
    def initial_for(cls, class_type: ClassType | None, currency: str) -> dict[str, Any]:
        if class_type is None:
            fresh = ClassType(currency=currency)
            return {
                "duration_minutes": fresh.duration_minutes,
                "capacity": fresh.capacity,
                "level": fresh.level,
                "equipment_per_attendee": 0,
                "price": Decimal("0.00"),
                "currency": currency,
                "credits": fresh.credits,
                "color": fresh.color,
                "is_active": True,
            }
        initial = {name: getattr(class_type, name) for name in cls.base_fields}
        for name in ("default_instructor", "room", "equipment"):
            initial[name] = getattr(class_type, f"{name}_id")
        return initial


# --- sessions ------------------------------------------------------------------------------


REPEAT_CHOICES = (("once", "Once"), ("weekly", "Every week"))
END_CHOICES = (("count", "After a number of sessions"), ("until", "On a date"))


class SessionCreateForm(forms.Form):
    """One session, or a weekly series ending on a date or after a number of sessions."""

    class_type = forms.ModelChoiceField(
        label="Class", queryset=ClassType.objects.none(), empty_label="Choose a class"
    )
    instructor = forms.ModelChoiceField(
        label="Instructor",
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label="The class's usual instructor",
    )
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label="Start time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    capacity = forms.IntegerField(
        label="Capacity",
        min_value=1,
        max_value=500,
        required=False,
        help_text="Leave empty for the class's own capacity.",
    )
    repeat = forms.ChoiceField(
        label="Repeat", choices=REPEAT_CHOICES, initial="once", widget=forms.RadioSelect
    )
    ends = forms.ChoiceField(
        label="Ends", choices=END_CHOICES, initial="count", widget=forms.RadioSelect
    )
    repeat_until = forms.DateField(
        label="Last date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    count = forms.IntegerField(
        label="Number of sessions", min_value=2, max_value=MAX_SERIES_COUNT, required=False
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        class_type = self.fields["class_type"]
        assert isinstance(class_type, forms.ModelChoiceField)
        class_type.queryset = ClassType.objects.filter(is_active=True).order_by("name", "pk")
        instructor = self.fields["instructor"]
        assert isinstance(instructor, forms.ModelChoiceField)
        instructor.queryset = _staff_choices()

    @property
    def weekly(self) -> bool:
        return self.cleaned_data.get("repeat") == "weekly"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        class_type: ClassType | None = data.get("class_type")
        if (
            class_type is not None
            and data.get("instructor") is None
            and class_type.default_instructor_id is None
        ):
            self.add_error("instructor", "This class has no usual instructor: choose one.")
        if data.get("repeat") != "weekly":
            return data
        if data.get("ends") == "until":
            until: datetime.date | None = data.get("repeat_until")
            if until is None and "repeat_until" not in self.errors:
                self.add_error("repeat_until", "Choose the date of the last session.")
            elif until is not None and data.get("date") is not None and until <= data["date"]:
                self.add_error("repeat_until", "The last date must be after the first session.")
        elif data.get("count") is None and "count" not in self.errors:
            self.add_error("count", "Say how many sessions (2 or more).")
        return data


SCOPE_CHOICES = (
    ("this", "This session only"),
    ("following", "This and the following sessions of the series"),
)


class SessionEditForm(forms.Form):
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label="Start time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    instructor = forms.ModelChoiceField(
        label="Instructor", queryset=StaffMember.objects.none(), empty_label=None
    )
    capacity = forms.IntegerField(label="Capacity", min_value=1, max_value=500)
    notes = forms.CharField(
        label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    scope = forms.ChoiceField(
        label="Apply to", choices=SCOPE_CHOICES, initial="this", widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, in_series: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instructor = self.fields["instructor"]
        assert isinstance(instructor, forms.ModelChoiceField)
        instructor.queryset = _staff_choices()
        if not in_series:
            # A one-off session has no "following": the choice would only confuse.
            scope = self.fields["scope"]
            assert isinstance(scope, forms.ChoiceField)
            scope.choices = SCOPE_CHOICES[:1]
            scope.widget = forms.HiddenInput()


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Everyone enrolled gets it in their email.",
        error_messages={"required": "Tell your customers why the class is cancelled."},
    )


class EnrollCustomerForm(forms.Form):
    """Put a customer on the roster: an existing customer (chosen from the search) or a new
    one by name and email."""

    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    full_name = forms.CharField(label="Name", max_length=150, required=False)
    email = forms.EmailField(label="Email", max_length=254, required=False)
    spots = forms.IntegerField(label="Spots", min_value=1, max_value=20, initial=1, required=False)
    payment = forms.ChoiceField(
        label="Payment",
        choices=[
            (EnrollmentPayment.AT_STUDIO.value, EnrollmentPayment.AT_STUDIO.label),
            (EnrollmentPayment.CREDITS.value, EnrollmentPayment.CREDITS.label),
            (EnrollmentPayment.COMPLIMENTARY.value, EnrollmentPayment.COMPLIMENTARY.label),
        ],
        initial=EnrollmentPayment.AT_STUDIO.value,
    )
    join_waitlist = forms.BooleanField(
        label="Put them on the waitlist if the class is full", required=False, initial=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("spots") is None and "spots" not in self.errors:
            data["spots"] = 1
        if data.get("customer") is None:
            if not (data.get("full_name") or "").strip() and "full_name" not in self.errors:
                self.add_error("full_name", "Enter a name, or choose a customer above.")
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", "Enter an email address, or choose a customer above.")
        return data


class ClassSettingsForm(forms.Form):
    waitlist_mode = forms.ChoiceField(
        label="When a spot frees up", choices=WaitlistMode.choices, widget=forms.RadioSelect
    )
    claim_window_minutes = forms.IntegerField(
        label="Time to claim an offered spot (minutes)",
        min_value=5,
        max_value=7 * 24 * 60,
        help_text="Offer mode: then the spot goes to the next in line.",
    )
    close_window_hours = forms.IntegerField(
        label="No waitlist moves within (hours of the start)",
        min_value=0,
        max_value=7 * 24,
        help_text="Too close to the start, a freed spot stays free for walk-ins.",
    )
    late_cancel_hours = forms.IntegerField(
        label="Late cancellation within (hours of the start)", min_value=0, max_value=14 * 24
    )
    late_cancel_forfeits_credit = forms.BooleanField(
        label="A late cancellation forfeits the credit", required=False
    )


# --- filters (owner week and public schedule) ----------------------------------------------


class ScheduleFilterForm(forms.Form):
    """?week=YYYY-MM-DD&class_type=&instructor=&level=&tz= (bad values are ignored, not
    errors). `tz` is the public schedule's: the zone its times are shown in."""

    week = forms.DateField(required=False)
    class_type = forms.TypedChoiceField(label="Class", required=False, coerce=int, empty_value=None)
    instructor = forms.TypedChoiceField(
        label="Instructor", required=False, coerce=int, empty_value=None
    )
    level = forms.ChoiceField(
        label="Level", required=False, choices=[("", "All levels"), *ClassLevel.choices[1:]]
    )
    tz = forms.ChoiceField(label="Times shown in", required=False, choices=timezone_choices)

    def __init__(
        self,
        *args: Any,
        class_types: list[tuple[int, str]],
        instructors: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        type_field = self.fields["class_type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [("", "All classes"), *class_types]
        instructor_field = self.fields["instructor"]
        assert isinstance(instructor_field, forms.ChoiceField)
        instructor_field.choices = [("", "All instructors"), *instructors]

    def values(self) -> dict[str, Any]:
        """The valid filters; a field that didn't validate counts as not given."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned.get(name) if name not in self.errors else None
            for name in ("week", "class_type", "instructor", "level", "tz")
        }


# --- the public schedule's details step ----------------------------------------------------


class PublicEnrollForm(forms.Form):
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
        help_text="Only used if the studio needs to reach you about this class.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    spots = forms.IntegerField(
        label="Spots",
        min_value=1,
        max_value=10,
        initial=1,
        help_text="Bringing a friend? Book a spot for them too.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": "Book at least 1 spot.",
            "max_value": "Book at most 10 spots online; call the studio for more.",
        },
    )
    note = forms.CharField(
        label="Anything we should know?",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

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
