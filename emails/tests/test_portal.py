"""The portal's email pages render, their forms act through the services, other tenants'
rows are 404s, and nothing in an email's HTML runs in the portal (sandboxed iframes)."""

import csv
import io

import pytest
from django.test import Client

from emails.models import EmailIdentity, EmailTemplate
from emails.tests.factories import (
    EmailEventFactory,
    EmailIdentityFactory,
    EmailMessageFactory,
    EmailTemplateFactory,
    EspCredentialsFactory,
)
from messaging.models import ConsentEvent, Message, OptOut
from messaging.tests.factories import ConversationFactory, OptOutFactory
from tenants.models import AuditEvent, Membership
from tenants.services import Actor, record_audit
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(tenant):
    def make(role=Membership.Role.OWNER):
        membership = MembershipFactory(tenant=tenant, role=role)
        client = Client()
        client.force_login(membership.user)
        session = client.session
        session["tenant_id"] = tenant.pk
        session.save()
        return client

    return make


def test_pages_render_and_the_nav_has_email(portal, tenant):
    client = portal()
    identity = EmailIdentityFactory(tenant=tenant)
    template = EmailTemplateFactory(tenant=tenant)
    OptOutFactory(tenant=tenant, channel="email", number="gone@example.org")
    for url in [
        "/email/", "/email/?q=mail&status=verified", f"/email/domains/{identity.pk}/",
        "/email/message-templates/", "/email/message-templates/?q=news",
        "/email/message-templates/new/", f"/email/message-templates/{template.pk}/",
        "/email/credentials/", "/email/suppressions/", "/email/suppressions/?q=gone",
        "/email/send/", f"/email/send/?template={template.pk}", "/messages/new/",
    ]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
    nav = client.get("/email/").content.decode()
    assert 'href="/email/"' in nav and ">Email<" in nav
    assert 'href="/email/send/"' in client.get("/messages/new/").content.decode()
    assert client.get("/email/domains/")["Location"] == "/email/"
    templates_page = client.get("/email/message-templates/").content.decode()
    assert 'href="/email/" class="nav-link active"' in templates_page
    assert 'href="/templates/" class="nav-link active"' not in templates_page


def test_other_tenants_rows_are_404(portal, other_tenant):
    client = portal()
    identity = EmailIdentityFactory(tenant=other_tenant)
    template = EmailTemplateFactory(tenant=other_tenant)
    optout = OptOutFactory(tenant=other_tenant, channel="email", number="x@example.org")
    for url in [f"/email/domains/{identity.pk}/", f"/email/message-templates/{template.pk}/"]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/email/domains/{identity.pk}/check/", f"/email/domains/{identity.pk}/delete/",
        f"/email/message-templates/{template.pk}/delete/",
        f"/email/suppressions/{optout.pk}/remove/",
    ]:  # fmt: skip
        assert client.post(url).status_code == 404, url
    assert EmailIdentity.objects.filter(pk=identity.pk).exists()
    assert EmailTemplate.objects.filter(pk=template.pk).exists()
    assert OptOut.objects.filter(pk=optout.pk).exists()


def test_adding_a_domain_leads_to_its_page(portal, tenant):
    client = portal()

    response = client.post("/email/", {"name": "news.example.com"})

    identity = EmailIdentity.objects.for_tenant(tenant).get()
    assert response.status_code == 302
    assert response["Location"] == f"/email/domains/{identity.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "news.example.com" in page and "Waiting for DNS" in page


def test_a_bad_or_duplicate_domain_is_shown_beside_the_field(portal, tenant):
    client = portal()
    EmailIdentityFactory(tenant=tenant, name="dup.example.com")

    for name in ("not a domain", "dup.example.com"):
        response = client.post("/email/", {"name": name})
        assert response.status_code == 400
        assert 'id="id_name_errors"' in response.content.decode()
    assert EmailIdentity.objects.for_tenant(tenant).count() == 1


def test_members_cannot_add_or_remove_domains(portal, tenant):
    client = portal(role=Membership.Role.MEMBER)
    identity = EmailIdentityFactory(tenant=tenant)

    assert client.post("/email/", {"name": "x.example.com"}).status_code == 403
    assert client.post(f"/email/domains/{identity.pk}/delete/").status_code == 403
    assert client.get("/email/credentials/").status_code == 403
    assert EmailIdentity.objects.for_tenant(tenant).count() == 1


def test_the_domain_page_shows_records_with_copy_buttons_and_its_history(portal, tenant):
    client = portal()
    identity = EmailIdentityFactory(tenant=tenant, name="news.example.com", status="pending")
    record_audit(
        tenant=tenant,
        actor=Actor.system(),
        action="email.identity.verified",
        target=identity,
        changes={"status": ["pending", "verified"], "dkim_status": "SUCCESS"},
    )

    page = client.get(f"/email/domains/{identity.pk}/").content.decode()

    for token in identity.dkim_tokens:
        assert f"{token}._domainkey.news.example.com" in page
        assert f"{token}.dkim.amazonses.com" in page
    assert page.count('data-copy="value-') >= 3
    assert "Verified" in page and "DKIM SUCCESS" in page
    assert 'id="check-identity"' in page


