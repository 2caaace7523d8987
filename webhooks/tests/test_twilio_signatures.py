"""Which URL a Twilio signature must cover: `PUBLIC_BASE_URL` plus path and query, whatever
the request's `Host` or forwarded headers say, unless the operator opted into a proxy's."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from isvplatform.gateway import compute_signature
from messaging.models import Message
from messaging.tests.conftest import rows_only
from messaging.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db
PATH = "/webhooks/twilio/status"


@pytest.fixture
def sent(tenant, settings):
    settings.PUBLIC_BASE_URL = "http://sms.example.com"
    # The signature check must hold even where an operator allows every host.
    settings.ALLOWED_HOSTS = ["*"]
    account = rows_only(tenant)
    message = MessageFactory(
        tenant=tenant, account_sid=account.sub.sid, status="queued", status_rank=10
    )
    message.token = account.token
    return message


def post_signed_for(url: str, message, *, secure: bool = False, **headers):
    params = {"MessageSid": message.sid, "MessageStatus": "delivered",
              "AccountSid": message.account_sid}  # fmt: skip
    signature = compute_signature(message.token, url, params)
    return Client().post(
        PATH,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        secure=secure,
        HTTP_X_TWILIO_SIGNATURE=signature,
        **headers,
    )


def status_of(message) -> str:
    return Message.objects.get(pk=message.pk).status


def test_the_public_url_verifies(sent):
    assert post_signed_for(f"http://sms.example.com{PATH}", sent).status_code == 204
    assert status_of(sent) == "delivered"


def test_a_signature_for_the_host_the_request_claims_is_refused(sent):
    url = f"http://evil.example.com{PATH}"
    response = post_signed_for(url, sent, HTTP_HOST="evil.example.com")
    assert response.status_code == 403
    assert status_of(sent) == "queued"


@pytest.mark.parametrize("secure", [False, True], ids=["header", "gunicorn-trusted-header"])
def test_x_forwarded_proto_is_ignored_without_the_proxy_setting(sent, secure):
    # `secure`: gunicorn believed the header (its loopback default) and set the WSGI scheme.
    url = f"https://sms.example.com{PATH}"
    response = post_signed_for(
        url, sent, secure=secure, HTTP_HOST="sms.example.com", HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 403
    assert status_of(sent) == "queued"


def test_x_forwarded_proto_counts_when_the_operator_trusts_the_proxy(sent, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    url = f"https://sms.example.com{PATH}"
    assert post_signed_for(url, sent, HTTP_X_FORWARDED_PROTO="https").status_code == 204
    assert status_of(sent) == "delivered"


def test_x_forwarded_host_counts_only_when_the_operator_trusts_it(sent, settings):
    url = f"http://proxy.example.com{PATH}"
    assert post_signed_for(url, sent, HTTP_X_FORWARDED_HOST="proxy.example.com").status_code == 403
    settings.USE_X_FORWARDED_HOST = True
    # Even then the bare Host header is not believed ...
    assert post_signed_for(url, sent, HTTP_HOST="proxy.example.com").status_code == 403
    assert status_of(sent) == "queued"
    # ... only the proxy's forwarded host.
    assert post_signed_for(url, sent, HTTP_X_FORWARDED_HOST="proxy.example.com").status_code == 204
    assert status_of(sent) == "delivered"
