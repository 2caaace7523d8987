"""Sign-in lockout: repeated failures lock (account, address) out, with a growing cool-off,
but never the owner signing in from another address."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration

from tenants.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
ATTACKER = "203.0.113.7"
OWNER_HOME = "198.51.100.20"


def _sign_in(client, url: str, username: str, password: str, ip: str, **headers):
    client.cookies.clear()
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _age_attempts(by: timedelta) -> None:
    """As if the failures had happened `by` earlier (instead of waiting that long)."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= by
        attempt.save(update_fields=["attempt_time"])
    for expiration in AccessAttemptExpiration.objects.all():
        expiration.expires_at -= by
        expiration.save(update_fields=["expires_at"])


@pytest.mark.parametrize("url, staff", [("/accounts/login/", False), ("/admin/login/", True)])
def test_forty_wrong_passwords_lock_the_account_from_that_address(client, url, staff):
    user = UserFactory(is_staff=staff, is_superuser=staff)
    for _ in range(40):
        _sign_in(client, url, user.username, "wrong-guess", ATTACKER)

    right = _sign_in(client, url, user.username, TEST_PASSWORD, ATTACKER)
    assert right.status_code == 429
    assert "Sign-in paused" in right.content.decode()
    assert not _signed_in(client)

    # The owner, at home, is not locked out by the attacker's failures.
    home = _sign_in(client, url, user.username, TEST_PASSWORD, OWNER_HOME)
    assert home.status_code == 302
    assert _signed_in(client)


def test_the_lock_ends_after_a_cool_off_that_grows_with_the_failures(client, settings):
    settings.LOGIN_LOCKOUT_MINUTES = 15
    settings.LOGIN_LOCKOUT_MAX_HOURS = 24
    user = UserFactory()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _sign_in(client, "/accounts/login/", user.username, "wrong-guess", ATTACKER)
    assert (
        _sign_in(client, "/accounts/login/", user.username, TEST_PASSWORD, ATTACKER).status_code
        == 429
    )
    _age_attempts(timedelta(minutes=16))
    assert (
        _sign_in(client, "/accounts/login/", user.username, TEST_PASSWORD, ATTACKER).status_code
        == 302
    )
    assert not AccessAttempt.objects.exists()  # a success clears the failures

    for _ in range(40):
        _sign_in(client, "/accounts/login/", user.username, "wrong-guess", ATTACKER)
    _age_attempts(timedelta(minutes=16))
    assert (
        _sign_in(client, "/accounts/login/", user.username, TEST_PASSWORD, ATTACKER).status_code
        == 429
    )
    _age_attempts(timedelta(hours=25))
    assert (
        _sign_in(client, "/accounts/login/", user.username, TEST_PASSWORD, ATTACKER).status_code
        == 302
    )


def test_one_address_trying_many_accounts_is_locked_out_at_the_higher_limit(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    users = UserFactory.create_batch(4)
    for user in users:
        for _ in range(2):
            _sign_in(client, "/accounts/login/", user.username, "wrong-guess", ATTACKER)

    fresh = UserFactory()
    response = _sign_in(client, "/accounts/login/", fresh.username, TEST_PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert (
        _sign_in(client, "/accounts/login/", fresh.username, TEST_PASSWORD, OWNER_HOME).status_code
        == 302
    )


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client):
    user = UserFactory()
    for n in range(10):
        _sign_in(
            client,
            "/accounts/login/",
            user.username,
            "wrong-guess",
            ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = _sign_in(
        client,
        "/accounts/login/",
        user.username,
        TEST_PASSWORD,
        ATTACKER,
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    proxy = "10.0.0.1"
    for _ in range(10):
        _sign_in(
            client, "/accounts/login/", user.username, "x", proxy, HTTP_X_FORWARDED_FOR=ATTACKER
        )
    locked = _sign_in(
        client,
        "/accounts/login/",
        user.username,
        TEST_PASSWORD,
        proxy,
        HTTP_X_FORWARDED_FOR=ATTACKER,
    )
    assert locked.status_code == 429
    home = _sign_in(
        client,
        "/accounts/login/",
        user.username,
        TEST_PASSWORD,
        proxy,
        HTTP_X_FORWARDED_FOR=OWNER_HOME,
    )
    assert home.status_code == 302
    assert AccessAttempt.objects.get().ip_address == ATTACKER
