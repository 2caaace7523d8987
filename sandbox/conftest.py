"""Fixtures for sandbox tests: every test talks to the sandbox through the `twilio` SDK."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from twilio.rest import Client

from sandbox import clock
from sandbox.core.auth import ensure_master_account
from sandbox.resources.tollfree_verifications.tests.contract import verification_params
from sandbox.testing import sdk_client
from sandbox.tests.urls import hooks as hook_log


@dataclass
class Tenant:
    """A subaccount as the platform sees it: credentials and an SDK client."""

    sid: str
    token: str
    client: Client


@pytest.fixture
def hooks():
    """The recorded callbacks; tests using it run with the capture URLconf."""
    hook_log.hits.clear()
    hook_log.answers.clear()
    yield hook_log
    hook_log.hits.clear()
    hook_log.answers.clear()


@pytest.fixture(autouse=True)
def sandbox_urls(settings):
    """Sandbox tests run on the sandbox's URLs plus the `/hooks/<name>` recorder only, so
    they neither depend on nor disturb the rest of the project."""
    settings.ROOT_URLCONF = "sandbox.tests.urls"


@pytest.fixture
def hook_url(settings):
    base = settings.PUBLIC_BASE_URL

    def make(name: str) -> str:
        return f"{base}/hooks/{name}"

    return make


@pytest.fixture
def master(db) -> Tenant:
    ensure_master_account()
    return Tenant(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        sdk_client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN),
    )


@pytest.fixture
def make_subaccount(master):
    def make(name: str = "tenant") -> Tenant:
        account = master.client.api.v2010.accounts.create(friendly_name=name)
        return Tenant(account.sid, account.auth_token, sdk_client(account.sid, account.auth_token))

    return make


@pytest.fixture
def sub(make_subaccount) -> Tenant:
    return make_subaccount("tenant one")


@pytest.fixture
def buy_number():
    def buy(tenant: Tenant, area_code: int = 415, **config):
        return tenant.client.incoming_phone_numbers.create(area_code=area_code, **config)

    return buy


@pytest.fixture
def number(sub, buy_number):
    """A verified toll-free number: US traffic from local (10DLC) numbers needs an A2P
    campaign, from toll-free numbers an approved toll-free verification (30032 otherwise)."""
    bought = buy_number(sub, area_code=800)
    sub.client.messaging.v1.tollfree_verifications.create(**verification_params(bought.sid))
    clock.advance(60)
    return bought


@pytest.fixture
def advance():
    return clock.advance


@dataclass
class ContractContext:
    master: Tenant
    sub: Tenant
    number: object
    make_subaccount: object
    buy_number: object
    hook_url: object
    advance: object


@pytest.fixture
def contract_ctx(master, sub, number, make_subaccount, buy_number, hook_url, advance, hooks):
    return ContractContext(master, sub, number, make_subaccount, buy_number, hook_url, advance)
