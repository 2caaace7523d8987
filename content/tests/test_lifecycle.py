"""A template's way through Twilio and WhatsApp's review, on the sandbox: submitted,
approved, rejected (the reason reaching the email and the tenant webhook), resubmitted as a
new version, paused and disabled within one poll, re-categorised, and sync imports."""

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from content.models import MessageTemplate, TemplateEvent
from content.services import (
    TemplateConflict,
    template_create,
    template_new_version,
    template_poll,
    template_submit,
    template_update,
    templates_sync,
)
from content.services.submission import tenant_client
from content.vocab import ApprovalStatus, ButtonKind, Category, ContentKind
from isvplatform import gateway
from sandbox.resources.content import lifecycle as sandbox_review
from tenants.models import AuditEvent
from tenants.services import Actor

ORDER = {
    "name": "order_update",
    "category": Category.UTILITY,
    "body": "Hello {{1}}, your order {{2}} has shipped and arrives tomorrow.",
    "variables": {"1": "Ana", "2": "A-1042"},
}


def authored(tenant, **fields) -> MessageTemplate:
    return template_create(tenant=tenant, actor=Actor.system(), data={**ORDER, **fields})


def submit_and_review(on_commit, advance, template: MessageTemplate) -> MessageTemplate:
    on_commit(template_submit, template=template, actor=Actor.system())
    template.refresh_from_db()
    assert template.status == ApprovalStatus.RECEIVED, template.last_error_message
    assert template.content_sid.startswith("HX")
    advance(60)
    return poll(on_commit, template)


def poll(on_commit, template: MessageTemplate) -> MessageTemplate:
    on_commit(template_poll, str(template.pk), force=True)
    template.refresh_from_db()
    return template


def test_submitted_template_is_approved_within_a_minute(provisioned, on_commit, advance):
    template = authored(provisioned.tenant)
    template = submit_and_review(on_commit, advance, template)
    assert template.status == ApprovalStatus.APPROVED
    kinds = list(template.events.values_list("kind", "to_value"))
    assert kinds == [
        ("created", "draft"),
        ("submitted", "submitting"),
        ("status", "received"),
        ("status", "approved"),
    ]
    assert AuditEvent.objects.filter(action="template.approved", target_id=str(template.pk))
    assert "is now approved" in mail.outbox[-1].body


def test_every_content_type_goes_through_twilio(provisioned, on_commit, advance):
    qr = {"type": ButtonKind.QUICK_REPLY, "title": "Track it", "id": "track"}
    cases = [
        {"content_type": ContentKind.QUICK_REPLY, "buttons": [qr]},
        {"content_type": ContentKind.MEDIA, "media_url": "https://cdn.example.com/box.jpg"},
        {
            "content_type": ContentKind.CALL_TO_ACTION,
            "buttons": [
                {"type": ButtonKind.URL, "title": "Track", "url": "https://x.example.com/{{3}}"},
                {"type": ButtonKind.PHONE_NUMBER, "title": "Call", "phone": "+14155550100"},
            ],
            "variables": {"1": "Ana", "2": "A-1042", "3": "A-1042"},
        },
        {"content_type": ContentKind.CARD, "footer": "Thanks", "buttons": [qr]},
        {
            "content_type": ContentKind.AUTHENTICATION,
            "category": Category.AUTHENTICATION,
            "body": "",
            "variables": {"1": "123456"},
            "buttons": [{"type": ButtonKind.COPY_CODE, "title": "Copy code"}],
            "code_expiration_minutes": 10,
        },
    ]
    for index, fields in enumerate(cases):
        template = authored(provisioned.tenant, name=f"kind_{index}", **fields)
        assert submit_and_review(on_commit, advance, template).status == "approved", fields


def test_lint_errors_block_the_submission_naming_the_field(provisioned, on_commit):
    template = authored(provisioned.tenant, body="{{1}}, your order {{2}} has shipped.")
    with pytest.raises(ValidationError) as raised:
        on_commit(template_submit, template=template, actor=Actor.system())
    assert "start or end" in raised.value.message_dict["body"][0]
    template.refresh_from_db()
    assert template.status == ApprovalStatus.DRAFT and not template.content_sid


