import pytest
from django.core.exceptions import ImproperlyConfigured

from isvplatform.crypto import Secret
from isvplatform.gateway import account_client, master_client
from isvplatform.gateway.http import (
    QuietTwilioHttpClient,
    RetryingHttpClient,
    SandboxHttpClient,
    SandboxOverHttpClient,
)
from isvplatform.gateway.tests.conftest import ACCOUNT_SID, AUTH_TOKEN


@pytest.fixture
def twilio_settings(settings):
    settings.TWILIO_MODE = "sandbox"
    settings.TWILIO_SANDBOX_URL = ""
    settings.TWILIO_TIMEOUT = 7.5
    settings.TWILIO_MAX_RETRIES = 2
    settings.TWILIO_RETRY_BASE_DELAY = 0.1
    settings.TWILIO_RETRY_AMBIGUOUS_POSTS = False
    return settings


def test_sandbox_mode_delivers_in_process_by_default(twilio_settings):
    client = account_client(ACCOUNT_SID, AUTH_TOKEN)

    assert isinstance(client.http_client, RetryingHttpClient)
    assert type(client.http_client.transport) is SandboxHttpClient
    assert client.http_client.max_retries == 2
    assert client.http_client.base_delay == 0.1
    assert client.http_client.retry_ambiguous_posts is False


def test_sandbox_url_selects_the_http_transport(twilio_settings):
    twilio_settings.TWILIO_SANDBOX_URL = "http://127.0.0.1:8123/"

    transport = account_client(ACCOUNT_SID, AUTH_TOKEN).http_client.transport

    assert type(transport) is SandboxOverHttpClient
    assert transport.base_url == "http://127.0.0.1:8123"
    assert transport.timeout == 7.5


def test_live_mode_uses_the_sdk_client_to_twilio(twilio_settings):
    twilio_settings.TWILIO_MODE = "live"
    twilio_settings.TWILIO_SANDBOX_URL = "http://127.0.0.1:8123"
    twilio_settings.TWILIO_RETRY_AMBIGUOUS_POSTS = True

    retrying = account_client(ACCOUNT_SID, AUTH_TOKEN).http_client

    assert type(retrying.transport) is QuietTwilioHttpClient
    assert retrying.transport.timeout == 7.5
    assert retrying.retry_ambiguous_posts is True


def test_transports_are_shared_between_clients(twilio_settings):
    twilio_settings.TWILIO_MODE = "live"

    first = account_client(ACCOUNT_SID, AUTH_TOKEN).http_client.transport
    second = master_client().http_client.transport

    assert first is second


def test_unknown_mode_is_refused(twilio_settings):
    twilio_settings.TWILIO_MODE = "fake"

    with pytest.raises(ImproperlyConfigured):
        account_client(ACCOUNT_SID, AUTH_TOKEN)


def test_account_client_reveals_a_secret_token(twilio_settings):
    client = account_client(ACCOUNT_SID, Secret(AUTH_TOKEN))

    assert client.account_sid == ACCOUNT_SID
    assert client.auth == (ACCOUNT_SID, AUTH_TOKEN)


@pytest.mark.parametrize(
    "sid,token", [("", AUTH_TOKEN), (ACCOUNT_SID, ""), (ACCOUNT_SID, Secret(""))]
)
def test_account_client_needs_credentials(twilio_settings, sid, token):
    with pytest.raises(ImproperlyConfigured):
        account_client(sid, token)


def test_master_client_uses_master_credentials(twilio_settings):
    twilio_settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    twilio_settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN

    assert master_client().auth == (ACCOUNT_SID, AUTH_TOKEN)

    twilio_settings.TWILIO_AUTH_TOKEN = None
    with pytest.raises(ImproperlyConfigured):
        master_client()
