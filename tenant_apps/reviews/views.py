"""Review pages: the customer's form behind a signed link, and the studio's list with hide and
unhide for owners and managers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shared_apps.accounts.models import User
from shared_apps.core.errors import NotFoundError, ValidationFailedError
from tenant_apps.reviews import selectors
from tenant_apps.reviews.errors import AlreadyReviewedError, NotReviewableError
from tenant_apps.reviews.forms import ReviewForm
from tenant_apps.reviews.links import review_link_reference
from tenant_apps.reviews.services import review_create, review_hide, review_unhide
from tenant_apps.scheduling.models import Appointment
from tenants.access import MANAGING_ROLES, studio_member_required

PAGE_SIZE = 25


@never_cache
@require_http_methods(["GET", "POST"])
def review_form(request: HttpRequest, token: str) -> HttpResponse:
    try:
        reference = review_link_reference(token)
    except signing.BadSignature:
        return render(request, "reviews/link_invalid.html", status=400)
    appointment = (
        Appointment.objects.select_related("service", "staff", "customer")
        .filter(reference=reference)
        .first()
    )
    if appointment is None:
        return render(request, "reviews/link_invalid.html", status=400)
    existing = selectors.review_get_for_appointment(appointment=appointment)
    context: dict[str, Any] = {"appointment": appointment}
    if existing is not None:
        status = 409 if request.method == "POST" else 200
        return render(
            request, "reviews/already.html", {**context, "review": existing}, status=status
        )
    form = ReviewForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    if form.is_valid():
        try:
            review = review_create(
                appointment=appointment,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except AlreadyReviewedError:
            winner = selectors.review_get_for_appointment(appointment=appointment)
            return render(
                request, "reviews/already.html", {**context, "review": winner}, status=409
            )
        except NotReviewableError as exc:
            context["refusal"] = exc.detail
            return render(request, "reviews/form.html", context, status=409)
        except ValidationFailedError as exc:
            for field, errors in exc.errors.items():
                for text in errors:
                    form.add_error(field if field in form.fields else None, text)
        else:
            return render(request, "reviews/thanks.html", {**context, "review": review})
    elif request.method == "GET" and appointment.status != "completed":
        context["refusal"] = "You can review this appointment once it has taken place."
        return render(request, "reviews/form.html", context, status=409)
    status = 422 if request.method == "POST" else 200
    return render(request, "reviews/form.html", context, status=status)


def _int_or_none(value: str | None, *, allowed: range | None = None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    number = int(value)
    if allowed is not None and number not in allowed:
        return None
    return number


@studio_member_required(roles=MANAGING_ROLES)
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """Every review, newest first, filterable by staff member, rating and visibility."""
    staff_id = _int_or_none(request.GET.get("staff"))
    rating = _int_or_none(request.GET.get("rating"), allowed=range(1, 6))
    visibility = request.GET.get("visibility", "")
    is_hidden = {"hidden": True, "published": False}.get(visibility)
    reviews = selectors.review_list(staff_id=staff_id, rating=rating, is_hidden=is_hidden)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/review_list.html",
        {
            "page": page,
            "summary": selectors.review_summary_get(),
            "staff_options": selectors.review_staff_options(),
            "filters": {"staff": staff_id, "rating": rating, "visibility": visibility},
            "query": _query_without_page(request),
        },
    )


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # studio_member_required ran first
    return user


def _visibility_change(request: HttpRequest, review_id: int, *, hide: bool) -> HttpResponse:
    try:
        review = selectors.review_get(review_id=review_id)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc
    if hide:
        review_hide(review=review, acting_user=_user(request), now=timezone.now())
        messages.success(request, f"{review.customer_display_name}'s review is hidden.")
    else:
        review_unhide(review=review, acting_user=_user(request), now=timezone.now())
        messages.success(request, f"{review.customer_display_name}'s review is shown again.")
    back = request.POST.get("next", "")
    if back.startswith("/app/reviews/") and "//" not in back:
        return redirect(back)
    return redirect("reviews:review_list")


@studio_member_required(roles=MANAGING_ROLES)
@require_POST
def review_hide_view(request: HttpRequest, review_id: int) -> HttpResponse:
    return _visibility_change(request, review_id, hide=True)


@studio_member_required(roles=MANAGING_ROLES)
@require_POST
def review_unhide_view(request: HttpRequest, review_id: int) -> HttpResponse:
    return _visibility_change(request, review_id, hide=False)
