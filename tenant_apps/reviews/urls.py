"""Routes of reviews (included at "" on a studio's host, so they name their full paths)."""

from django.urls import URLPattern, URLResolver, path

from tenant_apps.reviews import views

app_name = "reviews"
urlpatterns: list[URLPattern | URLResolver] = [
    # The path shape is shared with tenant_apps.reviews.links (invitations carry these links).
    path("reviews/<str:token>/", views.review_form, name="review_form"),
    path("app/reviews/", views.review_list, name="review_list"),
    path("app/reviews/<int:review_id>/hide/", views.review_hide_view, name="review_hide"),
    path("app/reviews/<int:review_id>/unhide/", views.review_unhide_view, name="review_unhide"),
]
