"""Send a code, read it where the person reads it (the sandbox's handset or mailbox), check it."""

import pytest

from verify.errors import VerifyRefused
from verify.models import VerificationAttempt, VerificationCheck, VerificationDailyRollup
from verify.services import check_verification, start_verification
from verify.tests.conftest import code_for


@pytest.mark.parametrize(
    ("channel", "to"),
    [("sms", "+14155550101"), ("whatsapp", "+14155550102"), ("email", "Ana@Example.com")],
)
def test_send_then_check_approves(verify_on, tenant, channel, to):
    attempt = start_verification(tenant, to=to, channel=channel, client_ip="203.0.113.5")
    assert attempt.status == VerificationAttempt.Status.PENDING
    assert attempt.twilio_sid.startswith("VE") and attempt.price is not None
    code = code_for(attempt.to)
    check = check_verification(tenant, to=to, code=code)
    assert check.result == VerificationCheck.Result.APPROVED
    attempt.refresh_from_db()
    assert attempt.status == VerificationAttempt.Status.APPROVED
    assert attempt.approved_at is not None


def test_a_wrong_code_then_the_right_one(verify_on, tenant):
    attempt = start_verification(tenant, to="+14155550103", channel="sms")
    code = code_for("+14155550103")
    wrong = str((int(code) + 1) % 10 ** len(code)).zfill(len(code))
    first = check_verification(tenant, attempt=attempt, code=wrong)
    assert first.result == VerificationCheck.Result.WRONG_CODE
    attempt.refresh_from_db()
    assert attempt.status == VerificationAttempt.Status.PENDING
    second = check_verification(tenant, attempt=attempt, code=code)
    assert second.result == VerificationCheck.Result.APPROVED
    with pytest.raises(VerifyRefused) as refused:
        check_verification(tenant, attempt=attempt, code=code)
    assert refused.value.code == "20404" and refused.value.status == 404


def test_sends_and_checks_keep_the_analytics_rollups_current(verify_on, tenant, on_commit):
    """No recount by hand: each attempt written (sent, refused, approved) recounts its day."""
    attempt = on_commit(start_verification, tenant, to="+14155550104", channel="sms")
    row = VerificationDailyRollup.objects.for_tenant(tenant).get(channel="sms")
    assert (row.attempts, row.approved) == (1, 0)
    on_commit(check_verification, tenant, attempt=attempt, code=code_for("+14155550104"))
    row = VerificationDailyRollup.objects.for_tenant(tenant).get(channel="sms")
    assert (row.attempts, row.approved) == (1, 1)
    assert sum(int(n) for n in row.ttv_histogram.values()) == 1
