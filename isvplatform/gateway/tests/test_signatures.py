import hashlib

from django.http import QueryDict

from isvplatform.crypto import Secret
from isvplatform.gateway import compute_signature, validate_signature
from isvplatform.gateway.signatures import _as_multivalue

URL = "https://platform.example.com/webhooks/twilio/status?tenant=7"
PARAMS = {"MessageSid": "SM" + "b" * 32, "MessageStatus": "delivered", "To": "+15005550010"}
OLD, NEW = "old-token-0000000000000000000000", "new-token-1111111111111111111111"


def test_either_token_passes_during_rotation():
    for token in (OLD, NEW):
        signature = compute_signature(token, URL, PARAMS)
        assert validate_signature([OLD, NEW], URL, PARAMS, signature)


def test_wrong_token_url_or_params_fail():
    signature = compute_signature("intruder-token", URL, PARAMS)
    assert not validate_signature([OLD, NEW], URL, PARAMS, signature)

    good = compute_signature(NEW, URL, PARAMS)
    assert not validate_signature([OLD], URL, PARAMS, good)
    assert not validate_signature([NEW], URL + "&x=1", PARAMS, good)
    assert not validate_signature([NEW], URL, {**PARAMS, "MessageStatus": "failed"}, good)
    assert not validate_signature([NEW], URL, PARAMS, "")
    assert not validate_signature([], URL, PARAMS, good)


def test_secret_tokens_and_querydict_params():
    body = QueryDict(mutable=True)
    body.update(PARAMS)
    body.appendlist("MediaUrl0", "https://a.example/1.png")
    signature = compute_signature(Secret(NEW), URL, body)

    assert validate_signature([Secret(OLD), Secret(NEW)], URL, body, signature)


def test_repeated_keys_sign_like_a_querydict():
    as_dict = {"Tag": ["b", "a"], "Body": "hi"}
    body = QueryDict("Tag=b&Tag=a&Body=hi")

    assert compute_signature(NEW, URL, as_dict) == compute_signature(NEW, URL, body)
    assert _as_multivalue(as_dict).getlist("Tag") == ["b", "a"]


def test_signature_valid_with_or_without_default_port():
    signature = compute_signature(NEW, "https://platform.example.com:443/hook", PARAMS)

    assert validate_signature([NEW], "https://platform.example.com/hook", PARAMS, signature)


def test_json_body_callbacks_check_body_hash():
    raw = '{"event":"delivered"}'
    url = f"https://platform.example.com/hook?bodySHA256={hashlib.sha256(raw.encode()).hexdigest()}"
    signature = compute_signature(NEW, url)

    assert validate_signature([NEW], url, raw, signature)
    assert not validate_signature([NEW], url, '{"event":"failed"}', signature)
