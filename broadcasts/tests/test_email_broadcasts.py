"""Email broadcasts: the draft's checks (a From on a verified identity, a subject, or an
email template), the audience's email addresses and the suppression list at launch, and
the run through the emails app's send path to the local SES, with its delivery counted."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from broadcasts import dispatcher
from broadcasts.models import Broadcast, BroadcastRecipient
from broadcasts.services import drafts
from broadcasts.services.lifecycle import broadcast_launch
from broadcasts.tests.test_quiet_hours import _zone_at_local_hour
from contacts.models import Contact
from contacts.tests.factories import ContactFactory, ContactFieldFactory
from emails import esp
from emails.tests.factories import (
    EmailIdentityFactory,
    EmailTemplateFactory,
    EspCredentialsFactory,
)
from messaging import buckets, pacing
from messaging.models import Channel, Message, OptOut
from sandbox import clock
from sandbox.testing import ses_emails
from tenants.services import Actor

pytestmark = pytest.mark.django_db

DOMAIN = "shop.example"
FROM = f"news@{DOMAIN}"
HTML = "<p>Hi {{first_name|there}}, our <b>spring sale</b> starts today.</p>"


@pytest.fixture
def identity(tenant):
    return EmailIdentityFactory(tenant=tenant, name=DOMAIN)


@pytest.fixture
def ses_identity(tenant):
    """The domain created and verified at the local SES too (sends go out through it)."""
    esp.ses_client(tenant).create_email_identity(EmailIdentity=DOMAIN)
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    return EmailIdentityFactory(tenant=tenant, name=DOMAIN)


@pytest.fixture(autouse=True)
def _unpaced(settings):
    settings.BROADCAST_PACING = False


def opted_in(tenant, n, **kwargs):
    """`n` contacts of `tenant` with an email address and email marketing consent."""
    return [
        ContactFactory(
            tenant=tenant,
            email=kwargs.pop("email", None) or f"reader{i}-{tenant.pk}@example.com",
            email_consent_at=timezone.now(),
            email_consent_source="web_form",
            **kwargs,
        )
        for i in range(n)
    ]


def email_draft(tenant, audience, **overrides):
    values = {
        "tenant": tenant, "actor": Actor.system(), "name": "Spring news", "channel": "email",
        "audience": audience, "subject": "Spring sale, {{first_name|friend}}", "html": HTML,
        "from_number": FROM,
    }  # fmt: skip
    return drafts.broadcast_create(**{**values, **overrides})


def field_of(excinfo) -> str:
    return next(iter(excinfo.value.message_dict))


def test_an_email_draft_needs_a_verified_from_a_subject_and_content(tenant, identity, audience_of):
    audience = audience_of(opted_in(tenant, 1))
    broadcast = email_draft(tenant, audience, from_number="News@Shop.Example")
    assert broadcast.from_number == FROM and broadcast.subject.startswith("Spring sale")

    cases = [
        ({"from_number": "news@elsewhere.example"}, "from_number"),
        ({"from_number": ""}, "from_number"),
        ({"from_number": "not-an-address"}, "from_number"),
        ({"subject": ""}, "subject"),
        ({"subject": "Two\nlines"}, "subject"),
        ({"html": "", "body": ""}, "html"),
        ({"html": "<p>{{shoe_size}}</p>"}, "html"),
        ({"messaging_service_sid": "MG" + "0" * 32}, "messaging_service"),
    ]
    for overrides, field in cases:
        with pytest.raises(ValidationError) as excinfo:
            email_draft(tenant, audience, **overrides)
        assert field_of(excinfo) == field, overrides


def test_an_unverified_identity_is_refused(tenant, audience_of):
    EmailIdentityFactory(tenant=tenant, name=DOMAIN, status="pending")
    with pytest.raises(ValidationError) as excinfo:
        email_draft(tenant, audience_of(opted_in(tenant, 1)))
    assert field_of(excinfo) == "from_number"
    assert "verified" in excinfo.value.message_dict["from_number"][0]


def test_another_tenants_identity_or_template_is_refused(
    tenant, other_tenant, audience_of, identity
):
    EmailIdentityFactory(tenant=other_tenant, name="other.example")
    audience = audience_of(opted_in(tenant, 1))
    with pytest.raises(ValidationError) as excinfo:
        email_draft(tenant, audience, from_number="hi@other.example")
    assert field_of(excinfo) == "from_number"
    theirs = EmailTemplateFactory(tenant=other_tenant)
    with pytest.raises(ValidationError) as excinfo:
        email_draft(tenant, audience, subject="", html="", email_template=theirs.pk)
    assert field_of(excinfo) == "email_template"


def test_an_email_template_replaces_subject_and_content(tenant, identity, audience_of):
    audience = audience_of(opted_in(tenant, 1))
    template = EmailTemplateFactory(
        tenant=tenant, subject="Hello {{first_name}}", html="<p>Hi {{first_name}}</p>", text=""
    )
    broadcast = email_draft(tenant, audience, subject="", html="", email_template=template)
    assert broadcast.email_template_id == template.pk
    with pytest.raises(ValidationError) as excinfo:
        email_draft(tenant, audience, email_template=template)  # and a subject too
    assert field_of(excinfo) == "subject"


def test_sms_and_whatsapp_drafts_take_no_email_fields(tenant, audience_of, consented):
    audience = audience_of(consented(1))
    for field, value in (("subject", "Hi"), ("html", "<p>Hi</p>")):
        with pytest.raises(ValidationError) as excinfo:
            drafts.broadcast_create(
                tenant=tenant, actor=Actor.system(), name="Text", audience=audience,
                body="Hi there", **{field: value},
            )  # fmt: skip
        assert field_of(excinfo) == field


def test_the_preview_shows_each_recipients_subject_and_text(tenant, identity, audience_of):
    (contact,) = opted_in(tenant, 1, first_name="Ada")
    broadcast = email_draft(tenant, audience_of([contact]))
    (row,) = drafts.broadcast_preview(broadcast)
    assert row.address == contact.email
    assert row.subject == "Spring sale, Ada"
    assert row.text == "Hi Ada, our spring sale starts today."


def test_launch_takes_emails_lower_cased_and_leaves_out_the_suppressed(
    tenant, identity, audience_of, django_capture_on_commit_callbacks
):
    (mixed,) = opted_in(tenant, 1, email="Ada.Lovelace@Example.COM")
    (suppressed,) = opted_in(tenant, 1, email="bounced@example.com")
    no_email = ContactFactory(tenant=tenant, email="", email_consent_at=timezone.now())
    no_consent = ContactFactory(tenant=tenant, email="quiet@example.com")
    OptOut.objects.create(
        tenant=tenant, channel="email", number="bounced@example.com", source="bounce"
    )
    audience = audience_of([mixed, suppressed, no_email, no_consent])
    broadcast = email_draft(tenant, audience)
    with django_capture_on_commit_callbacks(execute=False):
        broadcast = broadcast_launch(broadcast, Actor.system())
    assert (broadcast.total, broadcast.pending, broadcast.opted_out, broadcast.skipped) == (
        4, 1, 1, 2,
    )  # fmt: skip
    recipient = BroadcastRecipient.objects.get(broadcast=broadcast)
    assert recipient.address == "ada.lovelace@example.com"


def test_email_is_paced_per_esp_account(tenant, other_tenant):
    platform = pacing.sender_limit(
        tenant_id=tenant.pk, channel=Channel.EMAIL, from_number=FROM, messaging_service_sid=""
    )
    theirs = pacing.sender_limit(
        tenant_id=other_tenant.pk, channel=Channel.EMAIL, from_number="a@b.example",
        messaging_service_sid="",
    )  # fmt: skip
    assert platform.key == theirs.key == "esp:platform"
    assert platform.mps == pacing.EMAIL_ACCOUNT_MPS == 14.0
    assert platform.daily_cap is None


def test_quiet_hours_never_hold_a_marketing_email_back(
    tenant, identity, audience_of, django_capture_on_commit_callbacks
):
    night = opted_in(tenant, 2, time_zone=_zone_at_local_hour(3), region="")
    broadcast = email_draft(tenant, audience_of(night))
    with django_capture_on_commit_callbacks(execute=False):
        broadcast = broadcast_launch(broadcast, Actor.system())
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatcher.broadcast_dispatch(broadcast.pk).outcome == "completed"
    broadcast.refresh_from_db()
    assert (broadcast.sent, broadcast.deferred) == (2, 0)


def test_an_email_broadcast_reaches_the_mailbox_and_counts_its_deliveries(
    tenant, ses_identity, audience_of, django_capture_on_commit_callbacks
):
    contacts = opted_in(tenant, 3)
    contacts[0].first_name = "Ada"
    contacts[0].save()
    broadcast = email_draft(tenant, audience_of(contacts))
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = broadcast_launch(broadcast, Actor.system())
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            if dispatcher.broadcast_dispatch(broadcast.pk).outcome == "completed":
                break
    broadcast.refresh_from_db()
    assert broadcast.status == "completed"
    assert (broadcast.total, broadcast.sent, broadcast.pending) == (3, 3, 0)
    messages = Message.objects.filter(broadcast_recipient__broadcast=broadcast)
    assert set(messages.values_list("channel", "origin", "from_number")) == {
        ("email", "broadcast", FROM)
    }
    first = messages.get(to_number=contacts[0].email)
    assert first.subject == "Spring sale, Ada"
    (received,) = ses_emails(contacts[0].email)
    assert received["subject"] == "Spring sale, Ada"
    assert "spring sale" in received["html"] and "Hi Ada" in received["html"]
    # Marketing: the one-click unsubscribe headers (RFC 8058).
    headers = {h["name"].lower(): h["value"] for h in received["headers"]}
    assert headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click"
    # The business's name beside the From address.
    assert headers["from"] == f"{tenant.name} <{broadcast.from_number}>"

    with django_capture_on_commit_callbacks(execute=True):
        clock.advance(5)
    broadcast.refresh_from_db()
    assert (broadcast.delivered, broadcast.failed) == (3, 0)
    assert set(messages.values_list("status", flat=True)) == {"delivered"}


def test_a_bounce_counts_as_failed_and_suppresses_the_address(
    tenant, ses_identity, audience_of, django_capture_on_commit_callbacks
):
    bounce = "bounce@simulator.amazonses.com"
    (contact,) = opted_in(tenant, 1, email=bounce)
    broadcast = email_draft(tenant, audience_of([contact]))
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = broadcast_launch(broadcast, Actor.system())
    with django_capture_on_commit_callbacks(execute=True):
        dispatcher.broadcast_dispatch(broadcast.pk)
    with django_capture_on_commit_callbacks(execute=True):
        clock.advance(5)
    broadcast.refresh_from_db()
    assert (broadcast.sent, broadcast.delivered, broadcast.failed) == (1, 0, 1)
    assert OptOut.objects.filter(tenant=tenant, channel="email", number=bounce).exists()

    again = email_draft(tenant, audience_of([contact], name="Again"))
    with django_capture_on_commit_callbacks(execute=False):
        again = broadcast_launch(again, Actor.system())
    assert (again.total, again.pending, again.opted_out) == (1, 0, 1)


def test_the_api_writes_an_email_broadcast_and_names_the_field_it_refuses(
    member_client, tenant, identity, audience_of
):
    client = member_client()
    audience = audience_of(opted_in(tenant, 2))
    body = {
        "name": "Spring news", "channel": "email", "audience": str(audience.pk),
        "from_number": FROM, "subject": "Spring sale", "html": HTML,
    }  # fmt: skip
    created = client.post("/api/v1/broadcasts", body, format="json")
    assert created.status_code == 201, created.json()
    answer = created.json()
    assert (answer["channel"], answer["subject"], answer["from_number"]) == (
        "email", "Spring sale", FROM,
    )  # fmt: skip
    assert answer["email_template"] is None

    preview = client.get(f"/api/v1/broadcasts/{answer['id']}/preview")
    assert preview.status_code == 200
    assert preview.json()["recipients"][0]["subject"] == "Spring sale"

    refused = client.post("/api/v1/broadcasts", {**body, "subject": ""}, format="json")
    assert refused.status_code == 400
    assert "subject" in str(refused.json())
    unverified = client.post(
        "/api/v1/broadcasts", {**body, "from_number": "x@nowhere.example"}, format="json"
    )
    assert unverified.status_code == 400 and "from_number" in str(unverified.json())


def test_the_portal_form_saves_an_email_broadcast(tenant, owner, identity, audience_of, client):
    client.force_login(owner)
    session = client.session
    session["tenant_id"] = tenant.pk
    session.save()
    contacts = opted_in(tenant, 1, first_name="Ada")
    audience = audience_of(contacts)
    form = {
        "name": "Spring news", "channel": "email", "purpose": "marketing",
        "audience": str(audience.pk), "sender": "", "from_email": FROM,
        "subject": "Spring sale, {{first_name}}", "html": HTML, "body": "",
        "email_template": "", "template": "", "template_variables_text": "", "scheduled_at": "",
    }  # fmt: skip
    page = client.get("/broadcasts/new/")
    assert page.status_code == 200 and b'value="email"' in page.content
    preview = client.post("/broadcasts/preview/", form)
    assert b"Spring sale, Ada" in preview.content

    refused = client.post("/broadcasts/new/", {**form, "from_email": "a@nowhere.example"})
    assert refused.status_code == 400 and b"not on a verified sending domain" in refused.content

    saved = client.post("/broadcasts/new/", form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    broadcast = Broadcast.objects.for_tenant(tenant).get()
    assert (broadcast.channel, broadcast.from_number, broadcast.html) == ("email", FROM, HTML)
    detail = client.get(f"/broadcasts/{broadcast.pk}/")
    assert b"Spring sale, {{first_name}}" in detail.content and b"srcdoc=" in detail.content


def test_an_unsubscribe_during_the_run_counts_and_the_rest_skip_the_address(
    settings, tenant, ses_identity, audience_of, django_capture_on_commit_callbacks
):
    settings.BROADCAST_BATCH_MAX = 1
    first, second = opted_in(tenant, 2)
    broadcast = email_draft(tenant, audience_of([first, second]))
    with django_capture_on_commit_callbacks(execute=False):
        broadcast = broadcast_launch(broadcast, Actor.system())
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatcher.broadcast_dispatch(broadcast.pk).queued == 1
    reached = BroadcastRecipient.objects.get(broadcast=broadcast, status="queued").address
    (email,) = ses_emails(reached)
    url = next(h["value"] for h in email["headers"] if h["name"].lower() == "list-unsubscribe")
    one_click = Client(enforce_csrf_checks=True).post(
        urlsplit(url.strip().strip("<>")).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.replies_opted_out) == ("sending", 1)
    assert OptOut.objects.filter(tenant=tenant, channel="email", number=reached).exists()


def test_a_template_broadcast_is_rendered_per_contact_by_the_emails_app(
    tenant, ses_identity, audience_of, django_capture_on_commit_callbacks
):
    ContactFieldFactory(tenant=tenant, key="city", label="City")
    ada, bo = opted_in(tenant, 2)
    Contact.objects.filter(pk=ada.pk).update(first_name="Ada", fields={"city": "Tampa"})
    Contact.objects.filter(pk=bo.pk).update(first_name="", fields={})
    template = EmailTemplateFactory(
        tenant=tenant, subject="News for {{first_name|you}}",
        html="<p>Hello from {{city|our shop}}</p>", text="",
    )  # fmt: skip
    broadcast = email_draft(
        tenant, audience_of([ada, bo]), subject="", html="", email_template=template
    )
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = broadcast_launch(broadcast, Actor.system())
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.sent, broadcast.skipped) == ("completed", 2, 0)
    (to_ada,) = ses_emails(ada.email)
    (to_bo,) = ses_emails(bo.email)
    assert (to_ada["subject"], to_bo["subject"]) == ("News for Ada", "News for you")
    assert "Hello from Tampa" in to_ada["html"] and "Hello from our shop" in to_bo["html"]


def test_a_tenants_own_esp_account_has_its_own_pace(tenant):
    EspCredentialsFactory(tenant=tenant)
    limit = pacing.sender_limit(
        tenant_id=tenant.pk, channel=Channel.EMAIL, from_number=FROM, messaging_service_sid=""
    )
    assert (limit.key, limit.mps) == (f"esp:tenant:{tenant.pk}", pacing.EMAIL_ACCOUNT_MPS)


def test_broadcast_emails_take_the_esp_accounts_slots(
    settings, tenant, ses_identity, audience_of, django_capture_on_commit_callbacks
):
    settings.BROADCAST_PACING = True
    # The bucket is read back from its row: the database backend, whatever REDIS_URL says
    # (on Redis the key would also be shared with other test processes).
    settings.BROADCAST_BUCKET_BACKEND = "db"
    broadcast = email_draft(tenant, audience_of(opted_in(tenant, 3)))
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = broadcast_launch(broadcast, Actor.system())
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.sent) == ("completed", 3)
    bucket = buckets._bucket_model().objects.get(key="esp:platform")
    interval = 1 / (pacing.EMAIL_ACCOUNT_MPS * settings.BROADCAST_PACING_HEADROOM)
    assert (bucket.tat - started).total_seconds() >= 3 * interval * 0.99