def test_a_domain_is_removed(portal, tenant):
    client = portal()
    identity = EmailIdentityFactory(tenant=tenant, esp="other")

    response = client.post(f"/email/domains/{identity.pk}/delete/")

    assert response.status_code == 302
    assert not EmailIdentity.objects.filter(pk=identity.pk).exists()


def test_a_template_is_created_and_changed_in_the_editor(portal, tenant):
    client = portal()

    response = client.post(
        "/email/message-templates/new/",
        {"name": "Hello", "category": "marketing", "subject": "Hi {{first_name}}",
         "html": "<p>Hi <script>x()</script>{{first_name}}</p>", "text": ""},
    )  # fmt: skip

    template = EmailTemplate.objects.for_tenant(tenant).get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/email/message-templates/{template.pk}/"
    )
    assert "<script" not in template.html and template.text_generated
    client.post(
        f"/email/message-templates/{template.pk}/",
        {"name": "Hello", "category": "transactional", "subject": "Hey", "html": template.html,
         "text": "Own text"},
    )  # fmt: skip
    template.refresh_from_db()
    assert (template.subject, template.text, template.category) == (
        "Hey", "Own text", "transactional",
    )  # fmt: skip


def test_a_bad_template_is_refused_beside_its_field(portal, tenant):
    client = portal()
    EmailTemplateFactory(tenant=tenant, name="Taken")

    for data, field in [
        ({"name": "Taken", "category": "marketing", "subject": "Hi", "text": "x"}, "name"),
        ({"name": "New", "category": "marketing", "subject": "x" * 999, "text": "x"}, "subject"),
        ({"name": "New", "category": "marketing", "subject": "Hi", "text": "a\x00b"}, "text"),
    ]:
        response = client.post("/email/message-templates/new/", data)
        assert response.status_code == 400
        assert f'id="id_{field}_errors"' in response.content.decode(), field
    assert EmailTemplate.objects.for_tenant(tenant).count() == 1


def test_the_live_preview_renders_into_a_sandboxed_iframe(portal):
    client = portal(role=Membership.Role.VIEWER)

    response = client.post(
        "/email/message-templates/preview/",
        {"subject": "Hi {{first_name}}", "html": '<p onclick="x()">Hi {{first_name}}</p>'
         "<script>alert(1)</script>", "variables": "first_name=Ana"},
    )  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert 'sandbox=""' in page and "srcdoc=" in page
    assert "Hi Ana" in page
    assert "<script" not in page and "alert(1)" not in page and "onclick" not in page
    unfilled = client.post("/email/message-templates/preview/", {"subject": "Hi {{who}}"})
    assert "Hi [who]" in unfilled.content.decode()
    bad = client.post("/email/message-templates/preview/", {"variables": "no equals sign"})
    assert bad.status_code == 400


def test_the_credentials_page_shows_the_masked_key_only(portal, tenant):
    client = portal()
    credentials = EspCredentialsFactory(tenant=tenant, access_key_id="AKIAABCDEFGHIJKL9876")

    page = client.get("/email/credentials/").content.decode()

    assert "AKIA…9876" in page and "AKIAABCDEFGHIJKL9876" not in page
    assert credentials.secret_access_key.reveal() not in page
    assert credentials.webhook_secret.reveal() not in page
    assert "Working" in page


