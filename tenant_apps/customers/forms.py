"""Forms of the owner app's customer screens. They parse input; services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from tenant_apps.customers.csv_io import IMPORT_MAX_BYTES
from tenant_apps.customers.models import Customer
from tenant_apps.customers.services import MAX_TAGS, ExistingPolicy, ImportMode


class TagsField(forms.CharField):
    """Tags typed as one line, separated by commas."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [t.strip() for t in text.split(",") if t.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label="Search customers",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Name, email, phone or tag",
                "autocomplete": "off",
            }
        ),
    )
    tag = forms.CharField(label="Tag", required=False, max_length=40)


class CustomerForm(forms.Form):
    full_name = forms.CharField(
        label="Name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email"}),
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "placeholder": "+44 20 7946 0321"}),
    )
    tags = TagsField(
        label="Tags",
        required=False,
        max_length=1000,
        help_text=f"Separate tags with commas, e.g. VIP, prenatal. At most {MAX_TAGS}.",
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the studio's team sees these.",
    )
    marketing_consent = forms.BooleanField(
        label="Agreed to receive marketing emails", required=False
    )

    @classmethod
    def initial_for(cls, customer: Customer) -> dict[str, Any]:
        return {
            "full_name": customer.full_name,
            "email": customer.email,
            "phone": customer.phone,
            "tags": customer.tags,
            "notes": customer.notes,
            "marketing_consent": customer.marketing_consent,
        }


class CustomerNotesForm(forms.Form):
    """The profile's quick edit: notes and tags only."""

    tags = CustomerForm.base_fields["tags"]
    notes = CustomerForm.base_fields["notes"]


class CustomerMergeForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.ChoiceField(
        label="Which record do you keep?",
        choices=[("this", "This customer"), ("other", "The other customer")],
        widget=forms.RadioSelect,
    )


class CustomerImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "Columns: name, email, phone, tags, notes, marketing_consent (name and email are "
            f"required). Up to {IMPORT_MAX_BYTES // 1024 // 1024} MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    mode = forms.ChoiceField(
        label="If some rows have errors",
        choices=[
            (ImportMode.ALL_OR_NOTHING.value, "Import nothing, so I can fix the file first"),
            (ImportMode.VALID_ROWS.value, "Import the valid rows and list the others"),
        ],
        initial=ImportMode.ALL_OR_NOTHING.value,
        widget=forms.RadioSelect,
    )
    existing = forms.ChoiceField(
        label="If a customer with the same email exists",
        choices=[
            (ExistingPolicy.UPDATE.value, "Update them with the file's values"),
            (ExistingPolicy.SKIP.value, "Leave them as they are"),
        ],
        initial=ExistingPolicy.UPDATE.value,
        widget=forms.RadioSelect,
    )
