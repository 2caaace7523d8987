"""Downloading a message's media: the file behind a Twilio media URL, with the account's
credentials (Twilio answers media URLs only with Basic auth when the account enforces it,
and the sandbox always does).

The SDK has no call for the file itself and its HTTP clients hand back text, so the bytes
are fetched here: in process from the sandbox, or with `requests` (sandbox over HTTP, or
Twilio, which redirects to its storage; `requests` drops the credentials on that redirect).
The download stops as soon as it passes `max_bytes`.

A media URL comes from an inbound callback, and a tenant with its own (connected) Twilio
account holds the token that signs those: it could name any address. So a download from
Twilio (not the sandbox) goes through requests-hardened, which resolves each hop's host once,
refuses private and loopback addresses, and connects to the address it checked.
"""

import json
from dataclasses import dataclass

import requests
from django.conf import settings
from requests_hardened import Config, Manager
from requests_hardened.ip_filter import InvalidIPAddress
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from isvplatform.gateway.errors import (
    GatewayError,
    RejectedRequest,
    RetryableGatewayError,
    from_rest_exception,
)
from isvplatform.gateway.http import SandboxHttpClient, SandboxOverHttpClient, sandbox_url

_CHUNK = 64 * 1024
_public_only = Manager(
    Config(
        ip_filter_enable=True,
        ip_filter_allow_loopback_ips=False,
        never_redirect=False,
        default_timeout=None,
    )
).get_session()


@dataclass(frozen=True)
class MediaFile:
    content: bytes
    content_type: str


class MediaTooLarge(RejectedRequest):
    """The file is larger than the caller accepts; nothing beyond the limit was read."""


def _transport(client: Client):
    http = client.http_client
    return getattr(http, "transport", http)


def _error_for(status: int, body: bytes) -> GatewayError:
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        payload = {}
    payload = payload if isinstance(payload, dict) else {}
    code = payload.get("code") if isinstance(payload.get("code"), int) else None
    return from_rest_exception(
        TwilioRestException(status, "", msg=str(payload.get("message") or ""), code=code)
    )


def _too_large(size: int, max_bytes: int) -> MediaTooLarge:
    return MediaTooLarge(
        f"The media file is larger than {max_bytes} bytes ({size} bytes or more).", status=413
    )


def _in_process(url: str, auth: tuple[str, str], max_bytes: int) -> MediaFile:
    from sandbox import transport

    status, content, headers = transport.fetch_file(url, auth=auth)
    if status != 200:
        raise _error_for(status, content)
    if len(content) > max_bytes:
        raise _too_large(len(content), max_bytes)
    return MediaFile(content, headers.get("Content-Type", ""))


def _over_http(url: str, auth: tuple[str, str], max_bytes: int, *, public: bool) -> MediaFile:
    get = _public_only.get if public else requests.get
    try:
        with get(url, auth=auth, timeout=float(settings.TWILIO_TIMEOUT), stream=True) as response:
            if response.status_code != 200:
                raise _error_for(response.status_code, response.content[:4096])
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise _too_large(declared, max_bytes)
            content = bytearray()
            for chunk in response.iter_content(_CHUNK):
                content += chunk
                if len(content) > max_bytes:
                    raise _too_large(len(content), max_bytes)
            kind = response.headers.get("Content-Type", "")
    except InvalidIPAddress as err:
        raise RejectedRequest(
            "The media URL points to a private or local address; it is not downloaded.",
            status=400,
        ) from err
    except requests.RequestException as err:
        raise RetryableGatewayError(
            f"Could not download the media: {type(err).__name__}.", twilio_message=str(err)
        ) from err
    return MediaFile(bytes(content), kind.split(";")[0].strip())


def download_media(client: Client, url: str, *, max_bytes: int) -> MediaFile:
    """The file at a media URL of `client`'s account; raises MediaTooLarge past `max_bytes`,
    NotFoundError / AuthenticationError / RetryableGatewayError like any gateway call."""
    auth = (client.username, client.password)
    transport = _transport(client)
    if isinstance(transport, SandboxHttpClient):
        return _in_process(url, auth, max_bytes)
    if isinstance(transport, SandboxOverHttpClient):
        return _over_http(sandbox_url(transport.base_url, url), auth, max_bytes, public=False)
    return _over_http(url, auth, max_bytes, public=True)
