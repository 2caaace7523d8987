"""API keys: the secret is shown once, the key authenticates REST calls for its account only,
a deleted key is refused at once, and a standard key can't manage keys or accounts."""

import pytest

from sandbox.core.models import ApiKey
from sandbox.testing import authenticated_calls, error_of, sdk_client

pytestmark = pytest.mark.django_db


def _new_key(tenant, name="rest"):
    return tenant.client.api.v2010.accounts(tenant.sid).new_keys.create(friendly_name=name)


def test_secret_is_answered_once_and_stored_encrypted(sub):
    created = _new_key(sub)
    assert created.sid.startswith("SK") and len(created.sid) == 34
    assert len(created.secret) == 32
    account = sub.client.api.v2010.accounts(sub.sid)
    fetched = account.keys(created.sid).fetch()
    assert fetched.friendly_name == "rest" and not hasattr(fetched, "secret")
    assert [k.sid for k in account.keys.list()] == [created.sid]
    raw = ApiKey.objects.filter(sid=created.sid).values_list("secret", flat=True).get()
    assert created.secret not in str(raw)


def test_key_authenticates_rest_calls_for_its_account(sub, number):
    created = _new_key(sub)
    client = sdk_client(created.sid, created.secret, sub.sid)
    with authenticated_calls() as calls:
        sent = client.messages.create(to="+14155550100", from_=number.phone_number, body="hi")
    assert sent.account_sid == sub.sid
    assert [(c.username, c.account_sid) for c in calls] == [(created.sid, sub.sid)]


def test_wrong_secret_and_deleted_key_fail_with_20003(sub):
    created = _new_key(sub)
    assert error_of(lambda: sdk_client(created.sid, "x" * 32, sub.sid).messages.list()) == (
        401,
        20003,
    )
    client = sdk_client(created.sid, created.secret, sub.sid)
    assert client.messages.list() == []
    sub.client.api.v2010.accounts(sub.sid).keys(created.sid).delete()
    assert error_of(lambda: client.messages.list()) == (401, 20003)


def test_key_never_reaches_another_account(sub, make_subaccount):
    other = make_subaccount("other")
    created = _new_key(sub)
    client = sdk_client(created.sid, created.secret, sub.sid)
    assert error_of(lambda: client.api.v2010.accounts(other.sid).messages.list()) == (404, 20404)
    assert (
        error_of(lambda: other.client.api.v2010.accounts(other.sid).keys(created.sid).fetch())[1]
        == 20404
    )


def test_standard_key_cannot_manage_keys_accounts_or_tokens(sub):
    created = _new_key(sub)
    client = sdk_client(created.sid, created.secret, sub.sid)
    account = client.api.v2010.accounts(sub.sid)
    assert error_of(lambda: account.new_keys.create(friendly_name="x")) == (401, 20003)
    assert error_of(lambda: account.keys.list()) == (401, 20003)
    assert error_of(lambda: account.keys(created.sid).delete()) == (401, 20003)
    assert error_of(lambda: account.fetch()) == (401, 20003)
    assert error_of(lambda: client.accounts.v1.secondary_auth_token().create()) == (401, 20003)


def test_parent_manages_its_subaccounts_keys(master, sub):
    created = master.client.api.v2010.accounts(sub.sid).new_keys.create(friendly_name="by parent")
    assert sdk_client(created.sid, created.secret, sub.sid).messages.list() == []
    assert [k.sid for k in sub.client.api.v2010.accounts(sub.sid).keys.list()] == [created.sid]


def test_suspended_account_key_is_refused(master, sub):
    created = _new_key(sub)
    master.client.api.v2010.accounts(sub.sid).update(status="suspended")
    client = sdk_client(created.sid, created.secret, sub.sid)
    assert error_of(lambda: client.messages.list()) == (401, 10001)
