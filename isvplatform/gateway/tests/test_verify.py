"""Verify v2 through the gateway and the sandbox: a service, a verification, checks."""

import pytest

from isvplatform.gateway import (
    NotFoundError,
    RejectedRequest,
    account_client,
    check_verification,
    create_subaccount,
    create_verify_service,
    delete_verify_service,
    fetch_verification,
    fetch_verify_service,
    find_verify_service,
    start_verification,
    update_verification,
    update_verify_service,
)
from sandbox.testing import latest_verify_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(settings):
    settings.TWILIO_MODE = "sandbox"
    settings.TWILIO_SANDBOX_URL = ""
    account = create_subaccount("verify tenant")
    return account_client(account.sid, account.auth_token)


def test_service_lifecycle(client):
    created = create_verify_service(client, friendly_name="Acme", code_length=8)
    assert created.sid.startswith("VA") and created.code_length == 8
    assert find_verify_service(client, "Acme") == fetch_verify_service(client, created.sid)
    updated = update_verify_service(client, created.sid, do_not_share_warning_enabled=True)
    assert updated.do_not_share_warning_enabled is True
    with pytest.raises(RejectedRequest) as refused:
        update_verify_service(client, created.sid, friendly_name="Call 12345")
    assert refused.value.code == 60200
    with pytest.raises(ValueError, match="unknown Verify service settings"):
        update_verify_service(client, created.sid, psd2_enabled=True)
    delete_verify_service(client, created.sid)
    with pytest.raises(NotFoundError):
        fetch_verify_service(client, created.sid)
    assert find_verify_service(client, "Acme") is None


def test_verification_and_checks(client):
    service = create_verify_service(client, friendly_name="Acme")
    started = start_verification(client, service.sid, to="+14155550401", channel="sms", locale="fr")
    assert (started.status, started.channel, started.valid) == ("pending", "sms", False)
    assert fetch_verification(client, service.sid, started.sid).to == "+14155550401"
    code = latest_verify_code("+14155550401")
    wrong = check_verification(client, service.sid, code="0" * 5 + "x", to="+14155550401")
    assert (wrong.status, wrong.valid) == ("pending", False)
    right = check_verification(client, service.sid, code=code, verification_sid=started.sid)
    assert (right.status, right.valid) == ("approved", True)
    with pytest.raises(NotFoundError):
        fetch_verification(client, service.sid, started.sid)
    other = start_verification(client, service.sid, to="+14155550402", channel="call")
    assert update_verification(client, service.sid, other.sid, status="canceled").status == (
        "canceled"
    )
