"""The review form customers fill in."""

from __future__ import annotations

from django import forms

from tenant_apps.reviews.models import COMMENT_MAX_LENGTH, RATING_MAX, RATING_MIN

RATING_CHOICES = [
    (5, "5 stars: excellent"),
    (4, "4 stars: good"),
    (3, "3 stars: okay"),
    (2, "2 stars: poor"),
    (1, "1 star: bad"),
]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Your rating",
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a rating from 1 to 5 stars.",
            "invalid_choice": "Choose a rating from 1 to 5 stars.",
        },
    )
    comment = forms.CharField(
        label="Tell others about your visit",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=f"Optional, up to {COMMENT_MAX_LENGTH} characters. Shown with your first "
        "name and initial.",
    )


assert {value for value, _ in RATING_CHOICES} == set(range(RATING_MIN, RATING_MAX + 1))
