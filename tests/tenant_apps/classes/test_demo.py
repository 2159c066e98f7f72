"""The demo's classes: three types, four weeks of weekly series, full classes with waitlists,
reformer classes holding their room and reformers; a second run adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from tenant_apps.classes.demo import classes_demo_seed
from tenant_apps.classes.models import ClassSeries, ClassSession, ClassType, Enrollment
from tenant_apps.notifications.outbox import notifications_muted
from tenant_apps.resources.models import Reservation, Resource, ResourceKind
from tenants.models import Tenant
from tests.factories.catalog import CustomerFactory, StaffMemberFactory

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_demo_schedules_classes_with_waitlists_once(in_alpha: Tenant) -> None:
    for name in ("Maya Lindqvist", "Theo Marsh", "Priya Shah"):
        StaffMemberFactory(display_name=name)
    Resource.objects.create(name="Reformer studio", kind=ResourceKind.ROOM, quantity=1)
    Resource.objects.create(name="Reformer", kind=ResourceKind.EQUIPMENT, quantity=12)
    for _ in range(26):
        CustomerFactory()

    with notifications_muted():
        added = classes_demo_seed(now=NOW, studio=in_alpha)
        assert classes_demo_seed(now=NOW, studio=in_alpha) == 0

    assert sorted(ClassType.objects.values_list("name", flat=True)) == [
        "Mat Pilates",
        "Reformer Flow",
        "Vinyasa Yoga",
    ]
    assert ClassSeries.objects.count() == 7
    assert ClassSession.objects.count() == 28
    assert Counter(ClassSession.objects.values_list("class_type__name", flat=True)) == {
        "Reformer Flow": 12,
        "Mat Pilates": 8,
        "Vinyasa Yoga": 8,
    }
    assert all(s.start > NOW for s in ClassSession.objects.all())
    assert added == Enrollment.objects.count()
    full = [s for s in ClassSession.objects.all() if s.taken == s.capacity]
    assert len(full) == 10  # every third class, in start order
    for session in full:
        assert session.enrollments.filter(status="waitlisted").count() == 3
    reformer = ClassSession.objects.filter(class_type__name="Reformer Flow").first()
    assert reformer is not None
    assert Reservation.objects.filter(class_session=reformer, is_active=True).count() == 13
