from __future__ import annotations

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import override_settings

from tests.conftest import TEST_PASSWORD
from tests.shared_apps.accounts.conftest import login
from tests.shared_apps.accounts.hashers import CountingMD5PasswordHasher

COUNTING_HASHER = ["tests.shared_apps.accounts.hashers.CountingMD5PasswordHasher"]


@pytest.fixture(autouse=True)
def counting_hasher():
    with override_settings(PASSWORD_HASHERS=COUNTING_HASHER):
        CountingMD5PasswordHasher.verify_calls = 0
        yield CountingMD5PasswordHasher


@override_settings(LOGIN_THROTTLE_PER_ACCOUNT=3, LOGIN_THROTTLE_WINDOW_SECONDS=900)
def test_account_is_throttled_before_any_password_is_hashed(web, alpha_owner, counting_hasher):
    for _ in range(3):
        assert login(web, "alpha.localhost", "owner@alpha.test", "wrong").status_code == 200
    assert counting_hasher.verify_calls == 3

    response = login(web, "alpha.localhost", "owner@alpha.test", TEST_PASSWORD)

    assert response.status_code == 429
    assert b"Too many attempts, try again in 15 minutes." in response.content
    assert 895 <= int(response["Retry-After"]) <= 900
    assert counting_hasher.verify_calls == 3  # the right password was never even checked
    assert SESSION_KEY not in web.session


@override_settings(LOGIN_THROTTLE_PER_ACCOUNT=2)
def test_account_throttle_counts_on_every_host(web, alpha_owner, counting_hasher):
    login(web, "localhost", "owner@alpha.test", "wrong")
    login(web, "beta.localhost", "OWNER@alpha.test", "wrong")

    response = login(web, "alpha.localhost", "owner@alpha.test", TEST_PASSWORD)

    assert response.status_code == 429
    assert counting_hasher.verify_calls == 2


@override_settings(LOGIN_THROTTLE_PER_ACCOUNT=3)
def test_account_throttle_does_not_block_other_accounts(web, alpha_owner, beta_owner):
    for _ in range(3):
        login(web, "alpha.localhost", "owner@alpha.test", "wrong")

    response = login(web, "beta.localhost", "owner@beta.test", TEST_PASSWORD)

    assert response.status_code == 302


@override_settings(LOGIN_THROTTLE_PER_ACCOUNT=100, LOGIN_THROTTLE_PER_IP=3)
def test_ip_is_throttled_across_accounts(web, alpha_owner, beta_owner, counting_hasher):
    for email in ("owner@alpha.test", "someone@else.test", "owner@beta.test"):
        login(web, "alpha.localhost", email, "wrong", REMOTE_ADDR="203.0.113.9")
    calls_before = counting_hasher.verify_calls

    blocked = web.post(
        "/accounts/login/",
        {"email": "owner@beta.test", "password": TEST_PASSWORD},
        HTTP_HOST="beta.localhost",
        REMOTE_ADDR="203.0.113.9",
    )
    other_ip = web.post(
        "/accounts/login/",
        {"email": "owner@beta.test", "password": TEST_PASSWORD},
        HTTP_HOST="beta.localhost",
        REMOTE_ADDR="198.51.100.7",
    )

    assert blocked.status_code == 429
    assert b"Too many attempts, try again in" in blocked.content
    assert other_ip.status_code == 302
    assert counting_hasher.verify_calls == calls_before + 1  # only the other IP's attempt


@override_settings(LOGIN_THROTTLE_PER_ACCOUNT=3)
def test_successful_login_clears_the_account_counter(web, alpha_owner):
    login(web, "alpha.localhost", "owner@alpha.test", "wrong")
    login(web, "alpha.localhost", "owner@alpha.test", "wrong")
    assert login(web, "alpha.localhost", "owner@alpha.test").status_code == 302
    web.post("/accounts/logout/", HTTP_HOST="alpha.localhost")

    login(web, "alpha.localhost", "owner@alpha.test", "wrong")
    login(web, "alpha.localhost", "owner@alpha.test", "wrong")
    response = login(web, "alpha.localhost", "owner@alpha.test")

    assert response.status_code == 302


@override_settings(LOGIN_THROTTLE_PER_ACCOUNT=1, LOGIN_THROTTLE_WINDOW_SECONDS=1)
def test_throttle_lifts_when_the_window_ends(web, alpha_owner):
    login(web, "alpha.localhost", "owner@alpha.test", "wrong")
    assert login(web, "alpha.localhost", "owner@alpha.test").status_code == 429

    time.sleep(1.2)

    assert login(web, "alpha.localhost", "owner@alpha.test").status_code == 302


@override_settings(LOGIN_THROTTLE_PER_ACCOUNT=1)
def test_throttle_counters_are_platform_wide_cache_keys(web, alpha_owner):
    login(web, "alpha.localhost", "owner@alpha.test", "wrong")

    keys = cache._cache.get_client().keys("*login-fail*")  # the real Redis keys

    assert keys
    assert all(key.decode().startswith("public:") for key in keys)
