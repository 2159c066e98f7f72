"""Settings of the server started by test_booking_api.py: the test settings as production would
run them (connections kept between requests, no static-file finder lookups)."""

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 60
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
# As in production: tasks (the booking's emails) go to the broker; no worker runs in the
# benchmark, so what is measured is the request, as pgbench replays the request's statements.
CELERY_TASK_ALWAYS_EAGER = False
