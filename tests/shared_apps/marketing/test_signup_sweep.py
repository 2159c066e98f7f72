"""Sign-ups whose worker died, or whose task never arrived, do not wait forever."""

from datetime import timedelta

from django.utils import timezone

from shared_apps.marketing.models import SignupStatus, StudioSignup
from shared_apps.marketing.services import STALE_AFTER, signup_sweep
from tenants.models import Tenant


def _signup(slug: str, status: str, age: timedelta) -> StudioSignup:
    signup = StudioSignup.objects.create(
        studio_name=f"Studio {slug}",
        slug=slug,
        timezone="UTC",
        currency="USD",
        owner_email=f"{slug}@example.test",
        owner_full_name="Owner",
        owner_password_hash="md5$x$y",
        status=status,
    )
    StudioSignup.objects.filter(pk=signup.pk).update(updated_at=timezone.now() - age)
    return signup


def test_stale_running_signup_is_failed_with_a_message(db):
    stale = _signup("stale-run", SignupStatus.RUNNING, STALE_AFTER + timedelta(minutes=1))
    fresh = _signup("fresh-run", SignupStatus.RUNNING, timedelta(seconds=30))

    failed, resent = signup_sweep(now=timezone.now())

    assert (failed, resent) == (1, 0)
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == SignupStatus.FAILED
    assert stale.error_message == (
        "We could not create your studio: setting up took too long and was stopped. "
        "Nothing was saved; please try again."
    )
    assert stale.owner_password_hash == ""
    assert fresh.status == SignupStatus.RUNNING


def test_stale_pending_signup_is_sent_again_and_processed(db):
    # "alpha" is taken: the resent provisioning runs (eagerly here) and records why it failed.
    lost = _signup("alpha", SignupStatus.PENDING, STALE_AFTER + timedelta(minutes=1))
    waiting = _signup("just-sent", SignupStatus.PENDING, timedelta(seconds=5))

    failed, resent = signup_sweep(now=timezone.now())

    assert (failed, resent) == (0, 1)
    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.status == SignupStatus.FAILED
    assert "alpha.localhost was just taken" in lost.error_message
    assert waiting.status == SignupStatus.PENDING
    assert Tenant.objects.filter(slug="alpha").count() == 1


def test_beat_runs_the_sweep():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["signup-sweep"]["task"] == "marketing.signup_sweep"
