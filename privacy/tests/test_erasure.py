"""Forget this person: the data goes in every table of that tenant only, the opt-out
survives as a keyed hash that every send path honours, and a rerun changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from broadcasts.dispatcher import _skip_opted_out
from broadcasts.tests.factories import BroadcastFactory, BroadcastRecipientFactory
from contacts.models import Contact
from contacts.tests.factories import ContactFactory
from emails.tests.factories import EmailIdentityFactory
from emails.tests.test_sending import send as send_email
from isvplatform import crypto
from messaging.models import ConsentEvent, Conversation, Message, OptOut, WebhookEvent
from messaging.services import SendRefused, is_opted_out, optout_add, optout_remove
from messaging.tests.conftest import HANDSET, advance
from messaging.tests.factories import ConversationFactory, MessageFactory, OptOutFactory
from privacy.hashing import subject_digest
from privacy.models import ErasureRequest, SuppressionHash
from privacy.services import erasure_request, erasure_run
from privacy.suppression import is_hash_suppressed
from sandbox.handsets import send_from_handset
from tenants.models import AuditEvent
from tenants.services import Actor
from verify.models import VerificationAttempt
from verify.tests.factories import VerificationAttemptFactory

pytestmark = pytest.mark.django_db
PERSON = "+18135550142"


def forget(tenant, on_commit, **subject) -> ErasureRequest:
    request = on_commit(erasure_request, tenant=tenant, actor=Actor.system(), **subject)
    request.refresh_from_db()
    return request


def seed(tenant):
    """One person's trail in every table the erasure reaches."""
    conversation = ConversationFactory(tenant=tenant, contact_number=PERSON)
    sent = MessageFactory(tenant=tenant, to_number=PERSON, conversation=conversation)
    got = MessageFactory(
        tenant=tenant, direction="inbound", from_number=PERSON, to_number="+14155550100"
    )
    WebhookEvent.objects.create(kind="status", message_sid=sent.sid, status="delivered")
    WebhookEvent.objects.create(
        kind="inbound", message_sid=got.sid, status="received", payload={"From": PERSON}
    )
    OptOutFactory(tenant=tenant, number=PERSON)
    ConsentEvent.objects.create(
        tenant=tenant, number=PERSON, channel="sms", action="opt_out", source="manual"
    )
    contact = ContactFactory(tenant=tenant, phone=PERSON)
    BroadcastRecipientFactory(
        broadcast=BroadcastFactory(tenant=tenant), contact=contact, address=PERSON
    )
    VerificationAttemptFactory(tenant=tenant, to=PERSON, client_ip="203.0.113.9")
    return sent, got


def test_forgetting_a_number_erases_it_everywhere_in_that_tenant_only(
    tenant, other_tenant, on_commit
):
    sent, got = seed(tenant)
    theirs, _ = seed(other_tenant)
    request = forget(tenant, on_commit, phone="(813) 555-0142")

    assert request.status == ErasureRequest.Status.DONE
    assert request.subject is None
    assert request.counts["messages"] == 2 and request.counts["opt_outs"] == 1
    assert not Message.objects.for_tenant(tenant).filter(to_number=PERSON).exists()
    assert not Message.objects.for_tenant(tenant).filter(from_number=PERSON).exists()
    sent.refresh_from_db()
    assert (sent.to_number, sent.body, sent.status) == ("[erased]", "", "delivered")
    assert not WebhookEvent.objects.filter(message_sid__in=[sent.sid, got.sid]).exists()
    assert not Conversation.objects.for_tenant(tenant).exists()
    assert not Contact.objects.for_tenant(tenant).exists()
    assert not OptOut.objects.for_tenant(tenant).exists()
    assert not ConsentEvent.objects.for_tenant(tenant).filter(number=PERSON).exists()
    attempt = VerificationAttempt.objects.for_tenant(tenant).get()
    assert (attempt.to, attempt.client_ip) == ("[erased]", None)
    assert SuppressionHash.objects.for_tenant(tenant).count() == 1

    # The other tenant's trail of the same number is untouched.
    theirs.refresh_from_db()
    assert theirs.to_number == PERSON and theirs.body
    assert WebhookEvent.objects.filter(message_sid=theirs.sid).exists()
    assert Contact.objects.for_tenant(other_tenant).filter(phone=PERSON).exists()
    assert OptOut.objects.for_tenant(other_tenant).filter(number=PERSON).exists()
    assert not SuppressionHash.objects.for_tenant(other_tenant).exists()


def test_nothing_of_the_address_is_kept_and_the_audit_log_says_who_asked(tenant, on_commit):
    seed(tenant)
    request = forget(tenant, on_commit, phone=PERSON)
    row = ErasureRequest.objects.filter(pk=request.pk).values().get()
    assert not any(PERSON in str(value) for value in row.values())
    assert PERSON not in str(list(SuppressionHash.objects.values()))
    actions = set(AuditEvent.objects.for_tenant(tenant).values_list("action", flat=True))
    assert {"privacy.erasure_requested", "privacy.erasure_completed"} <= actions
    assert not any(
        PERSON in e.target_label or PERSON in str(e.changes)
        for e in AuditEvent.objects.for_tenant(tenant)
    )


