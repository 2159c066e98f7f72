"""Settings shared by every environment. Values come from the environment (config.env)."""

from __future__ import annotations

from pathlib import Path

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY", "dev-insecure-secret-key-change-me-in-production-0123456789"
)
DEBUG = env_bool("DJANGO_DEBUG", False)

# The platform's own domain: the marketing site and console live on it, studios on <slug>.<domain>.
PLATFORM_DOMAIN = env_str("PLATFORM_DOMAIN", "localhost")
# Port shown in links that cross hosts (sign-up hand-off, studio switcher); empty in production.
PLATFORM_PORT = env_str("PLATFORM_PORT", "8000")
PLATFORM_SCHEME = env_str("PLATFORM_SCHEME", "http")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}"])

# --- Applications -----------------------------------------------------------------------------
# Public-schema apps. contenttypes and auth live here only: users are global, and permissions for
# tenant models are created here too (create_contenttypes runs for every app on the public migrate).
SHARED_APPS = [
    # Before django_tenants so our delete_tenant command (audited, confirmed) wins over its own.
    "tenants",
    "django_tenants",
    "billing",
    "shared_apps.core",
    "shared_apps.accounts",
    "shared_apps.marketing",
    "shared_apps.console",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_filters",
]
# Apps whose tables live in every studio schema.
TENANT_APPS = [
    "tenant_apps.studio",
    "tenant_apps.customers",
    "tenant_apps.catalog",
    "tenant_apps.scheduling",
    "tenant_apps.resources",
    "tenant_apps.classes",
    "tenant_apps.packages",
    "tenant_apps.notifications",
    "tenant_apps.reviews",
    "tenant_apps.booking",
    "tenant_apps.portal",
    "tenant_apps.reports",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

# Called as hook(tenant=...) inside a new studio's schema while it is provisioned.
TENANT_SETUP_HOOKS = ["tenant_apps.catalog.setup.default_booking_page_create"]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# One SET search_path per connection change instead of before every query.
TENANT_LIMIT_SET_CALLS = True
# Check-then-migrate: schemas with nothing to apply are skipped (see README, "Migrations").
GET_EXECUTOR_FUNCTION = "django_tenants_smart_executor.load_executor"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False

AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "shared_apps.core.middleware.RequestIdMiddleware",
    "shared_apps.core.middleware.HealthCheckMiddleware",
    "tenants.middleware.CachedTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shared_apps.core.middleware.LogContextMiddleware",
    "tenants.middleware.TenantStatusMiddleware",
    "shared_apps.console.middleware.ImpersonationMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.studio",
            ],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": env_str("POSTGRES_DB", "studiobook"),
        "USER": env_str("POSTGRES_USER", "postgres"),
        "PASSWORD": env_str("POSTGRES_PASSWORD", ""),
        "HOST": env_str("POSTGRES_HOST", "127.0.0.1"),
        "PORT": env_str("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": env_int("POSTGRES_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
    }
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL", "redis://127.0.0.1:6379/1"),
        # Every key carries the schema name, so one studio never reads another's cache.
        "KEY_FUNCTION": "shared_apps.core.cache_keys.make_key",
        "REVERSE_KEY_FUNCTION": "shared_apps.core.cache_keys.reverse_key",
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "sb"),
    }
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP conversation may hang before the send fails (and the outbox retries it).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "StudioBook <hello@studiobook.test>")

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/2")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Platform-wide jobs (public schema). Studio jobs fan out per studio from their own tasks.
CELERY_BEAT_SCHEDULE = {
    "signup-sweep": {"task": "marketing.signup_sweep", "schedule": 300.0},
    "idempotency-purge": {
        "task": "scheduling.idempotency_records_purge_all",
        "schedule": 24 * 3600.0,
    },
    "studio-usage-snapshot": {
        "task": "tenants.tasks.studio_usage_snapshot_all",
        "schedule": 24 * 3600.0,
    },
    # Per studio: queue the reminders that are due; hand out outbox rows that are owed a
    # delivery (retries whose wait is over, rows whose task was lost with Redis or a worker).
    "notification-reminders": {
        "task": "notifications.reminders_queue_all",
        "schedule": 300.0,
    },
    "notification-sweep": {
        "task": "notifications.notifications_sweep_all",
        "schedule": 60.0,
    },
    # Per studio: expire credits whose validity ended, warn 7 days before.
    "package-expiry": {
        "task": "packages.packages_expire_all",
        "schedule": 24 * 3600.0,
    },
    # Per studio: lapse waitlist offers whose claim window passed and hand the seats on.
    "class-waitlist-housekeeping": {
        "task": "classes.waitlist_housekeeping_all",
        "schedule": 60.0,
    },
}

