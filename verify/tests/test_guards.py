"""The platform's guards before Twilio: per number, per IP, the prefix burst (SMS pumping,
refused and alerted), the geo allowlist; and Twilio's own refusals passed on with its code."""

import pytest
from django.core import mail

from tenants.models import AuditEvent, BusinessProfile
from verify.errors import VerifyRefused
from verify.models import PumpingAlert, VerificationAttempt
from verify.services import start_verification, update_settings


def refusal(tenant, **kwargs) -> VerifyRefused:
    with pytest.raises(VerifyRefused) as refused:
        start_verification(tenant, **{"channel": "sms", **kwargs})
    return refused.value


def test_per_number_limit_counts_resends(verify_on, tenant):
    update_settings(verify_on, per_number_hourly_limit=2)
    first = start_verification(tenant, to="+14155550111", channel="sms")
    again = start_verification(tenant, to="+14155550111", channel="sms")
    assert again.pk == first.pk and again.send_count == 2  # Twilio's resend: the same VE
    err = refusal(tenant, to="+14155550111")
    assert (err.code, err.status, err.field) == ("too_many_sends_to_destination", 429, "to")
    failed = VerificationAttempt.objects.for_tenant(tenant).get(status="failed")
    assert failed.error_code == "too_many_sends_to_destination" and failed.twilio_sid == ""
    start_verification(tenant, to="+14155550112", channel="sms")  # other numbers still go


def test_per_ip_limit(verify_on, tenant):
    update_settings(verify_on, per_ip_hourly_limit=2)
    for n in (21, 22):
        start_verification(tenant, to=f"+141555501{n}", channel="sms", client_ip="198.51.100.7")
    err = refusal(tenant, to="+14155550123", client_ip="198.51.100.7")
    assert (err.code, err.status) == ("too_many_sends_from_ip", 429)
    start_verification(tenant, to="+14155550124", channel="sms", client_ip="198.51.100.8")


def test_a_burst_to_one_prefix_is_refused_and_alerted(
    verify_on, tenant, owner, staff_user, django_capture_on_commit_callbacks
):
    update_settings(verify_on, prefix_burst_limit=3)
    for n in range(3):
        start_verification(tenant, to=f"+1415555013{n}", channel="sms")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        err = refusal(tenant, to="+14155550139")
    assert (err.code, err.status) == ("prefix_burst", 429) and "+1415555" in err.message
    refusal(tenant, to="+14155550138")
    alert = PumpingAlert.objects.for_tenant(tenant).get()
    assert (alert.prefix, alert.sends, alert.limit, alert.refused) == ("+1415555", 3, 3, 2)
    assert AuditEvent.objects.filter(tenant=tenant, action="verify.pumping_alert").count() == 1
    [email] = mail.outbox
    assert set(email.to) == {owner.email, staff_user.email}
    assert "SMS pumping" in email.subject
    start_verification(tenant, to="+16285550140", channel="sms")  # another prefix goes


def test_the_geo_allowlist_defaults_to_the_business_country(verify_on, tenant):
    err = refusal(tenant, to="+5511987654321")
    assert (err.code, err.status, err.field) == ("country_not_allowed", 403, "to")
    assert "US" in err.message
    update_settings(verify_on, allowed_countries=["us", "BR"])
    assert start_verification(tenant, to="+5511987654321", channel="sms").country == "BR"


def test_the_business_country_is_its_profile_address(verify_on, tenant):
    BusinessProfile.objects.update_or_create(
        tenant=tenant, defaults={"legal_name": "Acme", "address_country": "BR"}
    )
    assert start_verification(tenant, to="+5511987654321", channel="sms").country == "BR"
    assert refusal(tenant, to="+14155550150").code == "country_not_allowed"


def test_a_disabled_channel_is_refused(verify_on, tenant):
    update_settings(verify_on, channels=["sms"])
    err = refusal(tenant, to="+14155550151", channel="whatsapp")
    assert (err.code, err.field) == ("channel_disabled", "channel")


def test_twilios_refusal_keeps_its_code(verify_on, tenant):
    update_settings(verify_on, per_number_hourly_limit=50)
    for _ in range(5):
        start_verification(tenant, to="+14155550160", channel="sms")
    err = refusal(tenant, to="+14155550160")
    assert (err.code, err.status) == ("60203", 429)
    assert "Too many codes" in err.message
    failed = VerificationAttempt.objects.for_tenant(tenant).get(status="failed")
    assert failed.error_code == "60203"


@pytest.mark.parametrize(
    ("to", "channel", "field"),
    [("not a number", "sms", "to"), ("+1415", "sms", "to"), ("nobody", "email", "to"),
     ("+14155550170", "fax", "channel")],
)  # fmt: skip
def test_bad_input_is_refused_before_anything_is_recorded(verify_on, tenant, to, channel, field):
    err = refusal(tenant, to=to, channel=channel)
    assert (err.status, err.field) == (400, field)
    assert not VerificationAttempt.objects.for_tenant(tenant).exists()


def test_every_refusal_code_fits_the_attempt_and_check_columns():
    """PostgreSQL refuses an over-long value where SQLite keeps it: the platform's own codes
    (`too_many_sends_to_destination`…) must fit where the attempt records them."""
    import re
    from pathlib import Path

    from verify.models import VerificationAttempt, VerificationCheck

    source = "".join(p.read_text() for p in Path("verify/services").glob("*.py"))
    codes = set(re.findall(r'VerifyRefused\(\s*"([a-z_0-9]+)"', source))
    assert "too_many_sends_to_destination" in codes
    for model in (VerificationAttempt, VerificationCheck):
        width = model._meta.get_field("error_code").max_length
        assert max(map(len, codes)) <= width, model
