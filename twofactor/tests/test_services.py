"""Enrolment, codes, recovery codes, throttling and the tenant rule, at the service layer."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import AuditEvent, Membership
from tenants.services import Actor
from tenants.tests.factories import MembershipFactory, UserFactory
from twofactor import selectors
from twofactor.qr import manual_secret, otpauth_uri, qr_svg
from twofactor.services import (
    code_check,
    recovery_codes_regenerate,
    security_policy_update,
    totp_enrolment_confirm,
    totp_enrolment_start,
    two_factor_disable,
    two_factor_reset,
)
from twofactor.tests.factories import TOTPDeviceFactory

pytestmark = pytest.mark.django_db


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = totp_enrolment_start(user=user)
    code = selectors.totp_current_code(device)
    codes = totp_enrolment_confirm(user=user, code=code, actor=Actor(user=user))
    device.refresh_from_db()
    return device, codes


def test_enrolment_needs_a_matching_code_then_gives_ten_recovery_codes(tenant):
    user = MembershipFactory(tenant=tenant).user
    device = totp_enrolment_start(user=user)
    assert totp_enrolment_start(user=user) == device  # the same secret until confirmed
    wrong = f"{(int(selectors.totp_current_code(device)) + 1) % 1_000_000:06d}"
    with pytest.raises(ValidationError) as refused:
        totp_enrolment_confirm(user=user, code=wrong, actor=Actor(user=user))
    assert "code" in refused.value.message_dict
    assert not selectors.has_two_factor(user)

    device.throttle_reset()
    device, codes = enrol(user)
    assert device.confirmed and selectors.has_two_factor(user)
    assert len(codes) == len(set(codes)) == 10
    assert selectors.recovery_codes_left(user) == 10
    event = AuditEvent.objects.for_tenant(tenant).get(action="two_factor.enabled")
    assert event.actor_user == user and device.key not in str(event.changes)
    with pytest.raises(ValidationError):
        totp_enrolment_start(user=user)


def test_a_recovery_code_signs_in_once_and_new_codes_replace_old():
    user = UserFactory()
    _, codes = enrol(user)
    first = codes[0]
    assert isinstance(code_check(user=user, code=f" {first[:4]}-{first[4:].upper()} ").device,
                      StaticDevice)  # fmt: skip
    assert selectors.recovery_codes_left(user) == 9
    StaticDevice.objects.get(user=user).throttle_reset()
    assert code_check(user=user, code=first).device is None

    StaticDevice.objects.get(user=user).throttle_reset()
    fresh = recovery_codes_regenerate(user=user, actor=Actor(user=user))
    assert not set(fresh) & set(codes)
    assert code_check(user=user, code=codes[1]).device is None
    StaticDevice.objects.get(user=user).throttle_reset()
    assert code_check(user=user, code=fresh[1]).device is not None


def test_a_totp_code_is_accepted_once(settings):
    user = UserFactory()
    device, _ = enrol(user)
    later = selectors.totp_current_code(device, steps_ahead=1)
    assert code_check(user=user, code=later).device == device
    # The same code again (a replay) is refused.
    device.refresh_from_db()
    device.throttle_reset()
    assert code_check(user=user, code=later).device is None


def test_wrong_codes_throttle_even_the_right_one(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600
    user = UserFactory()
    device = TOTPDeviceFactory(user=user)
    right = selectors.totp_current_code(device)
    wrong = next(c for c in ("000000", "111111") if c != right)
    assert code_check(user=user, code=wrong).device is None
    checked = code_check(user=user, code=right)
    assert checked.device is None and checked.retry_after is not None
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()
    assert code_check(user=user, code=right).device == device


def test_disable_needs_a_code_and_is_refused_when_required(tenant, settings):
    user = MembershipFactory(tenant=tenant, role=Membership.Role.MEMBER).user
    _, codes = enrol(user)
    with pytest.raises(ValidationError):
        two_factor_disable(user=user, code="12", actor=Actor(user=user))
    security_policy_update(tenant=tenant, require_two_factor=True, actor=Actor.system())
    with pytest.raises(ValidationError) as refused:
        two_factor_disable(user=user, code=codes[0], actor=Actor(user=user))
    assert "Required by the owners of" in str(refused.value)
    assert selectors.has_two_factor(user)

    security_policy_update(tenant=tenant, require_two_factor=False, actor=Actor.system())
    StaticDevice.objects.get(user=user).throttle_reset()
    two_factor_disable(user=user, code=codes[0], actor=Actor(user=user))
    assert not selectors.has_two_factor(user)
    assert not StaticDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.for_tenant(tenant).filter(action="two_factor.disabled").exists()


def test_staff_can_never_switch_it_off_but_staff_can_reset_anyone(tenant):
    staff = UserFactory(is_staff=True)
    _, codes = enrol(staff)
    with pytest.raises(ValidationError):
        two_factor_disable(user=staff, code=codes[0], actor=Actor(user=staff))

    member = MembershipFactory(tenant=tenant).user
    enrol(member)
    assert two_factor_reset(user=member, actor=Actor(user=staff)) is True
    assert not selectors.has_two_factor(member)
    event = AuditEvent.objects.for_tenant(tenant).get(action="two_factor.reset")
    assert event.actor_user == staff and event.target_id == str(member.pk)
    assert two_factor_reset(user=member, actor=Actor(user=staff)) is False


def test_the_tenant_rule_applies_to_its_members_only(tenant, other_tenant):
    member = MembershipFactory(tenant=tenant).user
    outsider = MembershipFactory(tenant=other_tenant).user
    assert not selectors.two_factor_required(member)
    policy = security_policy_update(tenant=tenant, require_two_factor=True, actor=Actor.system())
    assert policy.require_two_factor
    assert selectors.two_factor_required(member) and not selectors.two_factor_required(outsider)
    event = AuditEvent.objects.for_tenant(tenant).get(action="security_policy.updated")
    assert event.changes == {"require_two_factor": [False, True]}
    security_policy_update(tenant=tenant, require_two_factor=True, actor=Actor.system())
    assert (
        AuditEvent.objects.for_tenant(tenant).filter(action="security_policy.updated").count() == 1
    )


def test_staff_requirement_follows_the_setting(settings):
    staff = UserFactory(is_staff=True)
    assert selectors.two_factor_required(staff)
    settings.TWOFACTOR_REQUIRED_FOR_STAFF = False
    assert not selectors.two_factor_required(staff)


def test_the_qr_code_carries_the_platform_as_issuer_and_the_secret():
    user = UserFactory(username="dana@example.com")
    device = totp_enrolment_start(user=user)
    uri = otpauth_uri(device)
    parts = urlsplit(uri)
    query = parse_qs(parts.query)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert parts.path == "/isvplatform%3Adana%40example.com"
    assert query["issuer"] == ["isvplatform"]
    assert query["secret"] == [manual_secret(device).replace(" ", "")]
    svg = qr_svg(uri)
    assert svg.startswith("<svg") and "<script" not in svg and "style=" not in svg
