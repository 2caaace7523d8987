"""The portal page of the widget: create the key, set origins and look, rotate, snippet."""

import pytest
from django.test import Client

from tenants.models import Membership
from tenants.tests.factories import MembershipFactory
from twofactor.tests.helpers import login_verified
from verify.models import VerifyService
from verify.tests.factories import VerifyServiceFactory, WidgetTokenFactory

URL = "/verify/widget/"
ACTION = "/verify/widget/action/"


def signed_in(tenant, role=Membership.Role.OWNER) -> Client:
    membership = MembershipFactory(tenant=tenant, role=role)
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session["tenant_id"] = tenant.pk
    session.save()
    return client


@pytest.fixture
def service(db):
    return VerifyServiceFactory(brand_name="Acme")


def test_without_verify_the_page_says_so(tenant):
    page = signed_in(tenant).get(URL)
    assert page.status_code == 200 and b"Turn on Verify" in page.content


def test_owner_creates_key_sets_origins_and_sees_the_snippet(service):
    client = signed_in(service.tenant)
    assert b"Create publishable key" in client.get(URL).content
    assert client.post(ACTION, {"action": "enable"}).status_code == 302
    service.refresh_from_db()
    assert service.publishable_key

    bad = client.post(
        URL, {"allowed_origins": "https://ok.example\nnot an origin", "brand_color": "#123456"}
    )
    assert bad.status_code == 200 and b"is not an origin" in bad.content
    good = client.post(
        URL,
        {
            "allowed_origins": "https://ok.example\nhttp://localhost:8001",
            "logo_url": "",
            "brand_color": "#123456",
        },
    )
    assert good.status_code == 302
    service.refresh_from_db()
    assert service.allowed_origins == ["https://ok.example", "http://localhost:8001"]
    page = client.get(URL).content.decode()
    assert service.publishable_key in page
    assert 'data-key="' + service.publishable_key in page
    assert "static/verify/widget.js" in page and 'data-copy="snippet"' in page
    assert service.token_secret.reveal() not in page


def test_the_signing_secret_is_shown_once_after_rotation(service):
    client = signed_in(service.tenant)
    client.post(ACTION, {"action": "enable"})
    client.post(ACTION, {"action": "rotate_secret"})
    service.refresh_from_db()
    secret = service.token_secret.reveal()
    first = client.get(URL)
    assert secret in first.content.decode()
    assert "no-store" in first["Cache-Control"] or "no-cache" in first["Cache-Control"]
    assert secret not in client.get(URL).content.decode()


def test_rotating_the_key_from_the_portal(service):
    client = signed_in(service.tenant)
    client.post(ACTION, {"action": "enable"})
    service.refresh_from_db()
    old = service.publishable_key
    client.post(ACTION, {"action": "rotate_key"})
    service.refresh_from_db()
    assert service.publishable_key != old


def test_members_read_but_do_not_change(service):
    client = signed_in(service.tenant, role=Membership.Role.MEMBER)
    assert client.get(URL).status_code == 200
    assert client.post(ACTION, {"action": "enable"}).status_code == 403
    assert (
        client.post(
            URL, {"allowed_origins": "https://x.example", "brand_color": "#000000"}
        ).status_code
        == 403
    )
    assert not VerifyService.objects.get(pk=service.pk).publishable_key


def test_another_tenants_service_is_not_shown(service, other_tenant):
    client = signed_in(service.tenant)
    client.post(ACTION, {"action": "enable"})
    service.refresh_from_db()
    page = signed_in(other_tenant).get(URL).content.decode()
    assert service.publishable_key not in page and "Turn on Verify" in page


def test_staff_read_the_widget_tokens_in_the_admin(staff_user, db):
    token = WidgetTokenFactory()
    client = Client()
    login_verified(client, staff_user)
    listing = client.get("/admin/verify/widgettoken/")
    assert listing.status_code == 200 and token.phone in listing.content.decode()
    assert client.get(f"/admin/verify/widgettoken/{token.pk}/change/").status_code == 200
