"""The strong test of forgetting: one person's trail through every feature of a tenant (real
sandbox sends, an inbound, status callbacks, an idempotent API send, a STOP, a broadcast,
an email), erased; then every table of every app is scanned for the address in each form
it can take. Only the sandbox's tables may keep it: they stand for Twilio's and AWS's own
copies, outside the platform's database in production."""

import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from broadcasts.tests.factories import BroadcastFactory, BroadcastRecipientFactory
from contacts.models import Contact, ContactImport
from contacts.tests.factories import AudienceFactory, ContactFactory, ContactImportFactory
from emails.models import EmailEvent
from emails.tests.factories import EmailIdentityFactory
from emails.tests.test_sending import send as send_email
from messaging.models import Message, WebhookEvent
from messaging.statuses import apply_status_callback
from messaging.tests.conftest import HANDSET, advance
from messaging.tests.factories import MessageFactory
from privacy.models import ErasureRequest
from privacy.services import erasure_request, erasures_scrub_late_events, export_request
from sandbox.handsets import send_from_handset
from tenants.services import Actor
from tenants.tests.factories import UserFactory
from verify.tests.factories import VerificationAttemptFactory, WidgetTokenFactory
from webhooks.tests.factories import EndpointFactory

pytestmark = pytest.mark.django_db
EMAIL = "reader@example.org"
# Twilio's and AWS's side, simulated: the platform's erasure can't and mustn't reach it.
OUTSIDE = {"sandbox"}
TEXTUAL = (models.CharField, models.TextField)


def forms_of(address: str) -> list[str]:
    return [address, address.lstrip("+")] if address.startswith("+") else [address]


def holders(address: str) -> set[tuple[str, str]]:
    """(model, pk) of every row of every concrete model, outside the sandbox, holding
    `address` in any text, JSON or binary column."""
    found: set[tuple[str, str]] = set()
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in OUTSIDE or meta.proxy or not meta.managed:
            continue
        rows = model._default_manager.all()
        lookups, annotations, binary = Q(), {}, []
        for field in meta.concrete_fields:
            if isinstance(field, TEXTUAL):
                for form in forms_of(address):
                    lookups |= Q(**{f"{field.attname}__icontains": form})
            elif isinstance(field, models.JSONField):
                alias = f"{field.attname}__scan"
                annotations[alias] = Cast(field.attname, TextField())
                for form in forms_of(address):
                    lookups |= Q(**{f"{alias}__icontains": form})
            elif isinstance(field, models.BinaryField):
                binary.append(field.attname)
        if lookups:
            hits = rows.annotate(**annotations).filter(lookups).values_list("pk", flat=True)
            found |= {(meta.label, str(pk)) for pk in hits}
        for name in binary:
            for pk, value in rows.values_list("pk", name):
                if value and any(f.encode() in bytes(value) for f in forms_of(address)):
                    found.add((meta.label, str(pk)))
    return found


def forget(tenant, on_commit, **subject) -> ErasureRequest:
    request = on_commit(erasure_request, tenant=tenant, actor=Actor.system(), **subject)
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.DONE, request.error
    return request


def seed_factories(tenant, address: str) -> None:
    """What the flows below don't reach: a broadcast, a verification, an import, staff's
    edit in the admin, a tenant-webhook delivery naming the person."""
    contact = Contact.objects.for_tenant(tenant).filter(phone=address).first() or ContactFactory(
        tenant=tenant, phone=address, first_name="Mia"
    )
    BroadcastRecipientFactory(
        broadcast=BroadcastFactory(tenant=tenant), contact=contact, address=address
    )
    VerificationAttemptFactory(tenant=tenant, to=address, error_message=f"Not {address}")
    WidgetTokenFactory(tenant=tenant, phone=address)
    named = {"fields": [{"key": "phone", "op": "eq", "value": address}]}
    AudienceFactory(tenant=tenant, filter=named)
    csv = f"phone,first_name\n+18135550100,Ana\n{address},Mia\n({address[2:5]}) x,Bo\n"
    ContactImportFactory(tenant=tenant, status=ContactImport.Status.COMPLETED).file.save(
        "people.csv", ContentFile(csv.encode())
    )
    LogEntry.objects.create(
        user=UserFactory(is_staff=True),
        content_type=ContentType.objects.get_for_model(Contact),
        object_id=str(contact.pk),
        object_repr=f"Mia {address}",
        action_flag=ADDITION,
        change_message=f'[{{"added": {{"phone": "{address}"}}}}]',
    )


