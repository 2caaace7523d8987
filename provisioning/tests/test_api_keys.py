"""Subaccount API keys: every REST call on a subaccount signs with its key, the auth token only
signs callbacks, and rotating, interrupting or migrating keys never breaks either."""

import io
import logging
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from isvplatform import gateway
from messaging.models import Message
from messaging.services import message_send
from provisioning.accounts import subaccount_client, subaccount_token_client, tenant_account
from provisioning.api_keys import (
    KEY_FRIENDLY_NAME,
    migrate_api_keys,
    subaccount_ensure_api_key,
    subaccount_rotate_api_key,
)
from provisioning.errors import ProvisioningConflict
from provisioning.models import TwilioSubaccount
from provisioning.numbers import number_buy, number_search
from provisioning.suspension import subaccount_close
from provisioning.tasks import ensure_api_keys_task
from sandbox import clock
from sandbox.core.models import ApiKey as SandboxKey
from sandbox.core.models import CallbackAttempt
from sandbox.testing import authenticated_calls
from tenants.models import AuditEvent
from tenants.services import Actor
from tenants.tests.factories import TenantFactory

pytestmark = pytest.mark.django_db
HANDSET = "+16285550111"
# What a standard key may not do, so these calls stay on the auth token.
KEY_MANAGEMENT = ("/Keys", "accounts:/v1/AuthTokens")


def toll_free_number(tenant):
    """A toll-free number verified at the sandbox, as Twilio requires before it sends (30032)."""
    from compliance.testing import verify_toll_free

    offer = number_search(tenant=tenant, number_type="toll_free", limit=1)[0]
    number = number_buy(tenant=tenant, actor=Actor.system(), phone_number=offer.phone_number)
    verify_toll_free(tenant, number)
    return number


def send(tenant, django_capture_on_commit_callbacks) -> Message:
    with django_capture_on_commit_callbacks(execute=True):
        return message_send(
            tenant=tenant, to=HANDSET, body="Your order is ready", actor=Actor.system()
        )


def sandbox_keys(sub) -> list[str]:
    return list(SandboxKey.objects.filter(account__sid=sub.sid).values_list("sid", flat=True))


def unkeyed(sub) -> TwilioSubaccount:
    """The subaccount as it was before API keys: no key here, none in Twilio."""
    SandboxKey.objects.filter(account__sid=sub.sid).delete()
    TwilioSubaccount.objects.filter(pk=sub.pk).update(api_key_sid="", api_key_secret=None)
    return TwilioSubaccount.objects.get(pk=sub.pk)


def test_every_rest_call_on_the_subaccount_uses_its_key(
    tenant, provision, django_capture_on_commit_callbacks
):
    with authenticated_calls() as calls:
        sub = provision(tenant)
        toll_free_number(tenant)
        message = send(tenant, django_capture_on_commit_callbacks)
        clock.advance(5)
        message.refresh_from_db()
        gateway.fetch_message(tenant_account(tenant).client(), message.sid)

    assert sub.api_key_sid.startswith("SK") and sandbox_keys(sub) == [sub.api_key_sid]
    on_sub = [c for c in calls if c.account_sid == sub.sid]
    rest = [c for c in on_sub if not any(m in c.operation for m in KEY_MANAGEMENT)]
    assert {c.operation.split(":")[1] for c in rest} >= {
        "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json",
        "/2010-04-01/Accounts/{AccountSid}/Messages.json",
        "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json",
    }
    assert {c.username for c in rest} == {sub.api_key_sid}
    # The token signed only the key's own creation.
    assert {c.operation for c in on_sub if c.username == sub.sid} == {
        "GET api:/2010-04-01/Accounts/{AccountSid}/Keys.json",
        "POST api:/2010-04-01/Accounts/{AccountSid}/Keys.json",
    }


def test_rotating_the_key_breaks_no_status_callback(
    tenant, active_sub, django_capture_on_commit_callbacks
):
    toll_free_number(tenant)
    old_key = active_sub.api_key_sid
    old_client = subaccount_client(active_sub)
    message = send(tenant, django_capture_on_commit_callbacks)
    seen = set(CallbackAttempt.objects.values_list("pk", flat=True))

    sub = subaccount_rotate_api_key(subaccount=active_sub, actor=Actor.system())
    for _ in range(4):
        clock.advance(5)

    message.refresh_from_db()
    assert message.status == "delivered"
    attempts = CallbackAttempt.objects.exclude(pk__in=seen).filter(callback__account_sid=sub.sid)
    assert attempts and {a.status_code for a in attempts} <= {200, 204}
    assert sub.api_key_sid != old_key and sandbox_keys(sub) == [sub.api_key_sid]
    assert not sub.previous_api_key_sid and sub.api_key_claimed_until is None
    with pytest.raises(gateway.AuthenticationError):
        gateway.list_numbers(old_client)
    assert gateway.list_numbers(subaccount_client(sub))
    event = AuditEvent.objects.get(action="subaccount.api_key_rotated", target_id=str(sub.pk))
    assert event.changes == {"sid": [old_key, sub.api_key_sid]}


def test_a_key_created_but_never_recorded_is_deleted_and_replaced(active_sub):
    sub = unkeyed(active_sub)
    # An earlier run created the key in Twilio and died before saving its secret.
    lost = gateway.create_api_key(subaccount_token_client(sub), sub.sid, KEY_FRIENDLY_NAME)
    mine = gateway.create_api_key(subaccount_token_client(sub), sub.sid, "someone else's")

    sub = subaccount_ensure_api_key(sub)

    assert sub.has_api_key and sub.api_key_sid not in (lost.sid, mine.sid)
    assert sorted(sandbox_keys(sub)) == sorted([sub.api_key_sid, mine.sid])
    assert subaccount_ensure_api_key(sub).api_key_sid == sub.api_key_sid


