"""The code a person receives appears nowhere in the platform: not in its database, not in
its logs (the sandbox, being Twilio, keeps its own copy and is left out of the dump)."""

import io
import logging

from django.apps import apps
from django.core.management import call_command

from verify.models import VerificationCheck
from verify.services import check_verification, start_verification, update_settings
from verify.tests.conftest import code_for


def platform_dump() -> str:
    labels = [c.label for c in apps.get_app_configs() if c.label != "sandbox"]
    out = io.StringIO()
    call_command("dumpdata", *labels, stdout=out)
    return out.getvalue()


def test_the_code_is_never_stored_or_logged(verify_on, tenant, caplog):
    update_settings(verify_on, code_length=10)  # ten digits: no accidental match in a dump
    caplog.set_level(logging.DEBUG)
    attempt = start_verification(tenant, to="+14155550180", channel="sms")
    code = code_for("+14155550180")
    assert len(code) == 10
    check = check_verification(tenant, to="+14155550180", code=code)
    assert check.result == VerificationCheck.Result.APPROVED
    dump = platform_dump()
    assert attempt.twilio_sid in dump  # the dump does hold the attempt
    assert code not in dump
    platform_logs = [r for r in caplog.records if not r.name.startswith("sandbox")]
    assert platform_logs  # the gateway logged its calls
    assert not [r for r in platform_logs if code in r.getMessage()]
