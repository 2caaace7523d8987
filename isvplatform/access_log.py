"""The web process's access log: one JSON line per request, redacted like the app's logs,
with the request's id and without its query string.

A query string may carry what must never reach a log: a data export's signed download link,
a widget token, the phone number of a `?search=`. gunicorn's default access line (and the
line uvicorn's workers write through gunicorn's access handlers) holds the whole request
target, so `GunicornLogger` (the `logger_class` of `isvplatform.gunicorn_conf`) gives the
access handlers `AccessFormatter`, which keeps the path only, and runs the app's `redact`
over the rest. uvicorn's access record knows nothing of the response's headers:
`AccessLogContext`, the outermost ASGI wrapper, notes the `X-Request-ID` the app answered
with in a context variable just before uvicorn writes the line in that same call.
"""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from gunicorn import glogging

from isvplatform.logs import mask_text, redact

REQUEST_ID_HEADER = b"x-request-id"
ACCESS_REQUEST_ID: ContextVar[str | None] = ContextVar("access_request_id", default=None)
# A request target's query in free text: from `?` to the next space or quote.
_QUERY = re.compile(r"\?[^\s\"']*")
_UVICORN_ARGS = 5  # client, method, path with query, HTTP version, status


def without_query(target: str) -> str:
    return target.split("?", 1)[0]


def _header(headers: Any, name: bytes) -> str | None:
    for key, value in headers or ():
        if bytes(key).lower() == name:
            return bytes(value).decode("latin-1")[:64]
    return None


class AccessLogContext:
    """ASGI wrapper: the request id of the answer, for uvicorn's access line."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_noting_id(message) -> None:
            if message["type"] == "http.response.start":
                ACCESS_REQUEST_ID.set(_header(message.get("headers"), REQUEST_ID_HEADER))
            await send(message)

        await self.app(scope, receive, send_noting_id)


def access_event(record: logging.LogRecord) -> dict[str, Any]:
    """The fields of an access record, whichever server wrote it."""
    fields = getattr(record, "access", None)
    if fields is None and isinstance(record.args, tuple) and len(record.args) == _UVICORN_ARGS:
        client, method, target, version, status = record.args
        fields = {
            "method": method,
            "path": without_query(str(target)),
            "status": status,
            "http_version": version,
            "client": client,
            "request_id": ACCESS_REQUEST_ID.get(),
        }
    if fields is None:
        return {"event": _QUERY.sub("", record.getMessage())}
    return {"event": "access", **fields}


class AccessFormatter(logging.Formatter):
    """JSON lines in the app's shape (event, level, logger, timestamp), redacted."""

    def format(self, record: logging.LogRecord) -> str:
        event = access_event(record)
        event.update(
            level=record.levelname.lower(),
            logger=record.name,
            timestamp=datetime.fromtimestamp(record.created, UTC).isoformat(),
        )
        return mask_text(json.dumps(redact(None, "info", event), default=str))


class GunicornLogger(glogging.Logger):
    """gunicorn's logger with `AccessFormatter` on its access handlers, and a structured
    `access` for gunicorn's own (non-ASGI) workers."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for handler in self.access_log.handlers:
            handler.setFormatter(AccessFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.logconfig_dict):
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = [(k.encode(), v.encode()) for k, v in (resp.headers or ())]
        fields = {
            "method": environ.get("REQUEST_METHOD"),
            "path": without_query(environ.get("PATH_INFO") or ""),
            "status": int(status),
            "client": environ.get("REMOTE_ADDR"),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": _header(headers, REQUEST_ID_HEADER),
        }
        self.access_log.info("access", extra={"access": fields})
