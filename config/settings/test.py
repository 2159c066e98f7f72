from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, DATABASES

DEBUG = False
DATABASES["default"]["NAME"] = "studiobook"
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Fast hashing in tests; production uses Argon2 (asserted in tests/config).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = "sbtest"
CACHES["default"]["LOCATION"] = "redis://127.0.0.1:6379/11"
CELERY_BROKER_URL = "redis://127.0.0.1:6379/12"
CELERY_RESULT_BACKEND = "redis://127.0.0.1:6379/13"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
