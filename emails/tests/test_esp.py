"""`emails.esp`: which account a tenant's email uses, and how ESP errors are classified."""

import logging

import pytest
from anymail.exceptions import AnymailAPIError
from botocore import exceptions as boto_errors

from emails import esp
from emails.tests.factories import EspCredentialsFactory

pytestmark = pytest.mark.django_db


def _client_error(code: str, status: int, message: str = "words") -> boto_errors.ClientError:
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return boto_errors.ClientError(response, "SendEmail")


@pytest.mark.parametrize(
    ("err", "retryable", "may_have_sent"),
    [
        (_client_error("Throttling", 400), True, False),
        (_client_error("TooManyRequestsException", 429), True, False),
        (_client_error("InternalFailure", 500), True, False),
        (_client_error("ServiceUnavailable", 503), True, False),
        (_client_error("MessageRejected", 400), False, False),
        (_client_error("AccountSuspendedException", 400), False, False),
        (boto_errors.EndpointConnectionError(endpoint_url="https://x"), True, False),
        (boto_errors.ConnectTimeoutError(endpoint_url="https://x"), True, False),
        (boto_errors.ReadTimeoutError(endpoint_url="https://x"), True, True),
        (boto_errors.ConnectionClosedError(endpoint_url="https://x"), True, True),
        (boto_errors.NoCredentialsError(), False, False),
    ],
)
def test_errors_are_classified(err, retryable, may_have_sent):
    mapped = esp.esp_error(err)
    assert isinstance(mapped, esp.RetryableEspError) is retryable
    assert mapped.may_have_sent is may_have_sent


def test_anymail_wraps_are_read_through_to_the_botocore_cause():
    try:
        try:
            raise _client_error("MessageRejected", 400, "Email address is not verified.")
        except boto_errors.ClientError as cause:
            raise AnymailAPIError("wrapped") from cause
    except AnymailAPIError as err:
        mapped = esp.esp_error(err)
    assert (mapped.code, mapped.message) == ("MessageRejected", "Email address is not verified.")
    assert str(mapped) == "Email address is not verified. (MessageRejected)"


def test_other_esps_by_http_status():
    assert isinstance(esp.esp_error(AnymailAPIError("x", status_code=502)), esp.RetryableEspError)
    assert not isinstance(
        esp.esp_error(AnymailAPIError("x", status_code=422)), esp.RetryableEspError
    )


def test_own_credentials_serve_their_tenant_only_and_never_show(
    tenant, other_tenant, settings, caplog
):
    settings.EMAIL_MODE = "live"
    credentials = EspCredentialsFactory(tenant=tenant, configuration_set="acme-events")
    secret = credentials.secret_access_key.reveal()
    with caplog.at_level(logging.DEBUG):
        own = esp.connection(tenant)
        platform = esp.connection(other_tenant)
    assert own.client_params["aws_access_key_id"] == credentials.access_key_id
    assert own.configuration_set_name == "acme-events"
    assert "aws_access_key_id" not in platform.client_params
    assert platform.configuration_set_name == settings.AWS_SES_CONFIGURATION_SET
    assert secret not in caplog.text
    assert secret not in repr(credentials) and secret not in str(credentials)
    assert secret not in repr(own)


def test_inactive_credentials_are_not_used(tenant, settings):
    settings.EMAIL_MODE = "live"
    EspCredentialsFactory(tenant=tenant, status="failed")
    assert esp.active_credentials(tenant) is None
    assert "aws_access_key_id" not in esp.connection(tenant).client_params


def test_botocore_never_retries_a_send_itself(tenant, settings):
    settings.EMAIL_MODE = "live"
    config = esp.connection(tenant).client_params["config"]
    assert config.retries["total_max_attempts"] == 1


def test_a_demo_tenant_always_uses_the_local_ses(tenant, settings):
    settings.EMAIL_MODE = "live"
    settings.EMAIL_SANDBOX_URL = ""
    tenant.is_demo = True
    tenant.save()
    client_params = esp.connection(tenant).client_params
    assert client_params["endpoint_url"] == "https://sandbox-aws.invalid"
    assert client_params["aws_access_key_id"] == settings.SANDBOX_AWS_ACCESS_KEY_ID
    assert esp.connection_esp(tenant) == "amazon_ses"


def test_sandbox_over_http_when_a_url_is_set(tenant, settings):
    settings.EMAIL_SANDBOX_URL = "http://127.0.0.1:8000/sandbox/aws"
    connection = esp.connection(tenant)
    assert connection.client_params["endpoint_url"] == "http://127.0.0.1:8000/sandbox/aws"
    assert connection.session_params == {}
