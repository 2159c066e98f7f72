"""Settings of the server started by test_tenant_resolution.py: the test settings, with the
tenant middleware swapped for a subclass that can be bypassed per request (the ONLY difference
between the two measured paths) and a minimal view at /bench/ping."""

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES, MIDDLEWARE

ROOT_URLCONF = "tests.benchmarks.bench_server"
MIDDLEWARE = [
    "tests.benchmarks.bench_server.QueryCountMiddleware",
    *(
        "tests.benchmarks.bench_server.BypassableTenantMiddleware"
        if path == "tenants.middleware.CachedTenantMiddleware"
        else path
        for path in MIDDLEWARE
    ),
]
# tenants.E001 checks the middleware's dotted path; the subclass sits at the same place.
SILENCED_SYSTEM_CHECKS = ["tenants.E001"]
# As in production: no finder lookups per request.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
# As in production: connections are kept between requests.
DATABASES["default"]["CONN_MAX_AGE"] = 60
