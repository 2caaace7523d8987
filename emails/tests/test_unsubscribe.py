"""One-click unsubscribe: a POST with no session records the opt-out; a bad link is a 400."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client

from emails.services import unsubscribe_url
from emails.tests.factories import EmailMessageFactory
from messaging.models import ConsentEvent, OptOut

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def email(tenant):
    return EmailMessageFactory(tenant=tenant, to_number="reader@example.org")


def test_one_click_post_without_session_records_the_opt_out_in_the_ledger(email):
    client = Client(enforce_csrf_checks=True)  # as a mail client: no cookie, no CSRF token
    response = client.post(
        _path(unsubscribe_url(email)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    optout = OptOut.objects.for_tenant(email.tenant).get(number="reader@example.org")
    assert (optout.channel, optout.source) == ("email", OptOut.Source.UNSUBSCRIBE)
    entry = ConsentEvent.objects.for_tenant(email.tenant).get(number="reader@example.org")
    assert entry.action == ConsentEvent.Action.OPT_OUT
    assert entry.source == OptOut.Source.UNSUBSCRIBE
    assert entry.actor_label == "contact"
    assert entry.message_id == email.pk
    assert "One-click" in entry.reason or "one-click" in entry.reason
    # A second click changes nothing.
    assert client.post(_path(unsubscribe_url(email))).status_code == 200
    assert OptOut.objects.for_tenant(email.tenant).count() == 1
    assert ConsentEvent.objects.for_tenant(email.tenant).count() == 1


def test_get_only_confirms(email):
    response = Client().get(_path(unsubscribe_url(email)))
    assert response.status_code == 200
    assert b"reader@example.org" in response.content
    assert b'method="post"' in response.content
    assert not OptOut.objects.exists()


def test_the_link_is_https_under_the_public_url_and_per_recipient(email, settings, tenant):
    settings.PUBLIC_BASE_URL = "https://platform.example.com"
    other = EmailMessageFactory(tenant=tenant, to_number="someone@example.org")
    assert unsubscribe_url(email).startswith("https://platform.example.com/email/unsubscribe/")
    assert unsubscribe_url(email) != unsubscribe_url(other)


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_link_is_refused(email, method):
    path = _path(unsubscribe_url(email))
    token = path.rsplit("/", 1)[1]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" * 40, "a:b:c"):
        response = getattr(Client(), method)(f"/email/unsubscribe/{bad}")
        assert response.status_code == 400
        assert b"not valid" in response.content
    assert not OptOut.objects.exists()


def test_expired_link_is_refused(email, monkeypatch):
    path = _path(unsubscribe_url(email))
    monkeypatch.setattr("emails.services.unsubscribe.MAX_AGE", timedelta(seconds=-1))
    assert Client().post(path).status_code == 400
    assert not OptOut.objects.exists()