def test_rejection_the_lint_cannot_see_reaches_email_and_webhook(
    provisioned, on_commit, advance, hook
):
    # The lint passes it; WhatsApp's policy review (the sandbox's magic name) rejects it.
    template = authored(provisioned.tenant, name="sandbox_reject_order")
    template = submit_and_review(on_commit, advance, template)
    assert template.status == ApprovalStatus.REJECTED
    assert template.rejection_reason.startswith("ABUSIVE_CONTENT")
    assert template.rejection_reason in mail.outbox[-1].body
    assert "start a new version" in mail.outbox[-1].body
    data = json.loads(hook.received[-1].body)["data"]
    assert (data["status"], data["rejection_reason"]) == ("rejected", template.rejection_reason)
    assert data["template_id"] == str(template.pk)


def test_rejected_template_is_resubmitted_as_a_new_version(provisioned, on_commit, advance):
    rejected = authored(provisioned.tenant, name="sandbox_reject_x")
    rejected = submit_and_review(on_commit, advance, rejected)
    with pytest.raises(TemplateConflict, match="start a new version"):
        template_update(template=rejected, actor=Actor.system(), data={"name": "x"})
    fixed = template_new_version(
        template=rejected, actor=Actor.system(), data={"name": "order_update_v2"}
    )
    assert (fixed.version, fixed.previous_id, fixed.family) == (2, rejected.pk, rejected.family)
    assert fixed.status == ApprovalStatus.DRAFT and not fixed.content_sid
    fixed = submit_and_review(on_commit, advance, fixed)
    assert fixed.status == ApprovalStatus.APPROVED
    rejected.refresh_from_db()
    assert rejected.status == ApprovalStatus.REJECTED and rejected.content_sid != fixed.content_sid
    with pytest.raises(TemplateConflict, match="newer version"):
        template_new_version(template=rejected, actor=Actor.system())


def test_approved_template_is_read_only(provisioned, on_commit, advance):
    template = submit_and_review(on_commit, advance, authored(provisioned.tenant))
    with pytest.raises(TemplateConflict, match="duplicate it"):
        template_update(template=template, actor=Actor.system(), data={"body": "Changed"})
    copy = template_new_version(template=template, actor=Actor.system())
    assert copy.version == 2 and copy.body == template.body


@pytest.mark.parametrize("outcome", ["pause", "disable"])
def test_pause_and_disable_react_within_one_poll(provisioned, on_commit, advance, outcome, hook):
    template = submit_and_review(on_commit, advance, authored(provisioned.tenant))
    events = {"pause": ["RED"], "disable": ["RED", "RED", "RED"]}[outcome]
    for rating in events:
        sandbox_review.quality_event(template.content_sid, rating)
    template = poll(on_commit, template)
    expected = ApprovalStatus.PAUSED if outcome == "pause" else ApprovalStatus.DISABLED
    assert template.status == expected
    assert mail.outbox[-1].subject.endswith(template.get_status_display().lower())
    assert json.loads(hook.received[-1].body)["data"]["status"] == expected
    if outcome == "pause":
        advance(3 * 3600 + 1)
        assert poll(on_commit, template).status == ApprovalStatus.APPROVED


def test_recategorisation_is_recorded_and_announced(provisioned, on_commit, advance):
    template = submit_and_review(on_commit, advance, authored(provisioned.tenant))
    sandbox_review.category_update(template.content_sid, "MARKETING")
    template = poll(on_commit, template)
    assert (template.category, template.meta_category) == ("UTILITY", "MARKETING")
    event = template.events.get(kind=TemplateEvent.Kind.CATEGORY)
    assert (event.from_value, event.to_value) == ("UTILITY", "MARKETING")
    assert "filed it as marketing" in mail.outbox[-1].subject


def test_sync_imports_console_content_once(provisioned, on_commit, advance):
    client = tenant_client(provisioned.tenant)
    made = gateway.create_content(
        client,
        language="en",
        friendly_name="Console welcome",
        types={"twilio/text": {"body": "Welcome {{1}}, thanks for joining our club."}},
        variables={"1": "Ana"},
    )
    gateway.submit_whatsapp_approval(client, made.sid, name="console_welcome", category="UTILITY")
    ours = submit_and_review(on_commit, advance, authored(provisioned.tenant))
    result = templates_sync(provisioned.tenant.pk)
    assert (result.imported, result.skipped) == (1, 0)
    imported = MessageTemplate.objects.get(content_sid=made.sid)
    assert (imported.name, imported.status, imported.source) == (
        "console_welcome",
        ApprovalStatus.APPROVED,
        MessageTemplate.Source.SYNC,
    )
    assert imported.body == "Welcome {{1}}, thanks for joining our club."
    again = templates_sync(provisioned.tenant.pk)
    assert again.imported == 0
    assert MessageTemplate.objects.for_tenant(provisioned.tenant).count() == 2
    assert ours.pk != imported.pk
