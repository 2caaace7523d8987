"""In-process entry point: takes exactly what the SDK's `HttpClient.request` receives.

`handle("POST", "https://api.twilio.com/2010-04-01/Accounts/AC.../Messages.json",
data={"To": ..., "Body": ...}, auth=(sid, token))` -> `(201, '{"sid": ...}', headers)`.
Hosts may carry a region/edge (`api.dublin.ie1.twilio.com`): only the product prefix counts.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from sandbox.core.dispatch import dispatch, dispatch_file, error_answer
from sandbox.core.errors import TwilioError
from sandbox.core.request import SandboxRequest


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def multi(values: Mapping | None) -> dict[str, list[str]]:
    """A form/query mapping as name -> list of values (list values mean repeated keys)."""
    result: dict[str, list[str]] = {}
    for name, value in (values or {}).items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            result[name] = [_as_text(v) for v in value]
        else:
            result[name] = [_as_text(value)]
    return result


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


def _error(status: int, code: int, message: str) -> tuple[int, str, dict]:
    return error_answer(TwilioError(code, status, message))


def handle(
    method: str,
    url: str,
    params: dict | None = None,
    data: dict | list | None = None,
    headers: dict | None = None,
    auth: tuple[str, str] | None = None,
) -> tuple[int, str, dict]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host.endswith(".twilio.com"):
        return _error(404, 20404, f"The sandbox only answers twilio.com hosts, not {host}")
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    query = {k: list(v) for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    for name, values in multi(params).items():
        query.setdefault(name, []).extend(values)
    form: dict[str, list[str]] = {}
    body_json = None
    if headers.get("content-type", "").startswith("application/json"):
        body_json = json.loads(data) if isinstance(data, str | bytes) else data
    elif isinstance(data, dict):
        form = multi(data)
    elif isinstance(data, list):
        for name, value in data:
            form.setdefault(name, []).append(_as_text(value))
    req = SandboxRequest(
        method=method.upper(),
        product=host.split(".", 1)[0],
        path=parts.path,
        query=query,
        form=form,
        json=body_json,
        headers=headers,
        credentials=tuple(auth) if auth else basic_credentials(headers.get("authorization")),
    )
    return dispatch(req)


def fetch_file(url: str, auth: tuple[str, str] | None = None) -> tuple[int, bytes, dict]:
    """GET a file Twilio serves (a message's media) in process: `(status, bytes, headers)`."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    req = SandboxRequest(
        method="GET",
        product=host.split(".", 1)[0],
        path=parts.path,
        credentials=tuple(auth) if auth else None,
    )
    answer = dispatch_file(req) if host.endswith(".twilio.com") else None
    if answer is not None:
        return answer
    status, text, headers = dispatch(req)
    return status, text.encode(), headers
