"""The tenant's Verify service at Twilio: created once, adopted, recreated when Twilio lost
it, and its settings pushed back when they drifted."""

from provisioning.accounts import tenant_account
from tenants.models import AuditEvent
from verify.errors import VerifyRefused
from verify.models import VerifyService
from verify.services import enable_verify, update_settings, verify_service_sync
from verify.tasks import reconcile_services_task
from verify.tests.conftest import provision_subaccount


def twilio(tenant):
    return tenant_account(tenant).client().verify.v2


def test_enabling_creates_the_service_once(tenant, on_commit):
    provision_subaccount(tenant)
    on_commit(enable_verify, tenant, brand_name="Acme  Coffee")
    service = VerifyService.objects.for_tenant(tenant).get()
    assert service.status == "active" and service.brand_name == "Acme Coffee"
    remote = twilio(tenant).services(service.twilio_sid).fetch()
    assert remote.friendly_name == "Acme Coffee" and remote.code_length == 6
    assert verify_service_sync(str(service.pk)).action == "unchanged"
    on_commit(enable_verify, tenant, brand_name="Acme Coffee")
    assert len(twilio(tenant).services.list()) == 1
    assert AuditEvent.objects.filter(tenant=tenant, action="verify.enabled").count() == 1


def test_a_service_created_before_a_crash_is_adopted(tenant, on_commit):
    provision_subaccount(tenant)
    existing = twilio(tenant).services.create(friendly_name="Acme")
    on_commit(enable_verify, tenant, brand_name="Acme")
    assert VerifyService.objects.for_tenant(tenant).get().twilio_sid == existing.sid
    assert len(twilio(tenant).services.list()) == 1


def test_reconcile_recreates_a_missing_service_and_pushes_drifted_settings(verify_on, tenant):
    client = twilio(tenant)
    client.services(verify_on.twilio_sid).update(friendly_name="Someone Else", code_length=4)
    assert reconcile_services_task() == 1
    remote = client.services(verify_on.twilio_sid).fetch()
    assert (remote.friendly_name, remote.code_length) == ("Acme Coffee", 6)
    client.services(verify_on.twilio_sid).delete()
    reconcile_services_task()
    verify_on.refresh_from_db()
    assert verify_on.status == "active" and client.services(verify_on.twilio_sid).fetch()
    assert AuditEvent.objects.filter(tenant=tenant, action="verify.service_recreated").exists()


def test_settings_are_validated_before_twilio_sees_them(verify_on, on_commit):
    for changes, field in [
        ({"brand_name": "Call 555 12345"}, "brand_name"),
        ({"brand_name": "x" * 31}, "brand_name"),
        ({"code_length": 3}, "code_length"),
        ({"channels": []}, "channels"),
        ({"allowed_countries": ["XX"]}, "allowed_countries"),
        ({"default_locale": "xx"}, "default_locale"),
        ({"template_sid": "HX123"}, "template_sid"),
        ({"per_ip_hourly_limit": 0}, "per_ip_hourly_limit"),
    ]:
        try:
            update_settings(verify_on, **changes)
        except VerifyRefused as err:
            assert (err.field, err.status) == (field, 400), changes
        else:
            raise AssertionError(f"{changes} was accepted")
    on_commit(update_settings, verify_on, brand_name="Acme Tea", do_not_share_warning=False)
    remote = twilio(verify_on.tenant).services(verify_on.twilio_sid).fetch()
    assert remote.friendly_name == "Acme Tea" and remote.do_not_share_warning_enabled is False
