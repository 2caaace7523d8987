import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException

from isvplatform.gateway import (
    AuthenticationError,
    GatewayError,
    NotFoundError,
    RejectedRequest,
    RetryableGatewayError,
    describe_error,
    translate_errors,
)
from isvplatform.gateway.errors import ERROR_EXPLANATIONS

REQUIRED_CODES = [
    10001, 20003, 20404, 20429, 21211, 21408, 21421, 21422, 21452, 21479, 21610, 21612, 21614,
    21617, 30003, 30004, 30005, 30006, 30007, 30008, 30034, 63016,
]  # fmt: skip


def rest_error(status, code, msg="Unable to create record: Twilio says no"):
    return TwilioRestException(status, "https://api.twilio.com/x.json", msg, code, "POST")


@pytest.mark.parametrize(
    "status,code,error_class",
    [
        (429, 20429, RetryableGatewayError),
        (500, 500, RetryableGatewayError),
        (503, 20500, RetryableGatewayError),
        (401, 20003, AuthenticationError),
        (403, 20003, AuthenticationError),
        (404, 20404, NotFoundError),
        (400, 21610, RejectedRequest),
        (400, 21211, RejectedRequest),
        (401, 401, AuthenticationError),
        (404, 404, NotFoundError),
        (401, 10001, RejectedRequest),
        (409, 409, RejectedRequest),
    ],
)
def test_rest_exceptions_map_to_the_hierarchy(status, code, error_class):
    with pytest.raises(error_class) as excinfo, translate_errors():
        raise rest_error(status, code)

    err = excinfo.value
    assert type(err) is error_class
    assert err.status == status
    # The SDK puts the HTTP status in `code` when the body had none; that is not a Twilio code.
    assert err.code == (None if code == status else code)
    assert isinstance(err.__cause__, TwilioRestException)
    assert err.twilio_message == "Twilio says no"


def test_message_leads_with_explanation_and_keeps_twilio_text():
    with pytest.raises(RejectedRequest) as excinfo, translate_errors():
        raise rest_error(400, 21610, "Unable to create record: Attempt to send to unsubscribed")

    err = excinfo.value
    assert err.message.startswith("The recipient has opted out")
    assert err.message.endswith("Twilio said: Attempt to send to unsubscribed")
    assert err.more_info == "https://www.twilio.com/docs/errors/21610"
    assert str(err).endswith("(Twilio 21610, HTTP 400)")
    assert err.method == "POST"


def test_unknown_code_keeps_twilio_message():
    with pytest.raises(RejectedRequest) as excinfo, translate_errors():
        raise rest_error(400, 99999, "Unable to fetch record: Something odd")

    assert excinfo.value.message == "Something odd"


def test_network_errors_become_retryable():
    with pytest.raises(RetryableGatewayError) as excinfo, translate_errors():
        raise requests.ConnectTimeout("timed out")

    assert excinfo.value.code is None
    assert excinfo.value.status is None
    assert "ConnectTimeout" in excinfo.value.message


def test_other_sdk_errors_become_gateway_errors():
    with pytest.raises(GatewayError) as excinfo, translate_errors():
        raise TwilioException("Credentials are required to create a TwilioClient")

    assert type(excinfo.value) is GatewayError
    assert "Credentials are required" in excinfo.value.message


def test_unrelated_exceptions_pass_untouched():
    with pytest.raises(KeyError), translate_errors():
        raise KeyError("x")


def test_works_as_decorator():
    @translate_errors()
    def call():
        raise rest_error(404, 20404)

    with pytest.raises(NotFoundError):
        call()
    with pytest.raises(NotFoundError):
        call()


@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_common_codes_are_explained(code):
    assert describe_error(code) == ERROR_EXPLANATIONS[code]
    assert describe_error(code).endswith(".")


def test_describe_unknown_code():
    assert describe_error(None) is None
    assert describe_error(12345) is None