def seed_flows(provisioned, key_api, on_commit, receiver) -> Message:
    """The person through the real flows: an idempotent API send delivered by the sandbox
    (status callbacks, tenant-webhook deliveries), their reply, then STOP."""
    tenant, ours = provisioned.tenant, provisioned.number.phone_number
    EndpointFactory(tenant=tenant, url=receiver.url)
    response = on_commit(
        key_api.post,
        "/api/v1/messages",
        {"to": HANDSET, "body": "Your table is ready"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="send-1",
    )
    assert response.status_code in (200, 201, 202), response.content
    on_commit(advance, 5, rounds=4)
    send_from_handset(HANDSET, ours, "Thanks, on my way")
    on_commit(advance, 2, rounds=4)
    send_from_handset(HANDSET, ours, "STOP")
    on_commit(advance, 2, rounds=4)
    sent = Message.objects.for_tenant(tenant).get(to_number=HANDSET)
    assert sent.sid and WebhookEvent.objects.filter(message_sid=sent.sid).exists()
    # A callback of the tenant's account matching no message (an orphan).
    WebhookEvent.objects.create(
        kind="inbound",
        message_sid="SM" + "0" * 32,
        status="received",
        account_sid=provisioned.sub.sid,
        payload={"From": HANDSET, "Body": "lost"},
    )
    return sent


def assert_exported(tenant, on_commit, held: set[tuple[str, str]], address: str) -> None:
    """The right of access covers what the erasure removes: every table holding the person
    is in the tenant's export with the address (the admin log is staff's, not the tenant's)."""
    export = on_commit(export_request, tenant=tenant, actor=Actor.system())
    export.refresh_from_db()
    assert export.status == "ready", export.error
    with zipfile.ZipFile(export.file.open("rb")) as archive:
        for label in {label for label, _ in held} - {"admin.LogEntry"}:
            assert address.lstrip("+") in archive.read(f"{label.lower()}.jsonl").decode(), label


def test_forgetting_a_number_leaves_it_in_no_table_and_still_blocks_a_send(
    provisioned, other_provisioned, key_api, on_commit, receiver, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    tenant, other = provisioned.tenant, other_provisioned.tenant
    MessageFactory(tenant=other, to_number=HANDSET, body="Theirs")
    seed_factories(other, HANDSET)
    theirs = holders(HANDSET)
    assert {label for label, _ in theirs} >= {"messaging.Message", "contacts.Contact"}

    sent = seed_flows(provisioned, key_api, on_commit, receiver)
    seed_factories(tenant, HANDSET)
    before = holders(HANDSET) - theirs
    for label in (
        "messaging.IdempotencyRecord",
        "messaging.WebhookEvent",
        "messaging.OptOut",
        "webhooks.WebhookDelivery",
        "admin.LogEntry",
        "contacts.Audience",
    ):
        assert label in {found for found, _ in before}, label

    assert_exported(tenant, on_commit, before, HANDSET)

    request = forget(tenant, on_commit, phone=HANDSET)
    assert request.counts["idempotency_records"] == 1
    assert request.counts["contact_import_files"] == 1
    assert holders(HANDSET) == theirs  # nothing of ours left, all of theirs still there

    job = ContactImport.objects.for_tenant(tenant).get()
    kept = job.file.open("rb").read().decode()
    assert HANDSET not in kept and "+18135550100,Ana" in kept
    assert HANDSET in ContactImport.objects.for_tenant(other).get().file.open("rb").read().decode()

    # The same idempotency key again: a new request now, refused by the keyed hash.
    again = on_commit(
        key_api.post,
        "/api/v1/messages",
        {"to": HANDSET, "body": "Your table is ready"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="send-1",
    )
    assert again.status_code == 400, again.content
    assert again.json()["error"]["code"] == "recipient_opted_out"

    # A late callback for the erased message carries the number again: the sweep drops it.
    apply_status_callback(
        {
            "MessageSid": sent.sid,
            "MessageStatus": "read",
            "AccountSid": provisioned.sub.sid,
            "To": HANDSET,
        }
    )
    assert holders(HANDSET) - theirs
    assert erasures_scrub_late_events() >= 1
    assert holders(HANDSET) == theirs


def test_forgetting_an_email_address_leaves_it_in_no_table(tenant, other_tenant, on_commit):
    for owner in (tenant, other_tenant):
        domain = f"news{owner.pk}.acme.test"
        EmailIdentityFactory(tenant=owner, name=domain)
        message = send_email(owner, to=EMAIL.title(), from_=f"hello@{domain}")
        EmailEvent.objects.create(
            tenant=owner,
            message=message,
            esp_name="amazon_ses",
            event_id=f"ev-{owner.pk}",
            event_type="delivered",
            recipient=EMAIL,
            payload={"mail": {"destination": [EMAIL]}},
        )
        ContactFactory(tenant=owner, email=EMAIL)
    theirs = holders(EMAIL)
    assert any(label == "messaging.Message" for label, _ in theirs)
    forget(tenant, on_commit, email=EMAIL.upper())
    left = holders(EMAIL)
    assert left and left < theirs
    owners = {
        model.objects.filter(pk=pk).values_list("tenant_id", flat=True).first()
        for label, pk in left
        if hasattr(model := apps.get_model(label), "tenant")
    }
    assert owners == {other_tenant.pk}
