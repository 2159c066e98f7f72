from django.db import connection
from django_tenants.utils import schema_context

from shared_apps.accounts.models import User
from tenant_apps.catalog.models import StaffMember
from tenants.models import Membership, Role


def test_deleting_a_platform_user_unlinks_their_staff_profiles(alpha, beta):
    user = User.objects.create_user("leaving@x.test", "pw-12345678", full_name="Leaving")
    Membership.objects.create(user=user, tenant=alpha, role=Role.STAFF)
    Membership.objects.create(user=user, tenant=beta, role=Role.STAFF)
    with schema_context("alpha"):
        alpha_profile = StaffMember.objects.create(display_name="Leaving", user=user)
    with schema_context("beta"):
        beta_profile = StaffMember.objects.create(display_name="Leaving", user=user)

    user.delete()  # on the public schema, as the Django admin does

    assert connection.schema_name == "public"
    assert not User.objects.filter(email="leaving@x.test").exists()
    with schema_context("alpha"):
        assert StaffMember.objects.get(pk=alpha_profile.pk).user_id is None
    with schema_context("beta"):
        assert StaffMember.objects.get(pk=beta_profile.pk).user_id is None
