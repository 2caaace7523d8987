"""A tenant's own SES account: checked with a real call to the local SES, stored encrypted,
its event publishing set up (configuration set, topic, subscription auto-confirmed by the
tracking webhook), and used for that tenant's email only."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from emails.models import EspCredentials
from emails.services import credentials_delete, credentials_save
from sandbox import clock
from sandbox.aws.models import SnsSubscription
from sandbox.aws.services import account_create
from tenants.models import AuditEvent
from tenants.services import Actor

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC = "https://platform.example.test"


@pytest.fixture(autouse=True)
def https_platform(settings):
    # SNS carries basic auth only to https endpoints.
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "platform.example.test"]


def test_field_errors_before_any_call(tenant):
    with pytest.raises(ValidationError) as err:
        credentials_save(
            tenant=tenant,
            access_key_id="not a key",
            secret_access_key="",
            region="moon",
            actor=Actor.system(),
        )
    assert set(err.value.message_dict) == {"access_key_id", "secret_access_key", "region"}
    assert not EspCredentials.objects.exists()


def test_refused_keys_name_the_field(tenant):
    key_id, _secret = account_create("tenant-a")
    with pytest.raises(ValidationError) as wrong_secret:
        credentials_save(
            tenant=tenant,
            access_key_id=key_id,
            secret_access_key="x" * 40,
            region="us-east-1",
            actor=Actor.system(),
        )
    assert "secret_access_key" in wrong_secret.value.message_dict
    with pytest.raises(ValidationError) as unknown_key:
        credentials_save(
            tenant=tenant,
            access_key_id="AKIA0000000000000000",
            secret_access_key="x" * 40,
            region="us-east-1",
            actor=Actor.system(),
        )
    assert "access_key_id" in unknown_key.value.message_dict
    assert not EspCredentials.objects.exists()


def test_saved_encrypted_and_event_publishing_confirmed(tenant):
    key_id, secret = account_create("tenant-a")
    credentials, url = credentials_save(
        tenant=tenant,
        access_key_id=key_id,
        secret_access_key=secret,
        region="us-east-1",
        actor=Actor.system(),
    )
    clock.advance(1)  # SNS posts the SubscriptionConfirmation
    credentials.refresh_from_db()
    assert credentials.status == EspCredentials.Status.ACTIVE
    assert credentials.configuration_set == f"isvplatform-t{tenant.pk}"
    webhook_secret = credentials.webhook_secret.reveal()
    assert url == f"https://{webhook_secret}@platform.example.test/anymail/amazon_ses/tracking/"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret_access_key, webhook_secret FROM emails_espcredentials WHERE id = %s",
            [credentials.pk.hex if connection.vendor == "sqlite" else credentials.pk],
        )
        stored = cursor.fetchone()
    assert secret not in stored[0] and webhook_secret not in stored[1]
    subscription = SnsSubscription.objects.get(endpoint=url)
    assert subscription.confirmed, "the tracking webhook confirmed the subscription"
    audit = AuditEvent.objects.get(tenant=tenant, action="email.credentials.saved")
    assert secret not in str(audit.changes) and key_id not in str(audit.changes)


def test_delete_goes_back_to_the_platform_account(tenant):
    key_id, secret = account_create("tenant-a")
    credentials_save(
        tenant=tenant,
        access_key_id=key_id,
        secret_access_key=secret,
        region="us-east-1",
        actor=Actor.system(),
    )
    assert credentials_delete(tenant=tenant, actor=Actor.system())
    assert not EspCredentials.objects.filter(tenant=tenant).exists()
    assert not credentials_delete(tenant=tenant, actor=Actor.system())


def test_own_account_email_is_sent_and_tracked_there(tenant, other_tenant):
    from django.conf import settings

    from emails.models import EmailIdentity
    from emails.services import email_send, identity_check, identity_create
    from messaging.models import Status
    from sandbox.aws.models import SesEmail

    key_id, secret = account_create("tenant-a")
    credentials_save(
        tenant=tenant,
        access_key_id=key_id,
        secret_access_key=secret,
        region="us-east-1",
        actor=Actor.system(),
    )
    clock.advance(1)
    identity = identity_create(tenant=tenant, name="mail.tenant-a.test", actor=Actor.system())
    assert identity.own_credentials
    # The platform account doesn't hold it: another tenant may add the same name there.
    identity_create(tenant=other_tenant, name="mail.tenant-a.test", actor=Actor.system())
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    assert identity_check(str(identity.pk), force=True) == EmailIdentity.Status.VERIFIED
    message = email_send(
        tenant=tenant,
        to="success@simulator.amazonses.com",
        from_="news@mail.tenant-a.test",
        subject="Hello",
        text="Hello there",
        actor=Actor.system(),
    )
    message.refresh_from_db()
    assert SesEmail.objects.get(message_id=message.esp_message_id).account.access_key_id == key_id
    clock.advance(60)
    message.refresh_from_db()
    # Its events came signed with the tenant's webhook secret, and were applied.
    assert message.status == Status.DELIVERED


def test_an_http_platform_cannot_take_events_from_an_own_account(tenant, settings):
    settings.PUBLIC_BASE_URL = "http://platform.example.test"
    key_id, secret = account_create("tenant-a")
    credentials, url = credentials_save(
        tenant=tenant,
        access_key_id=key_id,
        secret_access_key=secret,
        region="us-east-1",
        actor=Actor.system(),
    )
    assert url.startswith("http://")
    credentials.refresh_from_db()
    assert credentials.status == EspCredentials.Status.FAILED
    assert "https" in credentials.check_error