def test_the_credentials_form_refuses_bad_values_without_echoing_the_secret(portal):
    client = portal()

    response = client.post(
        "/email/credentials/",
        {"access_key_id": "AKIAX", "secret_access_key": "s3cret-value", "region": "moon"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_region_errors"' in page
    assert "s3cret-value" not in page


def test_credentials_are_removed(portal, tenant):
    client = portal()
    EspCredentialsFactory(tenant=tenant)

    assert client.post("/email/credentials/delete/").status_code == 302

    assert not tenant.__class__.objects.get(pk=tenant.pk).__dict__.get("esp_credentials")
    assert "Use your own Amazon SES account" in client.get("/email/credentials/").content.decode()


def test_the_suppression_list_adds_searches_removes_and_exports(portal, tenant):
    client = portal()
    OptOutFactory(tenant=tenant, channel="email", number="gone@example.org", source="bounce")
    OptOutFactory(tenant=tenant, number="+16285550123")

    added = client.post("/email/suppressions/", {"address": "Ana@Example.org", "reason": "asked"})
    client.get("/email/suppressions/")  # shows (and so clears) the flash message
    page = client.get("/email/suppressions/", {"q": "gone"}).content.decode()
    export = b"".join(client.get("/email/suppressions/export.csv").streaming_content).decode()

    assert added.status_code == 302
    assert "gone@example.org" in page and "Hard bounce" in page and "ana@example.org" not in page
    assert "gone@example.org" in export and "ana@example.org" in export
    assert "+16285550123" not in export
    ana = OptOut.objects.get(tenant=tenant, number="ana@example.org")
    assert client.post(f"/email/suppressions/{ana.pk}/remove/").status_code == 302
    assert not OptOut.objects.filter(pk=ana.pk).exists()
    assert ConsentEvent.objects.filter(
        tenant=tenant, number="ana@example.org", action=ConsentEvent.Action.OPT_IN
    ).exists()


def test_an_email_is_sent_from_the_send_page(portal, tenant):
    client = portal()
    EmailIdentityFactory(tenant=tenant, name="mail.example.com")

    response = client.post(
        "/email/send/",
        {"to": "ana@example.org", "from_": "hello@mail.example.com", "from_name": "Acme Shop",
         "subject": "Hi", "html": "<p>Hello</p>", "text": "", "category": "transactional",
         "template": "", "variables": ""},
    )  # fmt: skip

    message = Message.objects.for_tenant(tenant).get()
    assert response.status_code == 302 and response["Location"] == f"/messages/{message.pk}/"
    assert (message.channel, message.subject, message.body) == ("email", "Hi", "Hello")
    assert (message.from_name, message.from_number) == ("Acme Shop", "hello@mail.example.com")
    assert message.origin == Message.Origin.PORTAL
    detail = client.get(f"/messages/{message.pk}/").content.decode()
    assert "Acme Shop &lt;hello@mail.example.com&gt;" in detail


def test_the_send_page_offers_the_business_name_as_the_from_name(portal, tenant):
    page = portal().get("/email/send/").content.decode()
    assert f'name="from_name" value="{tenant.name}"' in page


def test_a_refused_email_is_shown_beside_the_from_field(portal, tenant):
    client = portal()
    EmailIdentityFactory(tenant=tenant, name="mail.example.com", status="pending")

    response = client.post(
        "/email/send/",
        {"to": "ana@example.org", "from_": "hello@mail.example.com", "subject": "Hi",
         "text": "Hello", "category": "transactional"},
    )  # fmt: skip

    assert response.status_code == 400
    assert 'id="id_from__errors"' in response.content.decode()
    assert not Message.objects.exists()


def test_the_log_and_the_detail_show_the_email(portal, tenant):
    client = portal()
    message = EmailMessageFactory(
        tenant=tenant,
        subject="Weekly digest",
        html='<p>Hello <img src="x" onerror="alert(1)"></p>',
        headers={"List-Unsubscribe": "<https://example.com/u>"},
    )
    EmailEventFactory(message=message, event_type="delivered")
    EmailEventFactory(message=message, event_type="opened")

    log = client.get("/messages/", {"channel": "email"}).content.decode()
    detail = client.get(f"/messages/{message.pk}/").content.decode()

    assert "Weekly digest" in log
    assert 'sandbox=""' in detail and "srcdoc=" in detail
    assert '<img src="x" onerror' not in detail  # escaped into srcdoc, never live markup
    assert "Delivered to the mailbox" in detail and "Opened" in detail
    assert "List-Unsubscribe" in detail
    assert message.esp_message_id in detail


def test_audit_of_a_template_change_is_recorded(portal, tenant):
    client = portal()
    template = EmailTemplateFactory(tenant=tenant)

    client.post(f"/email/message-templates/{template.pk}/delete/")

    assert AuditEvent.objects.filter(tenant=tenant, action="email_template.deleted").exists()
    assert not EmailTemplate.objects.filter(pk=template.pk).exists()


def test_the_log_export_carries_the_subject(portal, tenant):
    client = portal()
    EmailMessageFactory(tenant=tenant, subject="Weekly digest")

    response = client.get("/messages/export.csv", {"channel": "email"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )

    assert [(r["channel"], r["subject"]) for r in rows] == [("email", "Weekly digest")]
    assert rows[0]["esp_message_id"]


def test_an_email_conversation_offers_a_reply_by_email(portal, tenant):
    client = portal()
    conversation = ConversationFactory(
        tenant=tenant, channel="email", contact_number="ana@example.org",
        our_number="news@mail.example.com",
    )  # fmt: skip

    thread = client.get(f"/conversations/{conversation.pk}/").content.decode()
    compose = client.get("/email/send/", {"to": "ana@example.org", "from": "news@mail.example.com"})

    assert 'id="reply-by-email"' in thread and 'id="reply-form"' not in thread
    assert 'value="ana@example.org"' in compose.content.decode()
    assert 'value="news@mail.example.com"' in compose.content.decode()
