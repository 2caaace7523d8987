"""Required business-profile fields are marked in the form and refused blank everywhere."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tenants.models import AuditEvent, BusinessProfile, Membership
from tenants.services import PROFILE_EDITABLE_FIELDS, Actor, business_profile_update
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def profile_data(profile: BusinessProfile, **overrides) -> dict:
    data = {}
    for name in PROFILE_EDITABLE_FIELDS:
        value = overrides.get(name, getattr(profile, name))
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data


@pytest.fixture
def owner_client(client, tenant):
    client.force_login(MembershipFactory(tenant=tenant, role=Membership.Role.OWNER).user)
    return client


@pytest.mark.parametrize("blank", ["", "   "])
def test_clearing_the_legal_name_is_refused_not_saved(owner_client, tenant, blank):
    profile = BusinessProfile.objects.for_tenant(tenant).get()
    name = profile.legal_name
    data = profile_data(profile, legal_name=blank, dba_name="Later")
    response = owner_client.post(reverse("portal:profile"), data, follow=True)

    assert response.redirect_chain == []
    body = response.content.decode()
    assert "Business profile saved." not in body
    assert 'id="id_legal_name_errors"' in body
    assert "This field is required." in response.context["form"].errors["legal_name"]
    profile.refresh_from_db()
    assert (profile.legal_name, profile.dba_name) == (name, "")
    assert not AuditEvent.objects.for_tenant(tenant).filter(action="business_profile.updated")


def test_required_fields_are_marked_with_an_asterisk_and_the_required_attribute(
    owner_client, tenant
):
    body = owner_client.get(reverse("portal:profile")).content.decode()
    legal = body[body.index('for="id_legal_name"') :][:400]
    assert 'class="required-mark"' in legal
    assert 'name="legal_name"' in legal and " required" in legal
    dba = body[body.index('for="id_dba_name"') :][:400]
    assert "required-mark" not in dba and " required" not in dba


def test_the_service_refuses_a_blank_legal_name(tenant):
    profile = BusinessProfile.objects.for_tenant(tenant).get()
    with pytest.raises(ValidationError) as caught:
        business_profile_update(profile=profile, data={"legal_name": "  "}, actor=Actor.system())
    assert "legal_name" in caught.value.message_dict
    profile.refresh_from_db()
    assert profile.legal_name == tenant.name


@pytest.mark.parametrize("method", ["patch", "put"])
def test_the_api_refuses_a_blank_legal_name(member_client, tenant, method):
    client = member_client(role=Membership.Role.OWNER)
    response = getattr(client, method)(
        "/api/v1/business-profile", {"legal_name": " "}, format="json"
    )
    assert response.status_code == 400
    assert "legal_name" in response.json()["error"]["fields"]
    assert BusinessProfile.objects.for_tenant(tenant).get().legal_name == tenant.name
