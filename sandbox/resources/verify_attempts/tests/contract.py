"""Contract scenarios for Verify attempts (see sandbox/tests/test_contract.py)."""

import datetime as dt

from sandbox.testing import latest_verify_code


def attempts(ctx) -> None:
    service = ctx.sub.client.verify.v2.services.create(friendly_name="Acme")
    verify = ctx.sub.client.verify.v2.services(service.sid)
    started = verify.verifications.create(to="+14155550195", channel="sms")
    verify.verification_checks.create(to=started.to, code=latest_verify_code(started.to))
    verify.verifications.create(to="ana@example.com", channel="email")
    api = ctx.sub.client.verify.v2.verification_attempts
    listed = api.list(limit=5)
    api.list(
        date_created_after=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        date_created_before=dt.datetime(2100, 1, 1, tzinfo=dt.UTC),
        channel_data_to="+14155550195",
        country="US",
        channel="sms",
        verify_service_sid=service.sid,
        verification_sid=started.sid,
        status="converted",
        limit=5,
    )
    api(listed[0].sid).fetch()
    ctx.sub.client.verify.v2.verification_attempts_summary().fetch(
        verify_service_sid=service.sid, channel="sms", country="US", destination_prefix="+1415"
    )


SCENARIOS = {
    "attempts": (
        {
            "GET verify:/v2/Attempts",
            "GET verify:/v2/Attempts/{Sid}",
            "GET verify:/v2/Attempts/Summary",
        },
        attempts,
    ),
}
