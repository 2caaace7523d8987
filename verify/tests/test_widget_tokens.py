"""The success token: signed, short-lived, single use, bound to its tenant; and its API."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tenants.services import Actor, api_key_create
from verify.models import VerificationAttempt, WidgetToken
from verify.tests.factories import VerificationAttemptFactory, VerifyServiceFactory
from verify.widget.keys import widget_enable, widget_rotate_secret
from verify.widget.tokens import TokenRefused, decode, issue_token, redeem_token, sign

URL = "/api/v1/verifications/tokens/verify"


def approved_attempt(tenant=None):
    service = VerifyServiceFactory(**({"tenant": tenant} if tenant else {}))
    widget_enable(service=service, actor=Actor.system())
    service.refresh_from_db()
    return VerificationAttemptFactory(
        tenant=service.tenant,
        service=service,
        status=VerificationAttempt.Status.APPROVED,
        approved_at=timezone.now(),
        source=VerificationAttempt.Source.WIDGET,
    )


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def bearer(tenant, scopes=None):
    _key, raw = api_key_create(tenant=tenant, name="backend", scopes=scopes, actor=Actor.system())
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_carries_the_phone_and_expires_in_ten_minutes(db):
    attempt = approved_attempt()
    token = issue_token(attempt=attempt, origin="https://shop.example")
    claims = decode(token, attempt.service.token_secret.reveal())
    assert claims["sub"] == attempt.to
    assert claims["tid"] == attempt.tenant_id and claims["aid"] == attempt.pk
    assert claims["exp"] - claims["iat"] == 600
    row = WidgetToken.objects.get(pk=claims["jti"])
    assert row.origin == "https://shop.example" and row.redeemed_at is None
    with pytest.raises(TokenRefused) as err:
        decode(
            token, attempt.service.token_secret.reveal(), now=timezone.now() + timedelta(minutes=11)
        )
    assert err.value.code == "token_expired"


def test_one_token_per_attempt(db):
    attempt = approved_attempt()
    issue_token(attempt=attempt)
    with pytest.raises(TokenRefused):
        issue_token(attempt=attempt)


def test_forgeries_are_refused(db):
    attempt = approved_attempt()
    secret = attempt.service.token_secret.reveal()
    token = issue_token(attempt=attempt)
    header, body, signature = token.split(".")
    claims = decode(token, secret)
    other_phone = b64({**claims, "sub": "+15550000000"})
    forgeries = [
        f"{header}.{other_phone}.{signature}",
        f"{b64({'alg': 'none', 'typ': 'JWT'})}.{body}.",
        sign({**claims, "sub": "+15550000000"}, "not-the-secret"),
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "a.b",
        "",
    ]
    for forged in forgeries:
        with pytest.raises(TokenRefused) as err:
            decode(forged, secret)
        assert err.value.code == "token_invalid", forged


def test_the_api_redeems_once(api_client, db):
    attempt = approved_attempt()
    token = issue_token(attempt=attempt)
    auth = bearer(attempt.tenant, scopes=["read"])
    first = api_client.post(URL, {"token": token}, format="json", **auth)
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["valid"] is True and body["phone"] == attempt.to
    assert body["verification_id"] == attempt.pk and body["channel"] == "sms"
    assert body["verified_at"]
    again = api_client.post(URL, {"token": token}, format="json", **auth)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "token_used"


def test_the_api_refuses_forged_expired_and_other_tenants_tokens(api_client, db):
    attempt = approved_attempt()
    token = issue_token(attempt=attempt)
    secret = attempt.service.token_secret.reveal()
    auth = bearer(attempt.tenant)

    forged = sign({**decode(token, secret), "sub": "+15550000000"}, "guess")
    answer = api_client.post(URL, {"token": forged}, format="json", **auth)
    assert answer.status_code == 400 and "token" in answer.json()["error"]["fields"]

    expired = sign({**decode(token, secret), "exp": 1}, secret)
    answer = api_client.post(URL, {"token": expired}, format="json", **auth)
    assert answer.status_code == 400
    assert "expired" in answer.json()["error"]["fields"]["token"][0]

    other = approved_attempt()
    answer = api_client.post(URL, {"token": token}, format="json", **bearer(other.tenant))
    assert answer.status_code == 400
    # Refused elsewhere, the token is still good for its own tenant.
    assert api_client.post(URL, {"token": token}, format="json", **auth).status_code == 200


def test_the_api_needs_an_api_key_and_a_token(api_client, db):
    attempt = approved_attempt()
    token = issue_token(attempt=attempt)
    assert api_client.post(URL, {"token": token}, format="json").status_code in (401, 403)
    bad = api_client.post(URL, {"token": token}, format="json", HTTP_AUTHORIZATION="Bearer isv_x")
    assert bad.status_code == 401
    empty = api_client.post(URL, {}, format="json", **bearer(attempt.tenant))
    assert empty.status_code == 400 and "token" in empty.json()["error"]["fields"]


def test_redeem_with_a_rotated_secret_is_refused(db):
    attempt = approved_attempt()
    token = issue_token(attempt=attempt)
    widget_rotate_secret(service=attempt.service, actor=Actor.system())
    with pytest.raises(TokenRefused):
        redeem_token(tenant=attempt.tenant, token=token)
