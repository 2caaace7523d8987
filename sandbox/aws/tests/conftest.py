"""Fixtures for the local AWS's tests: boto3 clients on the platform account, the test
URLconf with anymail's tracking view and the SNS endpoint recorder."""

from __future__ import annotations

import pytest
from anymail.signals import tracking
from django.conf import settings

from sandbox import clock
from sandbox.aws.services import ensure_platform_account
from sandbox.aws.tests.test_ses_api import client
from sandbox.aws.tests.urls import endpoint
from sandbox.aws.transport import endpoint_url, session_params


@pytest.fixture(autouse=True)
def aws_urls(settings, sandbox_urls):
    settings.ROOT_URLCONF = "sandbox.aws.tests.urls"


@pytest.fixture
def sns_endpoint():
    endpoint.reset()
    yield endpoint
    endpoint.reset()


@pytest.fixture
def platform(db):
    return ensure_platform_account()


@pytest.fixture
def anymail_on_sandbox(settings):
    """Anymail's boto3 (auto-confirm) pointed at the local AWS, as the platform does."""
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "AMAZON_SES_SESSION_PARAMS": session_params(),
        "AMAZON_SES_CLIENT_PARAMS": {
            "endpoint_url": endpoint_url(),
            "region_name": settings.AWS_SES_REGION,
            "aws_access_key_id": settings.SANDBOX_AWS_ACCESS_KEY_ID,
            "aws_secret_access_key": settings.SANDBOX_AWS_SECRET_ACCESS_KEY,
        },
    }


@pytest.fixture
def tracked():
    """The anymail tracking events the platform's webhook view emitted."""
    received = []

    def receiver(sender, event, esp_name, **kwargs):
        received.append(event)

    tracking.connect(receiver, weak=False, dispatch_uid="sandbox-aws-test")
    yield received
    tracking.disconnect(dispatch_uid="sandbox-aws-test")


@pytest.fixture
def sender(platform):
    """A verified sending domain of the platform account."""
    client().create_email_identity(EmailIdentity="shop.example.com")
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    return "Shop <news@shop.example.com>"
