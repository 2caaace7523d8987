"""Fixtures of the WhatsApp tests: a tenant provisioned for real through the sandbox (its
subaccount and a local number), and services run with their on-commit tasks."""

import pytest

from compliance.tests.conftest import provision_tenant
from sandbox import clock, handsets
from sandbox.resources.channel_senders.lifecycle import digits

PROFILE = {
    "display_name": "Acme Coffee",
    "about": "Fresh coffee, every day.",
    "description": "Neighbourhood coffee roaster and café.",
    "address": "1 Main St, Springfield",
    "vertical": "Restaurant",
    "email": "hello@acme.example.com",
    "websites": ["https://acme.example.com"],
}


@pytest.fixture
def provisioned(tenant, owner):
    return provision_tenant(tenant)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def code_sent_to(number: str) -> str:
    """The code WhatsApp last sent to the number, read in its handset simulator."""
    return digits(handsets.messages_received(number)[-1]["body"])[:6]


def advance(seconds: float) -> None:
    clock.advance(seconds)