def test_a_rerun_finds_nothing_and_a_second_request_counts_nothing(tenant, on_commit):
    seed(tenant)
    first = forget(tenant, on_commit, phone=PERSON)
    assert erasure_run(str(first.pk)) is False
    second = forget(tenant, on_commit, phone=PERSON)
    assert second.pk != first.pk and second.status == ErasureRequest.Status.DONE
    assert second.counts == {}
    assert SuppressionHash.objects.for_tenant(tenant).count() == 1


@override_settings(PRIVACY_BATCH_SIZE=1)
def test_small_batches_and_a_resumed_request_finish_the_same(tenant, on_commit):
    for _ in range(3):
        MessageFactory(tenant=tenant, to_number=PERSON)
    request = erasure_request(tenant=tenant, phone=PERSON, actor=Actor.system())
    # As if a worker died after the first two steps: its lease has run out.
    ErasureRequest.objects.filter(pk=request.pk).update(status="running", step=2)
    assert erasure_run(str(request.pk)) is True
    request.refresh_from_db()
    assert request.status == "done" and request.counts == {"messages": 3}


def test_an_open_request_is_not_taken_twice(tenant):
    request = erasure_request(tenant=tenant, phone=PERSON, actor=Actor.system())
    again = erasure_request(tenant=tenant, phone=PERSON, actor=Actor.system())
    assert again.pk == request.pk


@pytest.mark.parametrize(
    ("subject", "field"),
    [({"phone": "12"}, "phone"), ({"email": "nobody"}, "email"), ({}, "phone")],
)
def test_a_bad_address_is_refused_naming_its_field(tenant, subject, field):
    with pytest.raises(ValidationError) as err:
        erasure_request(tenant=tenant, actor=Actor.system(), **subject)
    assert list(err.value.message_dict) == [field]
    assert not ErasureRequest.objects.exists()


def test_stop_then_forget_and_the_api_still_refuses_to_message_them(
    provisioned, key_api, on_commit
):
    ours = provisioned.number.phone_number
    send_from_handset(HANDSET, ours, "STOP")
    on_commit(advance, 2, rounds=4)
    assert OptOut.objects.for_tenant(provisioned.tenant).filter(number=HANDSET).exists()
    forget(provisioned.tenant, on_commit, phone=HANDSET)
    assert not OptOut.objects.exists()
    assert not Message.objects.filter(from_number=HANDSET).exists()

    response = on_commit(
        key_api.post, "/api/v1/messages", {"to": HANDSET, "body": "Back?"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "recipient_opted_out"
    assert not Message.objects.filter(to_number=HANDSET).exists()


def test_a_forgotten_broadcast_recipient_is_skipped(tenant, on_commit):
    OptOutFactory(tenant=tenant, number=PERSON)
    forget(tenant, on_commit, phone=PERSON)
    # Re-imported later: the contact is back, the opt-out only as a hash.
    recipient = BroadcastRecipientFactory(
        broadcast=BroadcastFactory(tenant=tenant, status="sending", pending=1),
        contact=ContactFactory(tenant=tenant, phone=PERSON),
        address=PERSON,
    )
    assert _skip_opted_out(recipient.broadcast, [recipient]) == {recipient.pk}
    recipient.refresh_from_db()
    assert (recipient.status, recipient.skip_reason) == ("skipped", "opted_out")


def test_a_forgotten_suppressed_email_address_is_still_refused(tenant, on_commit):
    EmailIdentityFactory(tenant=tenant, name="news.acme.test")
    optout_add(
        tenant=tenant,
        number="reader@example.org",
        channel="email",
        source=OptOut.Source.BOUNCE,
        actor=Actor.system(),
    )
    request = forget(tenant, on_commit, email="Reader@Example.org")
    assert request.counts["opt_outs"] == 1 and not OptOut.objects.exists()
    with pytest.raises(SendRefused) as err:
        send_email(tenant)
    assert err.value.reason == "recipient_suppressed"


def test_an_opt_in_after_forgetting_lifts_the_hash(tenant, on_commit):
    OptOutFactory(tenant=tenant, number=PERSON)
    forget(tenant, on_commit, phone=PERSON)
    assert is_opted_out(tenant.pk, PERSON, "sms")
    assert optout_remove(
        tenant=tenant, number=PERSON, channel="sms", source="keyword", actor=Actor.system()
    )
    assert not is_opted_out(tenant.pk, PERSON, "sms")


def test_a_hash_made_under_a_retired_key_still_matches_and_is_rekeyed(tenant, settings):
    old = settings.ENCRYPTION_KEYS
    key_id, digest = subject_digest(tenant.pk, PERSON)
    SuppressionHash.objects.create(tenant=tenant, digest=digest, key_id=key_id, channel="sms")
    settings.ENCRYPTION_KEYS = [f"k-new:{crypto.generate_key()}", *old]
    assert is_hash_suppressed(tenant.pk, PERSON, "sms")
    row = SuppressionHash.objects.get()
    assert row.key_id == "k-new" and row.digest == subject_digest(tenant.pk, PERSON)[1]
    assert not is_hash_suppressed(tenant.pk, "+18135550143", "sms")
