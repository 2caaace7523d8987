"""Subaccounts, who may act on which account, and auth token rotation."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection

from sandbox.testing import error_of, sdk_client

pytestmark = pytest.mark.django_db


def test_master_creates_lists_and_filters_subaccounts(master, make_subaccount):
    one = make_subaccount("Acme")
    make_subaccount("Globex")
    fetched = master.client.api.v2010.accounts(one.sid).fetch()
    assert fetched.owner_account_sid == master.sid
    assert fetched.status == "active" and fetched.type == "Full"
    assert fetched.auth_token == one.token
    names = {a.friendly_name for a in master.client.api.v2010.accounts.list()}
    assert {"Acme", "Globex", "Sandbox master account"} <= names
    assert [a.sid for a in master.client.api.v2010.accounts.list(friendly_name="Acme")] == [one.sid]
    master.client.api.v2010.accounts(one.sid).update(status="suspended")
    suspended = master.client.api.v2010.accounts.list(status="suspended")
    assert [a.sid for a in suspended] == [one.sid]


def test_default_friendly_name(master):
    created = master.client.api.v2010.accounts.create()
    assert created.friendly_name.startswith("SubAccount Created at ")


def test_subaccount_sees_only_itself(sub, make_subaccount):
    other = make_subaccount("other")
    assert [a.sid for a in sub.client.api.v2010.accounts.list()] == [sub.sid]
    assert error_of(lambda: sub.client.api.v2010.accounts(other.sid).fetch()) == (404, 20404)
    assert error_of(lambda: sub.client.api.v2010.accounts.create(friendly_name="x"))[0] == 403


def test_subaccount_never_reaches_another_accounts_resources(master, sub, make_subaccount, number):
    other = make_subaccount("other")
    foreign = other.client.api.v2010.accounts(sub.sid)
    assert error_of(lambda: foreign.messages.list())[1] == 20404
    assert error_of(lambda: foreign.incoming_phone_numbers(number.sid).fetch())[1] == 20404
    assert error_of(lambda: other.client.incoming_phone_numbers(number.sid).fetch())[1] == 20404
    parent = master.client.api.v2010.accounts(master.sid)
    assert error_of(lambda: sub.client.api.v2010.accounts(master.sid).messages.list())[1] == 20404
    assert parent.messages.list() == []


def test_parent_acts_on_its_subaccount(master, sub, number):
    on_behalf = master.client.api.v2010.accounts(sub.sid)
    message = on_behalf.messages.create(to="+14155550100", from_=number.phone_number, body="x")
    assert message.account_sid == sub.sid
    assert [n.sid for n in on_behalf.incoming_phone_numbers.list()] == [number.sid]


def test_wrong_or_missing_credentials_fail_with_20003(sub):
    assert error_of(lambda: sdk_client(sub.sid, "not-the-token").messages.list()) == (401, 20003)
    unknown = sdk_client("AC" + "0" * 32, "x")
    assert error_of(lambda: unknown.api.v2010.accounts.list()) == (401, 20003)


def test_suspended_then_closed_subaccount(master, sub, number):
    accounts = master.client.api.v2010.accounts
    accounts(sub.sid).update(status="suspended")
    assert error_of(lambda: sub.client.messages.list())[1] == 10001
    assert error_of(lambda: accounts(sub.sid).messages.list())[1] == 10001
    accounts(sub.sid).update(status="active")
    assert sub.client.messages.list() == []
    accounts(sub.sid).update(status="closed")
    assert error_of(lambda: sub.client.messages.list()) == (401, 20003)
    assert accounts(sub.sid).fetch().status == "closed"
    assert error_of(lambda: accounts(sub.sid).update(status="active"))[1] == 21479
    assert error_of(lambda: accounts(sub.sid).incoming_phone_numbers.list())[1] == 20404
    from sandbox.resources.phone_numbers.models import PhoneNumber

    assert not PhoneNumber.objects.filter(sid=number.sid).exists()


def test_only_the_parent_changes_a_status(sub):
    own = sub.client.api.v2010.accounts(sub.sid)
    assert error_of(lambda: own.update(status="suspended"))[0] == 403
    renamed = sub.client.api.v2010.accounts(sub.sid).update(friendly_name="Renamed")
    assert renamed.friendly_name == "Renamed"


def test_secondary_token_works_then_promotion_retires_the_old_one(sub):
    secondary = sub.client.accounts.v1.secondary_auth_token().create()
    assert secondary.account_sid == sub.sid
    via_secondary = sdk_client(sub.sid, secondary.secondary_auth_token)
    assert [a.sid for a in via_secondary.api.v2010.accounts.list()] == [sub.sid]
    promoted = sub.client.accounts.v1.auth_token_promotion().update()
    assert promoted.auth_token == secondary.secondary_auth_token
    assert error_of(lambda: sub.client.messages.list())[1] == 20003
    assert via_secondary.messages.list() == []


def test_deleting_the_secondary_token(sub):
    secondary = sub.client.accounts.v1.secondary_auth_token().create()
    assert sub.client.accounts.v1.secondary_auth_token().delete() is True
    retired = sdk_client(sub.sid, secondary.secondary_auth_token)
    assert error_of(lambda: retired.messages.list())[1] == 20003
    assert error_of(lambda: sub.client.accounts.v1.secondary_auth_token().delete())[0] == 404
    assert error_of(lambda: sub.client.accounts.v1.auth_token_promotion().update())[0] == 404


def test_token_rotation_acts_on_the_calling_account_only(master, sub):
    sub.client.accounts.v1.secondary_auth_token().create()
    sub.client.accounts.v1.auth_token_promotion().update()
    assert master.client.api.v2010.accounts.list(limit=1)


def _stored_tokens(sid: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT auth_token, secondary_auth_token FROM sandbox_account WHERE sid = %s", [sid]
        )
        return cursor.fetchone()


def test_tokens_are_stored_encrypted_and_still_authenticate(master, sub):
    secondary = sub.client.accounts.v1.secondary_auth_token().create().secondary_auth_token
    for sid, tokens in ((sub.sid, (sub.token, secondary)), (master.sid, (master.token,))):
        stored = _stored_tokens(sid)
        assert all(value is None or value.startswith("v1:") for value in stored)
        assert not any(token in (value or "") for token in tokens for value in stored)
    assert [a.sid for a in sub.client.api.v2010.accounts.list()] == [sub.sid]
    assert [a.sid for a in sdk_client(sub.sid, secondary).api.v2010.accounts.list()] == [sub.sid]
    assert master.client.api.v2010.accounts(sub.sid).fetch().auth_token == sub.token
    assert error_of(lambda: sdk_client(sub.sid, "0" * 32).messages.list())[1] == 20003


def test_the_migration_encrypts_plaintext_tokens(sub):
    migration = importlib.import_module("sandbox.migrations.0003_encrypt_account_tokens")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sandbox_account SET auth_token = %s, secondary_auth_token = %s WHERE sid = %s",
            [sub.token, "", sub.sid],
        )
    migration.encrypt_tokens(django_apps, None)
    stored = _stored_tokens(sub.sid)
    assert stored[0].startswith("v1:") and sub.token not in stored[0] and stored[1] is None
    assert [a.sid for a in sub.client.api.v2010.accounts.list()] == [sub.sid]