def test_a_rotation_that_died_after_switching_deletes_the_old_key_on_the_next_run(active_sub):
    old = active_sub.api_key_sid
    new = gateway.create_api_key(subaccount_token_client(active_sub), active_sub.sid, "x")
    TwilioSubaccount.objects.filter(pk=active_sub.pk).update(
        api_key_sid=new.sid, previous_api_key_sid=old
    )
    sub = TwilioSubaccount.objects.get(pk=active_sub.pk)
    sub.api_key_secret = new.secret
    sub.save()

    assert migrate_api_keys().keyed == 1
    sub.refresh_from_db()
    assert sub.api_key_sid == new.sid and not sub.previous_api_key_sid
    assert sandbox_keys(sub) == [new.sid]


def test_a_held_claim_refuses_a_second_rotation(active_sub, staff_client):
    TwilioSubaccount.objects.filter(pk=active_sub.pk).update(
        api_key_claimed_until=timezone.now() + timedelta(minutes=5)
    )
    with pytest.raises(ProvisioningConflict):
        subaccount_rotate_api_key(subaccount=active_sub, actor=Actor.system())
    response = staff_client.post(f"/api/v1/staff/subaccounts/{active_sub.pk}/rotate-api-key")
    assert response.status_code == 409
    assert sandbox_keys(active_sub) == [active_sub.api_key_sid]


def test_the_migration_command_keys_old_subaccounts_and_is_safe_to_rerun(tenant, provision):
    subs = [unkeyed(provision(tenant)), unkeyed(provision(TenantFactory()))]

    out = io.StringIO()
    call_command("migrate_subaccount_api_keys", "--batch-size", "1", stdout=out)
    assert "2 subaccount(s) now use an API key" in out.getvalue()
    keys = {}
    for sub in subs:
        sub.refresh_from_db()
        assert sub.has_api_key and sandbox_keys(sub) == [sub.api_key_sid]
        keys[sub.pk] = sub.api_key_sid

    out = io.StringIO()
    call_command("migrate_subaccount_api_keys", stdout=out)
    assert "0 subaccount(s) now use an API key" in out.getvalue()
    for sub in subs:
        sub.refresh_from_db()
        assert sub.api_key_sid == keys[sub.pk] and sandbox_keys(sub) == [sub.api_key_sid]
    with authenticated_calls() as calls:
        gateway.list_numbers(subaccount_client(subs[0]))
    assert [c.username for c in calls] == [keys[subs[0].pk]]


def test_the_command_reports_failures_and_the_next_run_finishes(active_sub):
    sub = unkeyed(active_sub)
    token, sub.auth_token = sub.auth_token, "not-the-token"
    sub.save()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("migrate_subaccount_api_keys", stdout=io.StringIO(), stderr=err)
    assert sub.sid in err.getvalue()
    sub.auth_token = token
    sub.save()
    call_command("migrate_subaccount_api_keys", stdout=io.StringIO())
    sub.refresh_from_db()
    assert sub.has_api_key and sandbox_keys(sub) == [sub.api_key_sid]


def test_the_secret_never_appears_in_admin_api_audit_or_logs(
    tenant, provision, admin_client, staff_client, caplog
):
    caplog.set_level(logging.DEBUG)
    sub = provision(tenant)
    sub = subaccount_rotate_api_key(subaccount=sub, actor=Actor.system())
    secret = sub.api_key_secret.reveal()

    page = admin_client.get(reverse("admin:provisioning_twiliosubaccount_change", args=[sub.pk]))
    assert sub.api_key_sid in page.content.decode()
    staff = staff_client.get(f"/api/v1/staff/subaccounts/{sub.pk}")
    rotated = staff_client.post(f"/api/v1/staff/subaccounts/{sub.pk}/rotate-api-key")
    sub.refresh_from_db()
    new_secret = sub.api_key_secret.reveal()
    assert staff.status_code == 200 and staff.json()["api_key_sid"].startswith("SK")
    assert rotated.status_code == 200 and rotated.json()["api_key_sid"] == sub.api_key_sid
    texts = [page.content.decode(), staff.content.decode(), rotated.content.decode()]
    texts += [str(e.changes) for e in AuditEvent.objects.all()]
    texts.append(caplog.text)
    for text in texts:
        assert secret not in text and new_secret not in text


def test_closing_forgets_the_key_secret(active_sub):
    sub = subaccount_close(subaccount=active_sub, actor=Actor.system(), confirmed=True)
    sub.refresh_from_db()
    assert sub.api_key_secret is None and sub.auth_token is None


def test_the_hourly_task_keys_a_subaccount_provisioning_left_without_one(active_sub):
    sub = unkeyed(active_sub)
    assert ensure_api_keys_task() == 1
    sub.refresh_from_db()
    assert sub.has_api_key and sandbox_keys(sub) == [sub.api_key_sid]
    assert ensure_api_keys_task() == 0


def test_a_key_revoked_in_twilio_is_replaced_by_a_rotation(tenant, active_sub):
    SandboxKey.objects.filter(sid=active_sub.api_key_sid).delete()
    with pytest.raises(gateway.AuthenticationError):
        gateway.list_numbers(subaccount_client(active_sub))

    sub = subaccount_rotate_api_key(subaccount=active_sub, actor=Actor.system())

    assert gateway.list_numbers(subaccount_client(sub)) == []
    assert sandbox_keys(sub) == [sub.api_key_sid] and not sub.previous_api_key_sid
