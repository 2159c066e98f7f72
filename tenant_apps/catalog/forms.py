"""Forms of the owner app's catalog screens: services, staff (profile, hours, overrides, time
off) and booking pages.

Forms parse what the browser sends into the values the services take. The services hold the
rules (deposit against price, overlapping hours, question ids) and are the authority: a form
only checks what it must to build those values, and `errors_to_form` puts a service's field
problems beside the matching inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.text import slugify

from shared_apps.core.errors import DomainError
from tenant_apps.catalog.availability_forms import position_parse
from tenant_apps.catalog.models import DepositType, Service, StaffMember
from tenant_apps.catalog.questions import (
    CHECKBOX,
    CHOICE,
    MAX_CHOICES,
    MAX_ID_LENGTH,
    MAX_LABEL_LENGTH,
    MAX_QUESTIONS,
    TEXT,
)
from tenant_apps.catalog.services import staff_photo_problems
from tenant_apps.resources.models import Resource, ServiceResourceNeed
from tenant_apps.studio.forms import currency_choices, timezone_choices
from tenants.models import Membership, Tenant

# --- shared pieces -------------------------------------------------------------------------


def errors_to_form(form: forms.Form, errors: Mapping[str, Sequence[str]]) -> None:
    """A service's field problems beside the form's inputs (unknown keys at the top)."""
    for name, messages in errors.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)


def problem_to_form(form: forms.Form, exc: DomainError) -> None:
    """A refused write on the form: field problems beside their inputs, else at the top."""
    if exc.errors:
        errors_to_form(form, exc.errors)
    else:
        form.add_error(None, exc.detail)


UNITS = (("minutes", "minutes"), ("hours", "hours"), ("days", "days"))
UNIT_MINUTES = {"minutes": 1, "hours": 60, "days": 24 * 60}


class DurationWidget(forms.MultiWidget):
    """An amount and a unit: "24 hours" reads better than "1440 minutes"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = (
            forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
            forms.Select(choices=UNITS, attrs={"aria-label": "Unit"}),
        )
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if value in (None, ""):
            return [None, "minutes"]
        minutes = int(value)
        for unit in ("days", "hours"):
            if minutes and minutes % UNIT_MINUTES[unit] == 0:
                return [minutes // UNIT_MINUTES[unit], unit]
        return [minutes, "minutes"]


class DurationField(forms.MultiValueField):
    """Minutes, entered as an amount of minutes, hours or days."""

    widget = DurationWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.IntegerField(min_value=0, max_value=10_000_000),
            forms.ChoiceField(choices=UNITS),
        )
        super().__init__(fields, require_all_fields=True, **kwargs)

    def compress(self, data_list: list[Any]) -> int | None:
        if not data_list:
            return None
        amount, unit = data_list
        return int(amount) * UNIT_MINUTES[unit]


class ColorInput(forms.TextInput):
    input_type = "color"


def _checkboxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "check-list"})


# --- services ------------------------------------------------------------------------------


class ServiceForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    category = forms.CharField(
        label="Category",
        max_length=80,
        required=False,
        help_text="Groups services on your booking pages, e.g. Pilates or Massage.",
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=5,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
    )
    price = forms.DecimalField(
        label="Price", min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    currency = forms.ChoiceField(label="Currency", choices=currency_choices)
    deposit_type = forms.ChoiceField(label="Deposit", choices=DepositType.choices)
    deposit_value = forms.DecimalField(
        label="Deposit amount or percent",
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text="An amount in the service's currency, or a percent of the price.",
    )
    buffer_before_minutes = forms.IntegerField(
        label="Buffer before (minutes)",
        min_value=0,
        max_value=240,
        help_text="Time kept free before each booking, e.g. to set up.",
    )
    buffer_after_minutes = forms.IntegerField(
        label="Buffer after (minutes)",
        min_value=0,
        max_value=240,
        help_text="Time kept free after each booking, e.g. to clean up.",
    )
    slot_step_minutes = forms.IntegerField(
        label="Start times every (minutes)",
        min_value=5,
        max_value=240,
        help_text="15 offers 9:00, 9:15, 9:30 …",
    )
    min_notice_minutes = DurationField(
        label="Minimum notice", help_text="How long before the start customers can still book."
    )
    max_advance_days = forms.IntegerField(
        label="Book up to (days ahead)", min_value=1, max_value=730
    )
    cancel_notice_minutes = DurationField(
        label="Customers may cancel up to",
        help_text="Before the start, in the customer portal. Later, they have to call you.",
    )
    reschedule_notice_minutes = DurationField(
        label="Customers may reschedule up to", help_text="Before the start, in the portal."
    )
    requires_approval = forms.BooleanField(
        label="Bookings need my approval",
        required=False,
        help_text="New bookings wait in the approval queue until you confirm them.",
    )
    is_active = forms.BooleanField(
        label="Active: customers can book it", required=False, initial=True
    )
    color = forms.CharField(label="Colour in the calendar", widget=ColorInput, initial="#4f6ef7")
    staff = forms.ModelMultipleChoiceField(
        label="Who performs it",
        queryset=StaffMember.objects.none(),
        required=False,
        widget=_checkboxes(),
    )

    def __init__(self, *args: Any, needed: Mapping[int, int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Evaluated per request, in the studio's schema.
        staff_field = self.fields["staff"]
        assert isinstance(staff_field, forms.ModelMultipleChoiceField)
        staff_field.queryset = StaffMember.objects.order_by("display_name", "pk")
        # "Resources needed": one number per resource (0: not needed), the active ones and any
        # deactivated one the service still needs (so it can be taken off).
        needed = needed or {}
        self.need_fields: list[str] = []
        for resource in Resource.objects.filter(
            Q(is_active=True) | Q(pk__in=list(needed))
        ).order_by("kind", "name", "pk"):
            name = f"need_{resource.pk}"
            self.fields[name] = forms.IntegerField(
                label=resource.name if resource.is_active else f"{resource.name} (deactivated)",
                min_value=0,
                max_value=resource.quantity,
                required=False,
                initial=needed.get(resource.pk, 0),
                help_text=f"Of {resource.quantity}" if resource.quantity > 1 else "Room",
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-narrow"}),
            )
            self.need_fields.append(name)

    @property
    def need_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.need_fields]

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.need_fields}
        data["deposit_value"] = data.get("deposit_value") or Decimal("0")
        data["staff"] = [member.pk for member in data["staff"]]
        data["resource_needs"] = [
            {"resource": int(name.removeprefix("need_")), "quantity": self.cleaned_data[name]}
            for name in self.need_fields
            if self.cleaned_data.get(name)
        ]
        return data

    @staticmethod
    def needed_of(service: Service | None) -> dict[int, int]:
        """{resource id: units per booking} the service needs now."""
        if service is None:
            return {}
        return dict(
            ServiceResourceNeed.objects.filter(service=service).values_list(
                "resource_id", "quantity"
            )
        )

    @classmethod
    def initial_for(cls, service: Service | None, tenant: Tenant) -> dict[str, Any]:
        if service is None:
            defaults = Service(currency=tenant.currency)
            return {
                "currency": tenant.currency,
                "duration_minutes": 60,
                "price": Decimal("0.00"),
                "deposit_type": DepositType.NONE,
                "buffer_before_minutes": defaults.buffer_before_minutes,
                "buffer_after_minutes": defaults.buffer_after_minutes,
                "slot_step_minutes": defaults.slot_step_minutes,
                "min_notice_minutes": defaults.min_notice_minutes,
                "max_advance_days": defaults.max_advance_days,
                "cancel_notice_minutes": defaults.cancel_notice_minutes,
                "reschedule_notice_minutes": defaults.reschedule_notice_minutes,
                "is_active": True,
                "color": defaults.color,
            }
        initial = {name: getattr(service, name) for name in cls.base_fields if name != "staff"}
        initial["staff"] = [member.pk for member in service.staff.all()]
        if service.deposit_type == DepositType.NONE:
            initial["deposit_value"] = None
        return initial


class ServiceFilterForm(forms.Form):
    STATUS_CHOICES = (("", "Active and archived"), ("active", "Active"), ("archived", "Archived"))

    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)


# --- staff members -------------------------------------------------------------------------


