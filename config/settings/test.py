import os

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, DATABASES

DEBUG = False
# Parallel runs (several checkouts on one machine) can pick their own database and Redis indexes.
DATABASES["default"]["NAME"] = os.environ.get("POSTGRES_DB", "studiobook")
DATABASES["default"]["CONN_MAX_AGE"] = 0
_redis_db = int(os.environ.get("TEST_REDIS_DB", "11"))
_redis = f"redis://127.0.0.1:{os.environ.get('TEST_REDIS_PORT', '6379')}"
# Fast hashing in tests; production uses Argon2 (asserted in tests/config).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The browser tests' server process writes mail to files the test reads (tests/e2e/conftest.py).
EMAIL_BACKEND = os.environ.get(
    "TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("TEST_EMAIL_FILE_PATH", "")
CACHES["default"]["KEY_PREFIX"] = "sbtest"
CACHES["default"]["LOCATION"] = f"{_redis}/{_redis_db}"
REDIS_URL = f"{_redis}/{_redis_db}"
CELERY_BROKER_URL = f"{_redis}/{_redis_db + 1}"
CELERY_RESULT_BACKEND = f"{_redis}/{_redis_db + 2}"
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [f"{_redis}/{_redis_db + 3}"]},
    }
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
