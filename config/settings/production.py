"""Production: DEBUG off, HTTPS everywhere, secrets and hosts from the environment (config.env).

Required: DJANGO_SECRET_KEY (50+ random characters), PLATFORM_DOMAIN; usually also
DJANGO_ALLOWED_HOSTS (defaults to the platform domain and its subdomains), POSTGRES_*, REDIS_URL,
CACHE_URL, CELERY_BROKER_URL, CELERY_RESULT_BACKEND, CHANNELS_REDIS_URL, EMAIL_*.
See deploy/README.md.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, DEFAULT_FROM_EMAIL, PLATFORM_DOMAIN

DEBUG = False

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-insecure-", "django-insecure-")):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to 50 or more random characters")
if PLATFORM_DOMAIN == "localhost":
    raise ImproperlyConfigured("PLATFORM_DOMAIN must be set (for example studiobook.example)")

# Links between hosts (sign-up hand-off, studio switcher) use https and no port.
PLATFORM_SCHEME = "https"
PLATFORM_PORT = env_str("PLATFORM_PORT", "")

# TLS ends at the proxy / ingress, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz and /readyz answer before SecurityMiddleware, so plain-HTTP probes are not redirected.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Sessions stay per host (studio hosts never share a cookie); hand-offs cross hosts.
CSRF_TRUSTED_ORIGINS = env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", [f"https://{PLATFORM_DOMAIN}", f"https://*.{PLATFORM_DOMAIN}"]
)

# PostgreSQL over TLS when the server offers it; set POSTGRES_SSLMODE=require (or verify-full)
# for a managed database. Behind PgBouncer, session pooling only (deploy/README.md).
DATABASES["default"]["OPTIONS"] = {"sslmode": env_str("POSTGRES_SSLMODE", "prefer")}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Static files are collected at image build time (deploy/Dockerfile) and served by WhiteNoise
# with hashed names; finders are never consulted per request.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

CELERY_TASK_ALWAYS_EAGER = False

LOG_JSON = True
from shared_apps.core.logging_config import build_logging  # noqa: E402

LOGGING = build_logging(json_output=True, level=env_str("LOG_LEVEL", "INFO"))