class StaffMemberForm(forms.Form):
    display_name = forms.CharField(label="Name", max_length=120)
    email = forms.EmailField(
        label="Email",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="Where this person gets their booking notifications.",
    )
    bio = forms.CharField(
        label="About",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to customers on your booking pages.",
    )
    photo = forms.FileField(
        label="Photo",
        required=False,
        help_text="PNG, JPEG or WebP, up to 2 MB. A square picture looks best.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_photo = forms.BooleanField(label="Remove the current photo", required=False)
    color = forms.CharField(label="Colour in the calendar", widget=ColorInput, initial="#4f6ef7")
    is_bookable = forms.BooleanField(
        label="Bookable: customers can book this person online", required=False, initial=True
    )
    timezone = forms.ChoiceField(label="Time zone", required=False)
    user = forms.TypedChoiceField(
        label="Signs in as",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Link the team member's account: they then see their own schedule.",
    )
    services = forms.ModelMultipleChoiceField(
        label="Services they perform",
        queryset=Service.objects.none(),
        required=False,
        widget=_checkboxes(),
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone_field = self.fields["timezone"]
        assert isinstance(zone_field, forms.ChoiceField)
        zone_field.choices = [("", f"The studio's ({tenant.timezone})"), *timezone_choices()]
        members = (
            Membership.objects.filter(tenant_id=tenant.pk)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.TypedChoiceField)
        user_field.choices = [
            ("", "Nobody (no sign-in)"),
            *(
                (m.user_id, f"{m.user.get_full_name()} · {m.user.email} ({m.get_role_display()})")
                for m in members
            ),
        ]
        services_field = self.fields["services"]
        assert isinstance(services_field, forms.ModelMultipleChoiceField)
        services_field.queryset = Service.objects.order_by("-is_active", "name", "pk")

    def clean_photo(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("photo")
        if upload is not None:
            problems, _ = staff_photo_problems(upload)
            if problems:
                raise forms.ValidationError(problems)
        return upload

    def staff_data(self) -> dict[str, Any]:
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("photo", "remove_photo")
        }
        data["services"] = [service.pk for service in data["services"]]
        return data

    @classmethod
    def initial_for(cls, staff: StaffMember | None) -> dict[str, Any]:
        if staff is None:
            return {"is_bookable": True, "color": "#4f6ef7"}
        return {
            "display_name": staff.display_name,
            "email": staff.email,
            "bio": staff.bio,
            "color": staff.color,
            "is_bookable": staff.is_bookable,
            "timezone": staff.timezone,
            "user": staff.user_id,
            "services": [service.pk for service in staff.services.all()],
        }


class StaffFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)


# --- booking pages -------------------------------------------------------------------------

QUESTION_TYPE_CHOICES = (
    (TEXT, "Text answer"),
    (CHOICE, "Choice from a list"),
    (CHECKBOX, "Tick box"),
)


class BookingPageForm(forms.Form):
    title = forms.CharField(label="Title", max_length=120)
    slug = forms.SlugField(
        label="Address",
        max_length=60,
        help_text="Lower-case letters, digits and hyphens: /book/<address>/.",
    )
    intro = forms.CharField(
        label="Introduction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A few words at the top of the page.",
    )
    services = forms.ModelMultipleChoiceField(
        label="Services offered",
        queryset=Service.objects.none(),
        required=False,
        widget=_checkboxes(),
        help_text="None ticked: every active service.",
    )
    staff = forms.ModelMultipleChoiceField(
        label="Staff offered",
        queryset=StaffMember.objects.none(),
        required=False,
        widget=_checkboxes(),
        help_text="None ticked: everyone bookable.",
    )
    policy_text = forms.CharField(
        label="Booking policy",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Cancellation terms and the like, shown before customers book.",
    )
    is_active = forms.BooleanField(
        label="Published: customers can open this page", required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services_field = self.fields["services"]
        staff_field = self.fields["staff"]
        assert isinstance(services_field, forms.ModelMultipleChoiceField)
        assert isinstance(staff_field, forms.ModelMultipleChoiceField)
        services_field.queryset = Service.objects.order_by("-is_active", "name", "pk")
        staff_field.queryset = StaffMember.objects.order_by("display_name", "pk")

    def page_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["services"] = [s.pk for s in data["services"]]
        data["staff"] = [s.pk for s in data["staff"]]
        return data

    @classmethod
    def initial_from(cls, data: QueryDict) -> dict[str, Any]:
        """What was typed, as initial values: shown again unchecked after a row edit."""
        initial: dict[str, Any] = {
            name: data.get(name, "") for name in ("title", "slug", "intro", "policy_text")
        }
        initial["services"] = data.getlist("services")
        initial["staff"] = data.getlist("staff")
        initial["is_active"] = "is_active" in data
        return initial

    @classmethod
    def initial_for(cls, page: Any) -> dict[str, Any]:
        if page is None:
            return {"is_active": True}
        return {
            "title": page.title,
            "slug": page.slug,
            "intro": page.intro,
            "services": [s.pk for s in page.services.all()],
            "staff": [s.pk for s in page.staff.all()],
            "policy_text": page.policy_text,
            "is_active": page.is_active,
        }


@dataclass
class QuestionRow:
    """One question as typed: choices are one per line."""

    key: str
    label: str
    type: str
    required: bool
    choices: str
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def all_errors(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]


class QuestionsEditor:
    """The custom-questions editor: repeated `q_key`, `q_label`, `q_type`, `q_choices` inputs
    and a `q_required` checkbox valued by row position (`q_row` numbers the rows, so a missing
    tick is still tied to its row). The question ids ("keys") of existing questions are kept,
    so answers already stored stay tied to their question; new ones get a key from the label.
    catalog.questions validates the result (through the booking page services)."""

    def __init__(self, data: QueryDict | None = None, *, questions: Sequence[Any] = ()) -> None:
        self.non_field_errors: list[str] = []
        self._positions: list[int] = []
        if data is None:
            self.rows = [
                QuestionRow(
                    key=q["id"],
                    label=q["label"],
                    type=q["type"],
                    required=bool(q.get("required")),
                    choices="\n".join(q.get("choices") or []),
                )
                for q in questions
                if isinstance(q, dict)
            ]
            return
        row_ids = data.getlist("q_row")
        keys, labels = data.getlist("q_key"), data.getlist("q_label")
        types, choices = data.getlist("q_type"), data.getlist("q_choices")
        ticked = set(data.getlist("q_required"))
        if not len(row_ids) == len(keys) == len(labels) == len(types) == len(choices):
            self.non_field_errors.append("The questions were incomplete. Please try again.")
            self.rows = []
            return
        self.rows = [
            QuestionRow(key=k, label=lbl, type=t, required=r in ticked, choices=c)
            for r, k, lbl, t, c in zip(row_ids, keys, labels, types, choices, strict=True)
        ]

    def row_action(self, data: QueryDict) -> bool:
        """ "Add a question" / "Remove" without JavaScript: change the rows, save nothing."""
        if "add_question" in data:
            self.rows.append(QuestionRow(key="", label="", type=TEXT, required=False, choices=""))
            return True
        if "remove_question" in data:
            position = position_parse(str(data.get("remove_question", "")))
            if 0 <= position < len(self.rows):
                del self.rows[position]
            return True
        return False

    def questions(self) -> list[dict[str, Any]]:
        """The questions as catalog.questions expects them (blank rows left out)."""
        taken = {row.key for row in self.rows if row.key}
        result: list[dict[str, Any]] = []
        self._positions = []
        for index, row in enumerate(self.rows):
            if not row.label.strip() and not row.choices.strip() and not row.key:
                continue
            key = row.key or _question_key(row.label, taken, index)
            taken.add(key)
            row.key = key
            question: dict[str, Any] = {
                "id": key,
                "label": row.label.strip(),
                "type": row.type,
                "required": row.required,
            }
            if row.type == CHOICE:
                question["choices"] = [
                    line.strip() for line in row.choices.splitlines() if line.strip()
                ]
            result.append(question)
            self._positions.append(index)
        return result

    def add_service_errors(self, errors: Mapping[str, Sequence[str]]) -> bool:
        """Put "questions.<i>.<field>" problems on their rows; True if any were questions'."""
        found = False
        for key, messages in errors.items():
            parts = key.split(".")
            if parts[0] != "questions":
                continue
            found = True
            if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(self._positions):
                row = self.rows[self._positions[int(parts[1])]]
                name = parts[2] if len(parts) > 2 else "label"
                # The key is derived from the wording, so its problems belong to the label.
                name = "label" if name == "id" else name
                name = "choices" if name.startswith("choices") else name
                row.errors.setdefault(name, []).extend(messages)
            else:
                self.non_field_errors.extend(messages)
        return found

    @property
    def has_errors(self) -> bool:
        return bool(self.non_field_errors) or any(row.errors for row in self.rows)

    type_choices = QUESTION_TYPE_CHOICES
    max_questions = MAX_QUESTIONS
    max_label_length = MAX_LABEL_LENGTH
    max_choices = MAX_CHOICES


def _question_key(label: str, taken: set[str], index: int) -> str:
    """A stable answer key from the question's wording ("Any injuries?" -> "any-injuries")."""
    base = slugify(label)[: MAX_ID_LENGTH - 4].strip("-") or f"question-{index + 1}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


class BookingPageFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)


def staff_choices() -> QuerySet[StaffMember]:
    return StaffMember.objects.order_by("display_name", "pk")
