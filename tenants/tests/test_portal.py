import re

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from tenants.models import APIKey, AuditEvent, BusinessProfile, Membership
from tenants.services import PROFILE_EDITABLE_FIELDS, Actor, record_audit
from tenants.tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    TenantFactory,
    UserFactory,
    make_api_key,
    secret_of,
)

Role = Membership.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def sign_in(client, tenant):
    """Sign `client` in as a new member of `tenant` (or `for_tenant`) with `role`."""

    def make(role=Role.OWNER, for_tenant=None) -> Membership:
        membership = MembershipFactory(tenant=for_tenant or tenant, role=role)
        client.force_login(membership.user)
        return membership

    return make


def profile_data(profile: BusinessProfile, **overrides) -> dict:
    """The profile form's POST body for `profile`, as a browser would send it."""
    data = {}
    for name in PROFILE_EDITABLE_FIELDS:
        value = overrides.get(name, getattr(profile, name))
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data


# --- sign in / out / password reset -----------------------------------------------------


def test_sign_in_with_the_form_lands_on_the_dashboard(client, tenant):
    user = MembershipFactory(tenant=tenant).user
    response = client.post(
        reverse("login"), {"username": user.username, "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert response.wsgi_request.user == user
    assert tenant.name in response.content.decode()


def test_sign_in_with_a_wrong_password_shows_an_error(client, tenant):
    user = MembershipFactory(tenant=tenant).user
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_portal_pages_need_sign_in(client):
    for name in ("dashboard", "profile", "team", "api_keys", "audit"):
        response = client.get(reverse(f"portal:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_sign_out_is_a_post(client, sign_in):
    sign_in()
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def _link_in(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", body).group(1)


def test_password_reset_emails_a_link_that_sets_a_new_password(client, tenant):
    user = MembershipFactory(tenant=tenant).user
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]

    link = _link_in(mail.outbox[0].body)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": "a-new-long-pw-42", "new_password2": "a-new-long-pw-42"}
    )
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("a-new-long-pw-42")
    assert client.login(
        request=RequestFactory().get("/"), username=user.username, password="a-new-long-pw-42"
    )


def test_password_reset_for_an_unknown_email_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_person_without_a_tenant_sees_a_friendly_page(client):
    client.force_login(UserFactory())
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    assert "not part of a business yet" in response.content.decode()


def test_static_files_are_served_by_whitenoise(client):
    response = client.get("/static/js/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in b"".join(response.streaming_content)


# --- dashboard and tenant switcher ------------------------------------------------------


def test_dashboard_shows_tenant_completeness_and_verification(client, sign_in, tenant):
    sign_in()
    response = client.get(reverse("portal:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert tenant.name in body
    # The factory fills only the legal name: 1 of 16 key fields, plus the default country.
    assert response.context["completeness"].percent == 12
    assert "Pending" in body


def test_tenant_switcher_switches_between_own_tenants(client, sign_in, tenant):
    second = TenantFactory(name="Second Shop")
    membership = sign_in(for_tenant=tenant)
    MembershipFactory(tenant=second, user=membership.user, role=Role.VIEWER)
    client.get(reverse("portal:dashboard"))
    assert client.session["tenant_id"] == tenant.pk

    response = client.post(reverse("portal:switch_tenant"), {"tenant": second.pk}, follow=True)
    assert client.session["tenant_id"] == second.pk
    assert response.context["tenant"] == second
    assert "Switch tenant" in response.content.decode()


def test_tenant_switcher_refuses_a_foreign_tenant(client, sign_in, tenant, other_tenant):
    sign_in(for_tenant=tenant)
    client.get(reverse("portal:dashboard"))
    response = client.post(reverse("portal:switch_tenant"), {"tenant": other_tenant.pk})
    assert response.status_code == 404
    assert client.session["tenant_id"] == tenant.pk
    assert client.post(reverse("portal:switch_tenant"), {"tenant": "x"}).status_code == 404


# --- business profile -------------------------------------------------------------------


def test_profile_shows_a_field_error_for_a_bad_phone_and_keeps_the_input(client, sign_in, tenant):
    sign_in(role=Role.MEMBER)
    profile = BusinessProfile.objects.for_tenant(tenant).get()
    data = profile_data(profile, contact_phone="12345", dba_name="Acme Deli")
    response = client.post(reverse("portal:profile"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["contact_phone"] == ["This is not a valid phone number."]
    assert list(form.errors) == ["contact_phone"]
    body = response.content.decode()
    assert 'id="id_contact_phone_errors"' in body
    assert 'value="Acme Deli"' in body
    assert 'value="12345"' in body
    profile.refresh_from_db()
    assert (profile.contact_phone, profile.dba_name) == ("", "")


def test_profile_saves_a_valid_e164_phone(client, sign_in, tenant):
    sign_in(role=Role.MEMBER)
    profile = BusinessProfile.objects.for_tenant(tenant).get()
    data = profile_data(profile, contact_phone="+14155550123", tcpa_compliant=True)
    response = client.post(reverse("portal:profile"), data, follow=True)
    assert response.redirect_chain == [(reverse("portal:profile"), 302)]
    assert "Business profile saved." in response.content.decode()
    profile.refresh_from_db()
    assert profile.contact_phone == "+14155550123"
    assert profile.tcpa_compliant is True
    event = AuditEvent.objects.for_tenant(tenant).get(action="business_profile.updated")
    assert event.changes["contact_phone"] == ["", "+14155550123"]


def test_profile_normalizes_a_national_number(client, sign_in, tenant):
    sign_in()
    profile = BusinessProfile.objects.for_tenant(tenant).get()
    client.post(reverse("portal:profile"), profile_data(profile, owner_phone="(415) 555-0123"))
    profile.refresh_from_db()
    assert profile.owner_phone == "+14155550123"


def test_viewer_sees_the_profile_read_only_and_cannot_post(client, sign_in, tenant):
    sign_in(role=Role.VIEWER)
    profile = BusinessProfile.objects.for_tenant(tenant).get()
    response = client.get(reverse("portal:profile"))
    assert response.status_code == 200
    assert all(field.disabled for field in response.context["form"].fields.values())
    assert "Save profile" not in response.content.decode()
    response = client.post(reverse("portal:profile"), profile_data(profile, dba_name="Hacked"))
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.dba_name == ""


# --- team -------------------------------------------------------------------------------


def test_owner_invites_a_new_person_who_gets_a_set_password_link(client, sign_in, tenant):
    sign_in()
    response = client.post(reverse("portal:team"), {"email": "New@Example.com", "role": "admin"})
    assert response["Location"] == reverse("portal:team")
    membership = Membership.objects.for_tenant(tenant).get(user__email="new@example.com")
    assert membership.role == Role.ADMIN
    assert len(mail.outbox) == 1
    assert tenant.name in mail.outbox[0].subject

    client.logout()
    response = client.get(_link_in(mail.outbox[0].body), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "chosen-pw-4711", "new_password2": "chosen-pw-4711"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    assert client.login(
        request=RequestFactory().get("/"), username="new@example.com", password="chosen-pw-4711"
    )


def test_invite_shows_field_errors(client, sign_in, tenant):
    owner = sign_in()
    response = client.post(reverse("portal:team"), {"email": owner.user.email, "role": "member"})
    assert response.status_code == 200
    assert response.context["invite_form"].errors == {"email": ["This person is already a member."]}
    response = client.post(reverse("portal:team"), {"email": "not-an-email", "role": "member"})
    assert "email" in response.context["invite_form"].errors
    assert Membership.objects.for_tenant(tenant).count() == 1


def test_owner_changes_a_role_and_removes_a_member(client, sign_in, tenant):
    sign_in()
    other = MembershipFactory(tenant=tenant, role=Role.MEMBER)
    response = client.post(reverse("portal:member_role", args=[other.pk]), {"role": "viewer"})
    assert response["Location"] == reverse("portal:team")
    other.refresh_from_db()
    assert other.role == Role.VIEWER

    response = client.post(reverse("portal:member_remove", args=[other.pk]))
    assert response["Location"] == reverse("portal:team")
    assert not Membership.objects.filter(pk=other.pk).exists()
    actions = set(AuditEvent.objects.for_tenant(tenant).values_list("action", flat=True))
    assert {"member.role_changed", "member.removed"} <= actions


def test_role_change_with_htmx_returns_the_row(client, sign_in, tenant):
    sign_in()
    other = MembershipFactory(tenant=tenant, role=Role.MEMBER)
    response = client.post(
        reverse("portal:member_role", args=[other.pk]), {"role": "admin"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="member-{other.pk}">')
    assert '<option value="admin" selected>' in body
    assert "Saved" in body


def test_the_last_owner_cannot_be_demoted(client, sign_in, tenant):
    owner = sign_in()
    response = client.post(
        reverse("portal:member_role", args=[owner.pk]), {"role": "member"}, follow=True
    )
    assert "A tenant must keep at least one owner." in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_admin_cannot_grant_or_touch_the_owner_role(client, sign_in, tenant):
    sign_in(role=Role.ADMIN)
    owner = MembershipFactory(tenant=tenant, role=Role.OWNER)
    member = MembershipFactory(tenant=tenant, role=Role.MEMBER)
    url = reverse("portal:member_role", args=[member.pk])
    assert client.post(url, {"role": "owner"}).status_code == 403
    assert client.post(reverse("portal:member_remove", args=[owner.pk])).status_code == 403
    assert client.post(url, {"role": "admin"}).status_code == 302
    member.refresh_from_db()
    owner.refresh_from_db()
    assert (member.role, owner.role) == (Role.ADMIN, Role.OWNER)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_team_changes_are_forbidden_to_members_and_viewers(client, sign_in, tenant, role):
    sign_in(role=role)
    other = MembershipFactory(tenant=tenant, role=Role.MEMBER)
    response = client.get(reverse("portal:team"))
    assert response.status_code == 200
    assert other.user.email in response.content.decode()
    assert "Send invite" not in response.content.decode()

    invite = client.post(reverse("portal:team"), {"email": "x@example.com", "role": "member"})
    change = client.post(reverse("portal:member_role", args=[other.pk]), {"role": "admin"})
    remove = client.post(reverse("portal:member_remove", args=[other.pk]))
    assert (invite.status_code, change.status_code, remove.status_code) == (403, 403, 403)
    other.refresh_from_db()
    assert other.role == Role.MEMBER
    assert Membership.objects.for_tenant(tenant).count() == 2
    assert mail.outbox == []


def test_another_tenants_membership_is_not_found(client, sign_in, other_tenant):
    sign_in()
    foreign = MembershipFactory(tenant=other_tenant, role=Role.MEMBER)
    role = client.post(reverse("portal:member_role", args=[foreign.pk]), {"role": "viewer"})
    remove = client.post(reverse("portal:member_remove", args=[foreign.pk]))
    assert (role.status_code, remove.status_code) == (404, 404)
    foreign.refresh_from_db()
    assert foreign.role == Role.MEMBER


# --- API keys ---------------------------------------------------------------------------


def test_api_key_is_shown_once(client, sign_in, tenant):
    sign_in(role=Role.ADMIN)
    response = client.post(reverse("portal:api_keys"), {"name": "Production", "scopes": ["read"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:api_key_created")
    assert "isv_" not in response.content.decode()

    shown = client.get(response["Location"])
    assert "no-store" in shown["Cache-Control"]
    raw_key = shown.context["raw_key"]
    assert raw_key in shown.content.decode()
    api_key = APIKey.objects.for_tenant(tenant).get()
    assert (api_key.name, api_key.scopes) == ("Production", ["read"])

    listing = client.get(reverse("portal:api_keys")).content.decode()
    assert f"isv_{api_key.prefix}_" in listing
    assert raw_key not in listing
    assert secret_of(raw_key) not in listing


def test_reloading_the_new_key_page_mints_no_second_key_and_hides_the_first(
    client, sign_in, tenant
):
    sign_in(role=Role.OWNER)
    created = client.post(reverse("portal:api_keys"), {"name": "CI", "scopes": ["read"]})
    first = client.get(created["Location"])
    raw_key = first.context["raw_key"]

    reload = client.get(created["Location"], follow=True)
    body = reload.content.decode()
    assert secret_of(raw_key) not in body
    assert "shown only once" in body
    assert reload.redirect_chain == [(reverse("portal:api_keys"), 302)]
    assert APIKey.objects.for_tenant(tenant).count() == 1


def test_a_new_key_is_not_shown_in_another_tenant(client, sign_in, tenant, other_tenant):
    membership = sign_in(role=Role.OWNER)
    MembershipFactory(tenant=other_tenant, user=membership.user, role=Role.OWNER)
    client.post(reverse("portal:switch_tenant"), {"tenant": tenant.pk})
    created = client.post(reverse("portal:api_keys"), {"name": "CI", "scopes": ["read"]})
    client.post(reverse("portal:switch_tenant"), {"tenant": other_tenant.pk})
    page = client.get(created["Location"], follow=True)
    assert "raw_key" not in page.context
    assert "shown only once" in page.content.decode()
    assert APIKey.objects.for_tenant(tenant).count() == 1


def test_api_key_form_needs_a_name_and_a_scope(client, sign_in, tenant):
    sign_in()
    response = client.post(reverse("portal:api_keys"), {"name": ""})
    assert set(response.context["form"].errors) == {"name", "scopes"}
    assert not APIKey.objects.for_tenant(tenant).exists()


def test_api_key_revoke(client, sign_in, tenant):
    sign_in()
    api_key, _ = make_api_key(tenant)
    response = client.post(reverse("portal:api_key_revoke", args=[api_key.pk]), follow=True)
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert "Revoked" in response.content.decode()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_api_key_changes_are_forbidden_to_members_and_viewers(client, sign_in, tenant, role):
    sign_in(role=role)
    api_key, _ = make_api_key(tenant)
    assert client.get(reverse("portal:api_keys")).status_code == 200
    create = client.post(reverse("portal:api_keys"), {"name": "Mine", "scopes": ["read"]})
    revoke = client.post(reverse("portal:api_key_revoke", args=[api_key.pk]))
    assert (create.status_code, revoke.status_code) == (403, 403)
    api_key.refresh_from_db()
    assert api_key.revoked_at is None
    assert APIKey.objects.for_tenant(tenant).count() == 1


def test_another_tenants_api_key_is_not_found(client, sign_in, other_tenant):
    sign_in()
    foreign, _ = make_api_key(other_tenant)
    response = client.post(reverse("portal:api_key_revoke", args=[foreign.pk]))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
    assert foreign.name not in client.get(reverse("portal:api_keys")).content.decode()


# --- audit log --------------------------------------------------------------------------


def test_audit_page_lists_only_own_events_newest_first(client, sign_in, tenant, other_tenant):
    sign_in(role=Role.VIEWER)
    record_audit(tenant=tenant, actor=Actor.system(), action="mine.first")
    record_audit(tenant=tenant, actor=Actor.system(), action="mine.second")
    record_audit(tenant=other_tenant, actor=Actor.system(), action="theirs.secret")
    response = client.get(reverse("portal:audit"))
    actions = [event.action for event in response.context["events"]]
    assert actions == ["mine.second", "mine.first"]
    assert "theirs.secret" not in response.content.decode()


def test_audit_page_is_paginated(client, sign_in, tenant):
    sign_in()
    for n in range(30):
        record_audit(tenant=tenant, actor=Actor.system(), action=f"bulk.{n:02d}")
    first = client.get(reverse("portal:audit"))
    second = client.get(reverse("portal:audit"), {"page": 2})
    assert len(first.context["events"]) == 25
    assert first.context["events"][0].action == "bulk.29"
    assert [e.action for e in second.context["events"]] == [
        f"bulk.{n:02d}" for n in range(4, -1, -1)
    ]


def test_audit_page_shows_updates_as_before_and_after(client, sign_in, tenant):
    sign_in()
    record_audit(
        tenant=tenant,
        actor=Actor.system(),
        action="x.updated",
        changes={"role": ["member", "admin"]},
    )
    record_audit(
        tenant=tenant,
        actor=Actor.system(),
        action="y.created",
        changes={"scopes": ["read", "write"]},
    )
    body = client.get(reverse("portal:audit")).content.decode()
    assert "member → admin" in body
    assert "read, write" in body


def test_a_suspended_tenant_is_read_only(client, sign_in, tenant):
    sign_in()
    tenant.status = tenant.Status.SUSPENDED
    tenant.save(update_fields=["status"])
    profile = BusinessProfile.objects.for_tenant(tenant).get()
    page = client.get(reverse("portal:profile"))
    assert "changes are disabled" in page.content.decode()
    assert all(field.disabled for field in page.context["form"].fields.values())
    response = client.post(reverse("portal:profile"), profile_data(profile, dba_name="Later"))
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.dba_name == ""
