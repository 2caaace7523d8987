"""A verification's life: send, resend, check, limits, expiry, deletion after approval."""

import pytest

from sandbox import handsets
from sandbox.testing import error_of, latest_verify_code

PHONE = "+14155550177"


@pytest.fixture
def verify(sub):
    service = sub.client.verify.v2.services.create(friendly_name="Acme Coffee")
    return sub.client.verify.v2.services(service.sid)


def test_the_code_reaches_the_handset_and_approves(verify):
    started = verify.verifications.create(to=PHONE, channel="sms")
    assert (started.status, started.valid, started.channel) == ("pending", False, "sms")
    [text] = handsets.messages_received(PHONE)
    code = latest_verify_code(PHONE)
    assert len(code) == 6
    assert text["body"] == f"Your Acme Coffee verification code is: {code}"
    check = verify.verification_checks.create(to=PHONE, code=code)
    assert (check.status, check.valid, check.sid) == ("approved", True, started.sid)


def test_a_wrong_code_is_no_error_and_the_right_one_still_works(verify):
    started = verify.verifications.create(to=PHONE, channel="sms")
    wrong = verify.verification_checks.create(to=PHONE, code="999999999")
    assert (wrong.status, wrong.valid) == ("pending", False)
    right = verify.verification_checks.create(
        verification_sid=started.sid, code=latest_verify_code(PHONE)
    )
    assert right.status == "approved"


def test_an_approved_verification_is_deleted(verify):
    started = verify.verifications.create(to=PHONE, channel="sms")
    verify.verification_checks.create(to=PHONE, code=latest_verify_code(PHONE))
    assert error_of(lambda: verify.verifications(started.sid).fetch()) == (404, 20404)
    assert error_of(
        lambda: verify.verification_checks.create(to=PHONE, code=latest_verify_code(PHONE))
    ) == (404, 20404)


def test_approving_by_update_deletes_it_too(verify):
    started = verify.verifications.create(to=PHONE, channel="sms")
    assert verify.verifications(started.sid).update(status="approved").status == "approved"
    assert error_of(lambda: verify.verifications(started.sid).fetch()) == (404, 20404)


def test_a_canceled_verification_stays_fetchable_but_checks_fail(verify):
    started = verify.verifications.create(to=PHONE, channel="sms")
    verify.verifications(started.sid).update(status="canceled")
    assert verify.verifications(started.sid).fetch().status == "canceled"
    assert error_of(
        lambda: verify.verification_checks.create(verification_sid=started.sid, code="1")
    ) == (404, 20404)
    again = verify.verifications.create(to=PHONE, channel="sms")
    assert again.sid != started.sid


def test_five_checks_then_60202(verify):
    started = verify.verifications.create(to=PHONE, channel="sms")
    statuses = [verify.verification_checks.create(to=PHONE, code="0").status for _ in range(5)]
    assert statuses == ["pending"] * 4 + ["max_attempts_reached"]
    assert error_of(
        lambda: verify.verification_checks.create(to=PHONE, code=latest_verify_code(PHONE))
    ) == (429, 60202)
    assert verify.verifications(started.sid).fetch().status == "max_attempts_reached"


def test_resends_carry_the_same_code_five_times_then_60203(verify):
    first = verify.verifications.create(to=PHONE, channel="sms")
    code = latest_verify_code(PHONE)
    for _ in range(4):
        again = verify.verifications.create(to=PHONE, channel="sms")
        assert again.sid == first.sid
    assert len(again.send_code_attempts) == 5
    assert {m["body"][-6:] for m in handsets.messages_received(PHONE)} == {code}
    assert error_of(lambda: verify.verifications.create(to=PHONE, channel="sms")) == (429, 60203)


def test_codes_expire_after_ten_minutes(verify, advance):
    started = verify.verifications.create(to=PHONE, channel="sms")
    code = latest_verify_code(PHONE)
    advance(9 * 60)
    assert verify.verifications(started.sid).fetch().status == "pending"
    advance(61)
    assert error_of(lambda: verify.verifications(started.sid).fetch()) == (404, 20404)
    assert error_of(lambda: verify.verification_checks.create(to=PHONE, code=code)) == (
        404,
        20404,
    )
    fresh = verify.verifications.create(to=PHONE, channel="sms")
    assert fresh.sid != started.sid


def test_fetch_and_update_by_to(verify):
    started = verify.verifications.create(to=PHONE, channel="sms")
    assert verify.verifications(PHONE).fetch().sid == started.sid
    assert verify.verifications(PHONE).update(status="canceled").status == "canceled"


def test_another_account_sees_nothing(sub, make_subaccount):
    service = sub.client.verify.v2.services.create(friendly_name="Acme Coffee")
    started = sub.client.verify.v2.services(service.sid).verifications.create(
        to=PHONE, channel="sms"
    )
    other = make_subaccount("other").client.verify.v2.services(service.sid)
    assert error_of(lambda: other.fetch()) == (404, 20404)
    assert error_of(lambda: other.verifications(started.sid).fetch()) == (404, 20404)
    assert error_of(lambda: other.verification_checks.create(to=PHONE, code="1")) == (404, 20404)
