"""The email channel's REST API: identities, templates, credentials, and sending an email
through POST /api/v1/messages; bad input is a 400 naming the field."""

import pytest

from emails.models import EmailIdentity, EmailTemplate
from emails.tests.factories import (
    EmailEventFactory,
    EmailIdentityFactory,
    EmailMessageFactory,
    EmailTemplateFactory,
    EspCredentialsFactory,
)
from messaging.models import Channel, Message, OptOut
from messaging.tests.factories import ConversationFactory, OptOutFactory
from tenants.models import AuditEvent, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(member_client):
    return member_client(role=Membership.Role.OWNER)


def fields_of(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    return body["fields"]


# --- identities -------------------------------------------------------------------------


def test_adding_a_domain_answers_pending_with_its_records(owner_api, tenant):
    response = owner_api.post("/api/v1/email/identities", {"name": "Mail.Example.COM"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "mail.example.com"
    assert body["kind"] == "domain"
    assert body["status"] == "pending"
    assert body["status_label"] == "Waiting for DNS"
    identity = EmailIdentity.objects.for_tenant(tenant).get()
    assert str(identity.pk) == body["id"]
    assert AuditEvent.objects.filter(
        tenant=tenant, action="email.identity.created", target_id=body["id"]
    ).exists()


def test_a_verified_domain_lists_its_dkim_records(owner_api, tenant):
    identity = EmailIdentityFactory(tenant=tenant, name="news.example.com")

    listed = owner_api.get("/api/v1/email/identities", {"q": "news"}).json()["results"]
    one = owner_api.get(f"/api/v1/email/identities/{identity.pk}").json()

    assert [i["id"] for i in listed] == [str(identity.pk)]
    assert one["status"] == "verified"
    cnames = [r for r in one["dns_records"] if r["type"] == "CNAME"]
    assert len(cnames) == 3
    for token, record in zip(identity.dkim_tokens, cnames, strict=True):
        assert record["name"] == f"{token}._domainkey.news.example.com"
        assert record["value"] == f"{token}.dkim.amazonses.com"
        assert record["required"] is True
    assert {r["purpose"] for r in one["dns_records"] if not r["required"]}


def test_the_identity_list_filters_by_status(owner_api, tenant):
    EmailIdentityFactory(tenant=tenant, name="a.example.com")
    pending = EmailIdentityFactory(tenant=tenant, name="b.example.com", status="pending")

    found = owner_api.get("/api/v1/email/identities", {"status": "pending"}).json()["results"]

    assert [i["id"] for i in found] == [str(pending.pk)]


@pytest.mark.parametrize(
    "name",
    ["not a domain", "example", "-bad-.com", "a@b@c.com", "exa\x00mple.com", "x" * 255, ""],
)
def test_a_malformed_name_is_a_400_on_name(owner_api, name):
    response = owner_api.post("/api/v1/email/identities", {"name": name}, format="json")

    assert "name" in fields_of(response)
    assert not EmailIdentity.objects.exists()


def test_a_domain_added_twice_is_a_400_on_name(owner_api, tenant):
    EmailIdentityFactory(tenant=tenant, name="dup.example.com")

    response = owner_api.post("/api/v1/email/identities", {"name": "dup.example.com"})

    assert "name" in fields_of(response)
    assert EmailIdentity.objects.for_tenant(tenant).count() == 1


def test_members_may_read_identities_but_not_add_them(member_client, tenant):
    member = member_client(role=Membership.Role.MEMBER)
    EmailIdentityFactory(tenant=tenant)

    assert member.get("/api/v1/email/identities").status_code == 200
    refused = member.post("/api/v1/email/identities", {"name": "x.example.com"})
    assert refused.status_code == 403


def test_check_now_answers_202_with_the_identity(owner_api, tenant):
    identity = EmailIdentityFactory(tenant=tenant, status="pending")

    response = owner_api.post(f"/api/v1/email/identities/{identity.pk}/check")

    assert response.status_code == 202, response.content
    assert response.json()["id"] == str(identity.pk)


# --- templates --------------------------------------------------------------------------


def test_a_template_is_sanitised_and_gets_a_text_part(owner_api, tenant):
    response = owner_api.post(
        "/api/v1/email/templates",
        {
            "name": "Welcome",
            "category": "transactional",
            "subject": "Welcome, {{first_name|friend}}",
            "html": '<h1 onclick="steal()">Hi {{first_name}}</h1><script>alert(1)</script>'
            '<p>See <a href="https://example.com">us</a>.</p>',
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert "<script" not in body["html"] and "onclick" not in body["html"]
    assert "<h1>Hi {{first_name}}</h1>" in body["html"]
    assert body["text_generated"] is True
    assert "Hi {{first_name}}" in body["text"] and "alert" not in body["text"]
    stored = EmailTemplate.objects.for_tenant(tenant).get()
    assert stored.html == body["html"]


def test_a_template_is_changed_and_deleted(owner_api, tenant):
    template = EmailTemplateFactory(tenant=tenant)

    changed = owner_api.patch(
        f"/api/v1/email/templates/{template.pk}",
        {"html": "<p>New text</p>"},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["text"] == "New text"
    assert changed.json()["subject"] == template.subject

    written = owner_api.patch(
        f"/api/v1/email/templates/{template.pk}", {"text": "Own text"}, format="json"
    )
    assert written.json()["text"] == "Own text" and written.json()["text_generated"] is False

    assert owner_api.delete(f"/api/v1/email/templates/{template.pk}").status_code == 204
    assert not EmailTemplate.objects.filter(pk=template.pk).exists()


def test_templates_are_searched_by_name_or_subject(owner_api, tenant):
    spring = EmailTemplateFactory(tenant=tenant, name="Spring", subject="Flowers")
    EmailTemplateFactory(tenant=tenant, name="Autumn", subject="Leaves")

    by_name = owner_api.get("/api/v1/email/templates", {"q": "spr"}).json()["results"]
    by_subject = owner_api.get("/api/v1/email/templates", {"q": "flow"}).json()["results"]

    assert [t["id"] for t in by_name] == [str(spring.pk)] == [t["id"] for t in by_subject]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A", "subject": "x" * 999, "html": "<p>x</p>"}, "subject"),
        ({"name": "A", "subject": "Hi", "html": "<p>x\x00</p>"}, "html"),
        ({"name": "A\x00", "subject": "Hi", "html": "<p>x</p>"}, "name"),
        ({"name": "A", "subject": "Hi", "html": "", "text": ""}, "html"),
        ({"name": "A", "subject": "Hi\r\nBcc: x@evil.com", "text": "x"}, "subject"),
        ({"name": "A", "subject": "Hi", "text": "x", "category": "spam"}, "category"),
    ],
)
def test_bad_templates_are_a_400_naming_the_field(owner_api, body, field):
    response = owner_api.post("/api/v1/email/templates", body, format="json")

    assert field in fields_of(response)
    assert not EmailTemplate.objects.exists()


def test_a_duplicate_template_name_is_a_400_on_name(owner_api, tenant):
    EmailTemplateFactory(tenant=tenant, name="Same")

    response = owner_api.post(
        "/api/v1/email/templates", {"name": "Same", "subject": "Hi", "text": "x"}, format="json"
    )

    assert "name" in fields_of(response)


def test_a_template_preview_fills_the_variables(owner_api, tenant):
    template = EmailTemplateFactory(tenant=tenant)

    response = owner_api.post(
        f"/api/v1/email/templates/{template.pk}/preview",
        {"variables": {"first_name": "<Ana>"}},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["subject"] == "News for <Ana>"
    assert "<h1>Hello &lt;Ana&gt;</h1>" in body["html"]
    assert "Hello <Ana>" in body["text"]
    defaults = owner_api.post(f"/api/v1/email/templates/{template.pk}/preview", {}).json()
    assert defaults["subject"] == "News for you"


def test_viewers_may_preview_but_not_write_templates(member_client, tenant):
    viewer = member_client(role=Membership.Role.VIEWER)
    template = EmailTemplateFactory(tenant=tenant)

    preview = viewer.post(f"/api/v1/email/templates/{template.pk}/preview", {}, format="json")
    created = viewer.post(
        "/api/v1/email/templates", {"name": "X", "subject": "Hi", "text": "x"}, format="json"
    )

    assert preview.status_code == 200
    assert created.status_code == 403


# --- credentials ------------------------------------------------------------------------


def test_without_own_credentials_the_platform_sends_and_delete_is_404(owner_api):
    answer = owner_api.get("/api/v1/email/credentials")
    assert answer.status_code == 200
    assert answer.json() == {"own_credentials": False, "esp": "amazon_ses", "credentials": None}
    response = owner_api.delete("/api/v1/email/credentials")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_credentials_are_answered_masked_and_without_secrets(owner_api, tenant):
    credentials = EspCredentialsFactory(tenant=tenant, access_key_id="AKIAABCDEFGHIJKL1234")

    response = owner_api.get("/api/v1/email/credentials")

    assert response.status_code == 200
    assert response.json()["own_credentials"] is True
    body = response.json()["credentials"]
    assert body["access_key_id"] == "AKIA…1234"
    assert body["status"] == "active"
    text = response.content.decode()
    assert credentials.secret_access_key.reveal() not in text
    assert credentials.webhook_secret.reveal().split(":")[1] not in text
    assert "secret_access_key" not in body and "tracking_url" not in body


def test_credentials_are_for_owners_and_admins(member_client, tenant):
    EspCredentialsFactory(tenant=tenant)
    member = member_client(role=Membership.Role.MEMBER)

    refused = member.put(
        "/api/v1/email/credentials",
        {"access_key_id": "AKIAX", "secret_access_key": "s", "region": "us-east-1"},
        format="json",
    )

    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"access_key_id": "AKIA", "secret_access_key": "s", "region": "mars"}, "region"),
        ({"access_key_id": "AK\x00IA", "secret_access_key": "s"}, "access_key_id"),
        ({"access_key_id": "AKIA", "secret_access_key": "x" * 129}, "secret_access_key"),
        ({"secret_access_key": "s"}, "access_key_id"),
    ],
)
def test_bad_credentials_are_a_400_naming_the_field(owner_api, body, field):
    response = owner_api.put("/api/v1/email/credentials", body, format="json")

    assert field in fields_of(response)


# --- sending through /api/v1/messages ---------------------------------------------------


def test_an_email_is_sent_through_the_messages_api(owner_api, tenant):
    EmailIdentityFactory(tenant=tenant, name="mail.example.com")

    response = owner_api.post(
        "/api/v1/messages",
        {
            "channel": "email",
            "to": "Ana@Example.org",
            "from": "news@mail.example.com",
            "subject": "Hello",
            "html": "<p>Hi <b>Ana</b></p>",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["channel"] == "email"
    assert body["to"] == "ana@example.org"
    assert body["from"] == "news@mail.example.com"
    assert body["subject"] == "Hello"
    assert body["html"] == "<p>Hi <b>Ana</b></p>"
    assert body["body"] == "Hi Ana"
    assert body["esp_name"] == "amazon_ses"
    message = Message.objects.for_tenant(tenant).get()
    assert message.channel == Channel.EMAIL and message.subject == "Hello"


def test_an_email_from_a_template_carries_its_unsubscribe_headers(owner_api, tenant):
    EmailIdentityFactory(tenant=tenant, name="mail.example.com")
    template = EmailTemplateFactory(tenant=tenant)

    response = owner_api.post(
        "/api/v1/messages",
        {
            "channel": "email",
            "to": "ana@example.org",
            "from": "news@mail.example.com",
            "template": str(template.pk),
            "variables": {"first_name": "Ana"},
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == "News for Ana"
    assert body["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_email_from_an_unverified_identity_is_refused(owner_api, tenant):
    EmailIdentityFactory(tenant=tenant, name="mail.example.com", status="pending")

    response = owner_api.post(
        "/api/v1/messages",
        {"channel": "email", "to": "ana@example.org", "from": "x@mail.example.com",
         "subject": "Hi", "text": "Hello"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "identity_not_verified"
    assert "from" in error["fields"]
    assert not Message.objects.exists()


def test_an_email_to_a_suppressed_address_is_refused(owner_api, tenant):
    EmailIdentityFactory(tenant=tenant, name="mail.example.com")
    OptOutFactory(tenant=tenant, channel="email", number="gone@example.org", source="bounce")

    response = owner_api.post(
        "/api/v1/messages",
        {"channel": "email", "to": "gone@example.org", "from": "x@mail.example.com",
         "subject": "Hi", "text": "Hello"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "recipient_suppressed"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"subject": "x" * 999}, "subject"),
        ({"to": "x" * 255}, "to"),
        ({"to": "not-an-address"}, "to"),
        ({"category": "bulk"}, "category"),
    ],
)
def test_bad_email_fields_are_a_400_naming_the_field(owner_api, tenant, extra, field):
    EmailIdentityFactory(tenant=tenant, name="mail.example.com")
    body = {"channel": "email", "to": "ana@example.org", "from": "x@mail.example.com",
            "subject": "Hi", "text": "Hello", **extra}  # fmt: skip

    response = owner_api.post("/api/v1/messages", body, format="json")

    assert field in fields_of(response)


def test_an_email_message_answers_its_tracking_events(owner_api, tenant):
    message = EmailMessageFactory(tenant=tenant, subject="Weekly")
    EmailEventFactory(message=message, event_type="delivered")
    EmailEventFactory(message=message, event_type="opened")

    body = owner_api.get(f"/api/v1/messages/{message.pk}").json()

    assert body["subject"] == "Weekly"
    assert body["esp_message_id"] == message.esp_message_id
    assert [e["label"] for e in body["email_events"]] == ["Delivered to the mailbox", "Opened"]


def test_the_message_log_finds_emails_by_address_and_subject(owner_api, tenant):
    weekly = EmailMessageFactory(tenant=tenant, subject="Weekly digest", to_number="ana@ex.org")
    EmailMessageFactory(tenant=tenant, subject="Other", to_number="bob@ex.org")

    by_address = owner_api.get("/api/v1/messages", {"number": "ana@ex.org"}).json()["results"]
    by_subject = owner_api.get("/api/v1/messages", {"q": "digest"}).json()["results"]

    assert [m["id"] for m in by_address] == [str(weekly.pk)] == [m["id"] for m in by_subject]


# --- the suppression list: opt-outs on channel email ------------------------------------


def test_the_suppression_list_is_the_email_opt_outs(owner_api, tenant):
    bounced = OptOutFactory(tenant=tenant, channel="email", number="gone@example.org",
                            source=OptOut.Source.BOUNCE)  # fmt: skip
    OptOutFactory(tenant=tenant)

    found = owner_api.get("/api/v1/opt-outs", {"channel": "email", "q": "gone@"}).json()

    assert [o["number"] for o in found["results"]] == ["gone@example.org"]
    assert owner_api.delete(f"/api/v1/opt-outs/{bounced.pk}").status_code == 204
    assert not OptOut.objects.filter(pk=bounced.pk).exists()


def test_an_address_is_suppressed_through_the_opt_outs_api(owner_api, tenant):
    response = owner_api.post(
        "/api/v1/opt-outs", {"number": "Ana@Example.org", "channel": "email"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["number"] == "ana@example.org"


def test_a_reply_in_an_email_conversation_is_an_email(owner_api, tenant):
    EmailIdentityFactory(tenant=tenant, name="mail.example.com")
    conversation = ConversationFactory(
        tenant=tenant,
        channel="email",
        contact_number="ana@example.org",
        our_number="news@mail.example.com",
    )

    response = owner_api.post(
        f"/api/v1/conversations/{conversation.pk}/messages",
        {"subject": "Re: your order", "text": "Thanks!"},
        format="json",
    )
    no_subject = owner_api.post(
        f"/api/v1/conversations/{conversation.pk}/messages", {"body": "hi"}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["channel"], body["to"], body["subject"]) == (
        "email", "ana@example.org", "Re: your order",
    )  # fmt: skip
    assert body["origin"] == "reply"
    assert "subject" in fields_of(no_subject)


def test_a_batch_refuses_email_items_by_channel(owner_api, tenant):
    item = {"channel": "email", "to": "ana@example.org", "from": "x@mail.example.com",
            "subject": "Hi", "text": "Hello"}  # fmt: skip

    response = owner_api.post("/api/v1/messages/batch", {"messages": [item]}, format="json")

    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["status"] == "refused" and "channel" in result["errors"]
