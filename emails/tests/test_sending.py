"""`email_send`'s checks: each refusal is a 4xx naming its field, and nothing is stored."""

import pytest
from django.core.exceptions import ValidationError

from emails.models import EmailIdentity
from emails.services import email_send
from emails.tests.factories import (
    EmailIdentityFactory,
    EmailTemplateFactory,
    EspCredentialsFactory,
)
from messaging.models import Message, OptOut
from messaging.services import SendRefused, optout_add
from tenants.services import Actor

pytestmark = pytest.mark.django_db
MISSING_ID = "8d7c4a5e-0000-4000-8000-000000000000"


@pytest.fixture
def domain(tenant):
    return EmailIdentityFactory(tenant=tenant, name="news.acme.test")


def send(tenant, **kwargs):
    values = {
        "tenant": tenant,
        "to": "Reader@Example.org",
        "from_": "hello@news.acme.test",
        "subject": "Spring sale",
        "html": "<p>Hi <script>x()</script>"
        "<a href='https://acme.test/s' onclick='y()'>shop</a></p>",
        "actor": Actor.system(),
    }
    return email_send(**{**values, **kwargs})


def test_queued_email_is_sanitised_with_a_generated_text_part(tenant, domain):
    message = send(tenant)
    message.refresh_from_db()
    assert (message.channel, message.status, message.esp_name) == ("email", "queued", "amazon_ses")
    assert message.to_number == "reader@example.org"
    assert message.from_number == "hello@news.acme.test"
    assert "<script" not in message.html and "onclick" not in message.html
    assert "[shop](https://acme.test/s)" in message.body
    assert message.headers == {}  # transactional: no unsubscribe


def test_marketing_email_carries_one_click_unsubscribe_and_a_footer(tenant, domain):
    message = send(tenant, category="marketing")
    url = message.headers["List-Unsubscribe"][1:-1]
    assert message.headers["List-Unsubscribe"] == f"<{url}>"
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/email/unsubscribe/" in url
    assert f'href="{url}"' in message.html and "Unsubscribe" in message.html
    assert f"Unsubscribe: {url}" in message.body


def test_a_marketing_template_makes_the_email_marketing(tenant, domain):
    template = EmailTemplateFactory(tenant=tenant)
    message = send(
        tenant, subject="", html="", template=str(template.pk), variables={"first_name": "Ana"}
    )
    assert message.subject == "News for Ana"
    assert "<h1>Hello Ana</h1>" in message.html
    assert "List-Unsubscribe" in message.headers


def test_a_domain_identity_covers_subdomain_senders_and_addresses(tenant, domain):
    assert send(tenant, from_="x@mail.news.acme.test").from_number == "x@mail.news.acme.test"
    EmailIdentityFactory(tenant=tenant, kind="email_address", name="ana@solo.test")
    assert send(tenant, from_="ana@solo.test").from_number == "ana@solo.test"


@pytest.mark.parametrize(
    "status", [EmailIdentity.Status.PENDING, EmailIdentity.Status.FAILED, None]
)
def test_unverified_identity_is_refused_on_from(tenant, status):
    if status:
        EmailIdentityFactory(tenant=tenant, name="news.acme.test", status=status)
    with pytest.raises(SendRefused) as err:
        send(tenant)
    assert err.value.reason == "identity_not_verified"
    assert list(err.value.message_dict) == ["from"]
    assert not Message.objects.exists()


def test_another_tenants_identity_does_not_count(tenant, other_tenant):
    EmailIdentityFactory(tenant=other_tenant, name="news.acme.test")
    with pytest.raises(SendRefused):
        send(tenant)


def test_with_own_credentials_only_identities_of_that_account_count(tenant, domain):
    EspCredentialsFactory(tenant=tenant)
    with pytest.raises(SendRefused) as err:
        send(tenant)
    assert "your own ESP account" in err.value.reason_message
    EmailIdentityFactory(tenant=tenant, name="own.acme.test", own_credentials=True)
    assert send(tenant, from_="hi@own.acme.test").status == "queued"


def test_suppressed_address_is_refused_on_to(tenant, domain):
    optout_add(
        tenant=tenant,
        number="READER@example.org",
        channel="email",
        source=OptOut.Source.BOUNCE,
        actor=Actor.system(),
    )
    assert OptOut.objects.get().number == "reader@example.org"
    with pytest.raises(SendRefused) as err:
        send(tenant)
    assert err.value.reason == "recipient_suppressed"
    assert list(err.value.message_dict) == ["to"]
    assert "Hard bounce" in err.value.reason_message
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"to": "not-an-address"}, "to"),
        ({"from_": ""}, "from"),
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 999}, "subject"),
        ({"html": "", "text": ""}, "html"),
        ({"html": "<p>" + "x" * 600_000 + "</p>"}, "html"),
        ({"category": "spam"}, "category"),
        ({"template": "nope", "subject": "", "html": ""}, "template"),
        ({"template": MISSING_ID, "subject": "", "html": ""}, "template"),
        ({"variables": {"a": "1"}, "subject": "Hi {{name}}"}, "variables"),
        ({"variables": ["a"]}, "variables"),
    ],
)
def test_bad_input_names_its_field(tenant, domain, changes, field):
    with pytest.raises(ValidationError) as err:
        send(tenant, **changes)
    assert list(err.value.message_dict) == [field]
    assert not Message.objects.exists()


def test_a_template_belongs_to_its_tenant(tenant, other_tenant, domain):
    template = EmailTemplateFactory(tenant=other_tenant)
    with pytest.raises(ValidationError) as err:
        send(tenant, subject="", html="", template=str(template.pk), variables={})
    assert list(err.value.message_dict) == ["template"]


def test_the_send_task_is_enqueued_on_commit(tenant, domain, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(tenant)
    assert len(callbacks) == 1
