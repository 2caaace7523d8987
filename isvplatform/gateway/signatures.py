"""`X-Twilio-Signature` checks for inbound callbacks, using the SDK's own algorithm.

Several tokens may be valid at once: while an account's auth token is being rotated, Twilio
may still sign with the old one, so a signature matching any given token passes.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.datastructures import MultiValueDict
from twilio.request_validator import RequestValidator

from isvplatform.crypto import Secret

Params = Mapping[str, Any] | str | None


def _token(token: str | Secret) -> str:
    return token.reveal() if isinstance(token, Secret) else token


def _as_multivalue(params: Params) -> Any:
    """Give the validator something with `getlist`, so repeated keys sign like Twilio's."""
    if params is None or isinstance(params, str) or hasattr(params, "getlist"):
        return params
    return MultiValueDict(
        {
            key: [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
            for key, value in params.items()
        }
    )


def compute_signature(token: str | Secret, url: str, params: Params = None) -> str:
    """The signature Twilio would send for a form POST of `params` to `url` (used by tests)."""
    return RequestValidator(_token(token)).compute_signature(url, _as_multivalue(params))


def validate_signature(
    auth_tokens: Iterable[str | Secret], url: str, params: Params, signature: str
) -> bool:
    """True when `signature` was made with any of `auth_tokens` for this URL and body.

    `params` is the form body (a QueryDict or a dict; list values are repeated keys), or the
    raw body string of a JSON callback whose URL carries `bodySHA256`.
    """
    if not signature:
        return False
    body = _as_multivalue(params)
    return any(
        RequestValidator(token).validate(url, body, signature)
        for token in (_token(t) for t in auth_tokens)
        if token
    )
