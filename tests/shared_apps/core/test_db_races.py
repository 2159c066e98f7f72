"""Which database errors count as a lost race for an exclusion constraint."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, OperationalError

from shared_apps.core.db_races import lost_exclusion_race


class _DriverError(Exception):
    """What psycopg raises: Django's error carries it as __cause__."""

    def __init__(self, sqlstate: str, context: str | None) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate
        self.diag = SimpleNamespace(context=context)


def _error(kind: type[Exception], sqlstate: str, context: str | None = None) -> Exception:
    error = kind("from the database")
    error.__cause__ = _DriverError(sqlstate, context)
    return error


@pytest.mark.parametrize(
    ("error", "lost"),
    [
        (_error(IntegrityError, "23P01"), True),
        (
            _error(
                OperationalError,
                "40P01",
                'while checking exclusion constraint on tuple (0,4) in relation "x"',
            ),
            True,
        ),
        # A deadlock elsewhere (two row locks taken in opposite orders) is a real failure.
        (_error(OperationalError, "40P01", 'while updating tuple (0,1) in relation "x"'), False),
        (_error(OperationalError, "40P01", None), False),
        (_error(IntegrityError, "23505"), False),  # a unique violation is not an overlap
        (IntegrityError("no cause"), False),
    ],
)
def test_lost_exclusion_race(error: Exception, lost: bool) -> None:
    assert lost_exclusion_race(error) is lost  # type: ignore[arg-type]
