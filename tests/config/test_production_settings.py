"""config.settings.production, loaded in a child process with a production-like environment
(the test process itself runs on config.settings.test)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = secrets.token_urlsafe(48)[:50]


def _production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PLATFORM_", "SECURE_", "LOG_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="studiobook.example,.studiobook.example",
        PLATFORM_DOMAIN="studiobook.example",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value != ""}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


# Settings only (no app loading): the values, not the apps, are under test here.
_DUMP = """
import json
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "PASSWORD_HASHER": s.PASSWORD_HASHERS[0],
    "PLATFORM_ORIGIN": __import__("tenants.urls", fromlist=["x"]).studio_url("alpha", "/app/"),
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": list(s.SECURE_PROXY_SSL_HEADER),
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"],
    "WHITENOISE_USE_FINDERS": s.WHITENOISE_USE_FINDERS,
    "CELERY_TASK_ALWAYS_EAGER": s.CELERY_TASK_ALWAYS_EAGER,
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "DB": {k: s.DATABASES["default"][k] for k in ("HOST", "PORT", "NAME", "USER")},
    "DB_OPTIONS": s.DATABASES["default"]["OPTIONS"],
    "CACHE": s.CACHES["default"]["LOCATION"],
    "BROKER": s.CELERY_BROKER_URL,
    "RENDERER": type(s.LOGGING["formatters"]["structured"]["processors"][-1]).__name__,
    "TENANT_EXECUTOR": s.GET_EXECUTOR_FUNCTION,
}))
"""


def test_check_deploy_passes_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_reads_everything_from_the_environment():
    env = _production_env(
        POSTGRES_HOST="db.internal",
        POSTGRES_PORT="6432",
        POSTGRES_DB="studiobook_prod",
        POSTGRES_USER="studiobook",
        POSTGRES_SSLMODE="require",
        CACHE_URL="redis://cache.internal:6379/1",
        CELERY_BROKER_URL="redis://broker.internal:6379/0",
    )

    result = _run(["-c", _DUMP], env)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["studiobook.example", ".studiobook.example"],
        "CSRF_TRUSTED_ORIGINS": ["https://studiobook.example", "https://*.studiobook.example"],
        "PASSWORD_HASHER": "django.contrib.auth.hashers.Argon2PasswordHasher",
        "PLATFORM_ORIGIN": "https://alpha.studiobook.example/app/",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "STATICFILES": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "WHITENOISE_USE_FINDERS": False,
        "CELERY_TASK_ALWAYS_EAGER": False,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DB": {
            "HOST": "db.internal",
            "PORT": "6432",
            "NAME": "studiobook_prod",
            "USER": "studiobook",
        },
        "DB_OPTIONS": {"sslmode": "require"},
        "CACHE": "redis://cache.internal:6379/1",
        "BROKER": "redis://broker.internal:6379/0",
        "RENDERER": "JSONRenderer",
        "TENANT_EXECUTOR": "django_tenants_smart_executor.load_executor",
    }


_IMPORT_CASES = """
import importlib, json, os, sys
from django.core.exceptions import ImproperlyConfigured
outcomes = {}
for name, env in json.loads(sys.argv[1]).items():
    os.environ.clear()
    os.environ.update(env)
    for module in ("config.settings.production", "config.settings.base"):
        sys.modules.pop(module, None)
    try:
        importlib.import_module("config.settings.production")
        outcomes[name] = "loaded"
    except ImproperlyConfigured as exc:
        outcomes[name] = str(exc)
print(json.dumps(outcomes))
"""


def test_production_refuses_to_start_without_a_real_secret_key_or_domain():
    cases = {
        "missing-key": _production_env(DJANGO_SECRET_KEY=""),
        "short-key": _production_env(DJANGO_SECRET_KEY="too-short"),
        "dev-key": _production_env(
            DJANGO_SECRET_KEY="dev-insecure-secret-key-change-me-in-production-0123456789"
        ),
        "insecure-prefix": _production_env(DJANGO_SECRET_KEY="django-insecure-" + SECRET_KEY),
        "missing-domain": _production_env(PLATFORM_DOMAIN=""),
        "complete": _production_env(),
    }

    result = _run(["-c", _IMPORT_CASES, json.dumps(cases)], _production_env())

    assert result.returncode == 0, result.stderr
    bad_key = "DJANGO_SECRET_KEY must be set to 50 or more random characters"
    assert json.loads(result.stdout) == {
        "missing-key": bad_key,
        "short-key": bad_key,
        "dev-key": bad_key,
        "insecure-prefix": bad_key,
        "missing-domain": "PLATFORM_DOMAIN must be set (for example studiobook.example)",
        "complete": "loaded",
    }


def test_manage_py_exits_with_1_when_production_is_misconfigured():
    result = _run(["manage.py", "check"], _production_env(DJANGO_SECRET_KEY=""))

    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set" in result.stderr
