"""The catalog's services called directly (as the owner app's pages will): the same rules as
through the API, including the models' own validators."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared_apps.core.errors import ValidationFailedError
from tenant_apps.catalog.models import BookingPage, Service, StaffMember
from tenant_apps.catalog.services import (
    StaffUserTakenError,
    booking_page_create,
    service_create,
    service_update,
    staff_member_create,
    staff_member_update,
)
from tenant_apps.customers.models import Customer
from tenant_apps.customers.services import CustomerEmailTakenError, customer_create
from tests.factories.catalog import CustomerFactory, ServiceFactory, StaffMemberFactory
from tests.tenant_apps.catalog.api_support import member


def test_model_validators_apply_without_a_serializer(in_alpha):
    with pytest.raises(ValidationFailedError) as caught:
        service_create(
            tenant=in_alpha,
            data={"name": "Yoga", "duration_minutes": 3, "color": "blue", "price": "abc"},
        )

    assert set(caught.value.errors) == {"duration_minutes", "color", "price"}
    assert not Service.objects.exists()


def test_a_service_takes_the_studios_currency_by_default(in_alpha):
    service = service_create(tenant=in_alpha, data={"name": "Yoga", "duration_minutes": 60})

    assert service.currency == "GBP"


def test_switching_to_a_percentage_deposit_checks_the_percentage(in_alpha):
    service = ServiceFactory(
        price=Decimal("500"), deposit_type="amount", deposit_value=Decimal("150")
    )

    with pytest.raises(ValidationFailedError) as caught:
        service_update(service=service, data={"deposit_type": "percent"})

    assert caught.value.errors == {
        "deposit_value": ["A percentage deposit is more than 0 and at most 100."]
    }
    service.refresh_from_db()
    assert service.deposit_type == "amount"


def test_linking_the_same_user_twice_is_a_conflict(in_alpha):
    user = member(in_alpha, "staff")
    first = staff_member_create(tenant=in_alpha, data={"display_name": "A", "user": user.pk})
    second = StaffMemberFactory()

    with pytest.raises(StaffUserTakenError):
        staff_member_update(tenant=in_alpha, staff=second, data={"user_email": user.email})

    assert StaffMember.objects.get(pk=first.pk).user_id == user.pk
    assert StaffMember.objects.get(pk=second.pk).user_id is None


def test_questions_are_stored_normalised(in_alpha):
    page = booking_page_create(
        data={
            "slug": "intro",
            "title": "Intro",
            "questions": [
                {"id": "level", "label": " Level ", "type": "choice", "choices": [" A "]}
            ],
        }
    )

    assert BookingPage.objects.get(pk=page.pk).questions == [
        {"id": "level", "label": "Level", "type": "choice", "required": False, "choices": ["A"]}
    ]


def test_customer_emails_are_unique_whatever_their_case(in_alpha):
    CustomerFactory(email="jane@example.test")

    with pytest.raises(CustomerEmailTakenError) as caught:
        customer_create(data={"full_name": "Jane", "email": " JANE@example.test "})

    assert caught.value.errors == {"email": ["Another customer already has this email address."]}
    assert Customer.objects.count() == 1