# --- Channels ---------------------------------------------------------------------------------
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [env_str("CHANNELS_REDIS_URL", "redis://127.0.0.1:6379/3")]},
    }
}

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shared_apps.core.problems.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "StudioBook API",
    "DESCRIPTION": "Versioned REST API of a studio (served on the studio's own host).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's assets are served by us (drf-spectacular-sidecar), not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets used by several components get one stable name (no hashed enum names).
    "ENUM_NAME_OVERRIDES": {
        "AppointmentStatusEnum": "tenant_apps.scheduling.models.AppointmentStatus",
        "StudioStatusEnum": "tenants.models.TenantStatus",
        "CreditEntryKindEnum": "tenant_apps.packages.models.CreditEntryKind",
        "ValidityStartEnum": "tenant_apps.packages.models.ValidityStart",
        "ResourceKindEnum": "tenant_apps.resources.models.ResourceKind",
        "ClassSessionStatusEnum": "tenant_apps.classes.models.SessionStatus",
        "EnrollmentStatusEnum": "tenant_apps.classes.models.EnrollmentStatus",
        "EnrollmentSourceEnum": "tenant_apps.classes.models.EnrollmentSource",
        "AppointmentSourceEnum": "tenant_apps.scheduling.models.AppointmentSource",
        "EnrollmentPaymentEnum": "tenant_apps.classes.models.EnrollmentPayment",
    },
}

# --- Security throttles -----------------------------------------------------------------------
LOGIN_THROTTLE_PER_ACCOUNT = env_int("LOGIN_THROTTLE_PER_ACCOUNT", 5)
LOGIN_THROTTLE_PER_IP = env_int("LOGIN_THROTTLE_PER_IP", 20)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)
SIGNUP_THROTTLE_PER_IP = env_int("SIGNUP_THROTTLE_PER_IP", 10)
IMPERSONATION_MAX_MINUTES = env_int("IMPERSONATION_MAX_MINUTES", 60)
# Public booking API, per client address and studio, per minute (a front desk is one address).
PUBLIC_BOOKING_RATE_PER_MINUTE = env_int("PUBLIC_BOOKING_RATE_PER_MINUTE", 120)
PUBLIC_SLOTS_RATE_PER_MINUTE = env_int("PUBLIC_SLOTS_RATE_PER_MINUTE", 1200)

# Subdomains nobody may take.
RESERVED_SLUGS = frozenset(
    {
        "www",
        "api",
        "admin",
        "console",
        "static",
        "media",
        "app",
        "mail",
        "smtp",
        "ftp",
        "help",
        "support",
        "status",
        "docs",
        "blog",
        "billing",
        "auth",
        "login",
        "signup",
        "public",
        "assets",
        "cdn",
        "dev",
        "staging",
        "test",
        "demo-template",
        "root",
        "dashboard",
        "portal",
        "webhooks",
        "ws",
    }
)

LOG_JSON = env_bool("LOG_JSON", False)
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
from shared_apps.core.logging_config import build_logging  # noqa: E402

LOGGING = build_logging(json_output=LOG_JSON, level=LOG_LEVEL)
