"""TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: required at start-up in live mode, used as configured
(never found through a policy SID), while a demo tenant's chain keeps its sandbox profile."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from compliance.checks import primary_customer_profile_check
from compliance.services import PRIMARY_PROFILE_NAME, ChainWaiting, isv_primary_profile_sid
from sandbox.resources.trusthub.models import Bundle
from sandbox.testing import exchanges

PRIMARY = "BU" + "a1" * 16


@pytest.fixture
def live(settings):
    settings.TWILIO_MODE = "live"
    settings.SANDBOX_ACCOUNT_SID = settings.TWILIO_ACCOUNT_SID
    settings.SANDBOX_AUTH_TOKEN = settings.TWILIO_AUTH_TOKEN
    settings.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID = ""
    return settings


def test_manage_py_check_fails_in_live_mode_without_the_setting(live):
    with pytest.raises(SystemCheckError) as err:
        call_command("check")
    assert "compliance.E001" in str(err.value)
    assert "TWILIO_PRIMARY_CUSTOMER_PROFILE_SID is required when TWILIO_MODE=live" in str(err.value)


def test_a_configured_sid_passes_and_a_malformed_one_does_not(live):
    live.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID = PRIMARY
    assert primary_customer_profile_check() == []
    live.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID = "RN6433641899984f951173ef1738c3bdd0"
    assert [e.id for e in primary_customer_profile_check()] == ["compliance.E002"]


def test_sandbox_mode_needs_no_setting(settings):
    settings.TWILIO_MODE = "sandbox"
    settings.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID = ""
    assert primary_customer_profile_check() == []


@pytest.mark.django_db
def test_live_mode_uses_the_setting_and_never_searches_by_policy(live):
    with exchanges() as calls:
        with pytest.raises(ChainWaiting, match="TWILIO_PRIMARY_CUSTOMER_PROFILE_SID"):
            isv_primary_profile_sid()
        live.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID = PRIMARY
        assert isv_primary_profile_sid() == PRIMARY
    assert list(calls) == []


@pytest.mark.django_db
def test_a_demo_tenants_chain_in_live_mode_registers_its_sandbox_profile(live):
    live.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID = PRIMARY
    with pytest.raises(ChainWaiting, match="Waiting for the platform's primary"):
        isv_primary_profile_sid(sandboxed=True)
    bundle = Bundle.objects.get(friendly_name=PRIMARY_PROFILE_NAME)
    assert bundle.status == Bundle.Status.PENDING_REVIEW


def _manage_check(**env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        TWILIO_MODE="live",
        TWILIO_ACCOUNT_SID="AC" + "b2" * 16,
        TWILIO_AUTH_TOKEN="c3" * 16,
        **env_overrides,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_in_live_mode_fails_clearly_until_the_setting_is_given():
    missing = _manage_check()
    assert missing.returncode != 0
    assert "TWILIO_PRIMARY_CUSTOMER_PROFILE_SID is required when TWILIO_MODE=live" in (
        missing.stderr
    )
    given = _manage_check(TWILIO_PRIMARY_CUSTOMER_PROFILE_SID=PRIMARY)
    assert given.returncode == 0, given.stderr
