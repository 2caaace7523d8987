"""How boto3 reaches the local AWS: in this process through a botocore `before-send`
handler (the signed request is served by `sandbox.aws.dispatch` and never leaves the
process), or over HTTP at `EMAIL_SANDBOX_URL` (`/sandbox/aws/`)."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import botocore.session
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.loaders import create_loader
from django.conf import settings

INPROCESS_ENDPOINT = "https://sandbox-aws.invalid"
_loader = create_loader()


class _Raw:
    """The streaming body botocore reads an answer from."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def stream(self, **_kwargs):
        chunk = self._data.read()
        if chunk:
            yield chunk

    def read(self, *args):
        return self._data.read(*args)


def _sandbox_ensure() -> None:
    from sandbox.aws.services import ensure_platform_account_once

    ensure_platform_account_once()


def answer(request: AWSPreparedRequest, **_kwargs) -> AWSResponse | None:
    """`before-send` handler: serve requests for the in-process endpoint locally."""
    from sandbox.aws import dispatch

    if not request.url.startswith(INPROCESS_ENDPOINT):
        return None
    _sandbox_ensure()
    body = request.body or b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    status, headers, content = dispatch.handle(
        request.method,
        request.url,
        dict(request.headers.items()),
        body,
        raw_path=urlsplit(request.url).path,
    )
    return AWSResponse(request.url, status, headers, _Raw(content))


def session_params() -> dict:
    """boto3 Session kwargs: in-process, a botocore session whose requests the local AWS
    answers; `{}` when `EMAIL_SANDBOX_URL` is set (real HTTP then)."""
    if settings.EMAIL_SANDBOX_URL:
        return {}
    session = botocore.session.get_session()
    session.register_component("data_loader", _loader)
    session.register("before-send", answer, unique_id="sandbox-aws-inprocess")
    return {"botocore_session": session}


def endpoint_url() -> str:
    """The endpoint for both the "sesv2" and "sns" clients."""
    return settings.EMAIL_SANDBOX_URL or INPROCESS_ENDPOINT
