"""Each transition is recorded with its reason, audited, and emailed to the owners; TrustHub
status callbacks are verified before they cause a poll."""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core import mail

from compliance.models import StatusTransition
from compliance.notify import announce, transition_data
from compliance.services import registration_submit
from compliance.testing import valid_submission
from isvplatform.gateway import compute_signature
from tenants.models import AuditEvent
from tenants.services import Actor

pytestmark = pytest.mark.django_db


def test_a_transition_is_audited_and_emailed_to_the_owners(tenant, owner, on_commit):
    owner.email = "owner@acme.example.com"
    owner.save()
    registration = on_commit(
        registration_submit, tenant=tenant, data=valid_submission(), actor=Actor(user=owner)
    )
    move = StatusTransition.objects.get(registration=registration, to_status="submitted")
    assert move.object_type == "registration" and move.from_status == "draft"
    audit = AuditEvent.objects.get(
        tenant=tenant, action="a2p.registration.submitted", changes__status__isnull=False
    )
    assert audit.actor_user == owner and audit.changes["status"] == ["draft", "submitted"]
    sent = [m for m in mail.outbox if m.to == ["owner@acme.example.com"]]
    assert sent and sent[0].subject == "10DLC registration: submitted"
    assert "/10dlc/" in sent[0].body
    assert transition_data(move)["status"] == "submitted"


def test_a_rejection_email_says_what_to_do(tenant, owner):
    owner.email = "owner@acme.example.com"
    owner.save()
    from django.utils import timezone

    move = StatusTransition.objects.create(
        tenant=tenant,
        object_type="brand",
        object_id="x",
        from_status="submitted",
        to_status="rejected",
        raw_status="FAILED",
        reason="The legal business name does not match the IRS record.",
        at=timezone.now(),
    )
    announce(move.pk)
    body = mail.outbox[-1].body
    assert mail.outbox[-1].subject == "Brand registration: rejected"
    assert "Twilio reports: FAILED" in body and "IRS record" in body
    assert "submit a new version" in body


def _post(client, params, token):
    path = "/webhooks/twilio/trusthub"
    signature = compute_signature(token, f"{settings.PUBLIC_BASE_URL}{path}", params)
    return client.post(
        path,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


def test_trusthub_callbacks_need_a_valid_signature(client, provisioned):
    params = {"AccountSid": provisioned.sub.sid, "BundleSid": "BU" + "0" * 32, "Status": "x"}
    token = provisioned.sub.auth_token.reveal()
    assert _post(client, params, token).status_code == 204
    assert _post(client, params, "wrong-token").status_code == 403
    assert _post(client, {**params, "AccountSid": "AC" + "1" * 32}, token).status_code == 403


def test_a_trusthub_callback_for_another_tenants_bundle_is_refused(
    client, provisioned, other_tenant, monkeypatch
):
    from compliance.models import CustomerProfile
    from compliance.tasks import poll_bundle_task
    from provisioning.tests.factories import SubaccountFactory

    polled = []
    monkeypatch.setattr(poll_bundle_task, "delay", polled.append)
    bundle = CustomerProfile.objects.create(
        tenant=provisioned.tenant,
        sid="BU" + "e" * 32,
        policy_sid="RN" + "0" * 32,
        friendly_name="E",
    )
    intruder = SubaccountFactory(tenant=other_tenant)
    params = {"BundleSid": bundle.sid, "Status": "twilio-approved"}
    signed_by_f = {**params, "AccountSid": intruder.sid}
    assert _post(client, signed_by_f, intruder.auth_token.reveal()).status_code == 403
    assert polled == []

    signed_by_e = {**params, "AccountSid": provisioned.sub.sid}
    assert _post(client, signed_by_e, provisioned.sub.auth_token.reveal()).status_code == 204
    assert polled == [bundle.sid]


def test_a_transition_is_queued_for_the_tenants_a2p_webhooks(tenant, owner):
    from django.utils import timezone

    from webhooks.models import WebhookDelivery
    from webhooks.tests.factories import EndpointFactory

    subscribed = EndpointFactory(tenant=tenant, events=",a2p.status,")
    EndpointFactory(tenant=tenant, events=",message.status,")
    move = StatusTransition.objects.create(
        tenant=tenant,
        object_type="campaign",
        object_id="x",
        from_status="in_review",
        to_status="approved",
        raw_status="VERIFIED",
        at=timezone.now(),
    )
    announce(move.pk)
    deliveries = list(WebhookDelivery.objects.for_tenant(tenant))
    assert [(d.endpoint_id, d.event_type) for d in deliveries] == [(subscribed.pk, "a2p.status")]
    assert deliveries[0].payload["data"]["status"] == "approved"
