"""Forms of the owner app's package screens: products, a desk sale, a manual adjustment.

They parse input only; the rules (coverage ids, the balance, an inactive product) are the
services', and their problems come back beside the inputs through `errors_to_form`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from tenant_apps.catalog.forms import errors_to_form
from tenant_apps.catalog.models import Service
from tenant_apps.classes.models import ClassType
from tenant_apps.packages.models import PackageProduct, SaleMethod, ValidityStart
from tenant_apps.packages.services import DESK_SALE_METHODS, MAX_CREDITS, MAX_VALIDITY_DAYS
from tenant_apps.studio.forms import currency_choices

__all__ = ["CreditAdjustForm", "PackageProductForm", "PackageSellForm", "errors_to_form"]


def _checkboxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "check-list"})


class ProductFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All"), ("active", "On sale"), ("inactive", "Not on sale")],
    )


class PackageProductForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    credits = forms.IntegerField(
        label="Credits",
        min_value=1,
        max_value=MAX_CREDITS,
        help_text="One credit pays for one class or session (a class type may cost more).",
    )
    price = forms.DecimalField(
        label="Price", min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    currency = forms.ChoiceField(label="Currency", choices=currency_choices)
    validity_days = forms.IntegerField(
        label="Valid for (days)", min_value=1, max_value=MAX_VALIDITY_DAYS
    )
    validity_from = forms.ChoiceField(
        label="Validity starts",
        choices=ValidityStart.choices,
        widget=forms.RadioSelect,
        help_text="From first use: the days start counting at the first booking paid with it.",
    )
    services = forms.ModelMultipleChoiceField(
        label="Services it pays for",
        queryset=Service.objects.none(),
        required=False,
        widget=_checkboxes(),
    )
    class_types = forms.ModelMultipleChoiceField(
        label="Classes it pays for",
        queryset=ClassType.objects.none(),
        required=False,
        widget=_checkboxes(),
    )
    sold_online = forms.BooleanField(
        label="Offer it for online purchase",
        required=False,
        help_text="Customers can buy it online once online payments are switched on.",
    )
    is_active = forms.BooleanField(label="On sale", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Evaluated per request, in the studio's schema.
        services = self.fields["services"]
        class_types = self.fields["class_types"]
        assert isinstance(services, forms.ModelMultipleChoiceField)
        assert isinstance(class_types, forms.ModelMultipleChoiceField)
        services.queryset = Service.objects.order_by("name", "pk")
        class_types.queryset = ClassType.objects.order_by("name", "pk")

    def product_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["services"] = [service.pk for service in data["services"]]
        data["class_types"] = [class_type.pk for class_type in data["class_types"]]
        return data

    @staticmethod
    def initial_for(product: PackageProduct | None, *, currency: str) -> dict[str, Any]:
        if product is None:
            return {
                "credits": 10,
                "price": Decimal("0.00"),
                "currency": currency,
                "validity_days": 90,
                "validity_from": ValidityStart.PURCHASE,
                "is_active": True,
            }
        return {
            "name": product.name,
            "description": product.description,
            "credits": product.credits,
            "price": product.price,
            "currency": product.currency,
            "validity_days": product.validity_days,
            "validity_from": product.validity_from,
            "services": [service.pk for service in product.services.all()],
            "class_types": [class_type.pk for class_type in product.class_types.all()],
            "sold_online": product.sold_online,
            "is_active": product.is_active,
        }


DESK_METHOD_CHOICES = [
    (value, label) for value, label in SaleMethod.choices if value in DESK_SALE_METHODS
]


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.credits} credits · {obj.price} {obj.currency}"


class PackageSellForm(forms.Form):
    product = ProductChoiceField(
        label="Package", queryset=PackageProduct.objects.none(), empty_label="Choose a package"
    )
    sale_method = forms.ChoiceField(label="Paid by", choices=DESK_METHOD_CHOICES)
    price_paid = forms.DecimalField(
        label="Price paid",
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text="Leave empty for the package's price.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        product = self.fields["product"]
        assert isinstance(product, forms.ModelChoiceField)
        product.queryset = PackageProduct.objects.filter(is_active=True).order_by("name", "pk")


class CreditAdjustForm(forms.Form):
    amount = forms.IntegerField(
        label="Credits",
        min_value=-MAX_CREDITS,
        max_value=MAX_CREDITS,
        widget=forms.NumberInput(attrs={"placeholder": "2 or -1", "inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "Kept in the history"}),
    )
