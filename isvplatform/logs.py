"""Structured logs: one structlog chain for structlog's own loggers and for every stdlib
`logging.getLogger(__name__)` call, ending in a redaction step that no line escapes.

`redact` is the guarantee that secrets and message bodies never reach a log line or a
Sentry event (`isvplatform.errors` runs the same `scrub` over events): values under a
sensitive key are dropped, and free text is searched for what a secret looks like here
(Twilio auth tokens, our API keys, Bearer headers, Stripe and webhook secrets, credentials in
URLs). Twilio SIDs (`AC…`, `SK…`, `SM…`) are identifiers, not secrets, and stay readable.
"""

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any

import structlog

from isvplatform.crypto import Secret

REDACTED = "[redacted]"
# Keys whose values are never logged, compared without case, `-` or `_` (so `Body`,
# `auth-token` and `AUTH_TOKEN` all match): message bodies and every kind of credential.
SENSITIVE_KEYS = frozenset(
    k.replace("_", "")
    for k in (
        "body", "text", "content", "html", "subject_line", "message_body", "reply",
        "password", "passwd", "pwd", "new_password1", "new_password2", "old_password",
        "token", "auth_token", "secondary_auth_token", "access_token", "refresh_token",
        "secret", "client_secret", "secret_key", "secret_access_key", "api_key", "apikey",
        "raw_key", "private_key", "authorization", "proxy_authorization", "cookie",
        "set_cookie", "signature", "x_twilio_signature", "stripe_signature", "csrftoken",
        "csrfmiddlewaretoken", "sessionid", "otp", "otp_token", "verification_code",
        "encryption_keys", "django_secret_key", "dsn",
    )
)  # fmt: skip
# A key containing one of these is sensitive too (`webhook_secret`, `X-Api-Key`, …).
SENSITIVE_PARTS = ("password", "secret", "token", "apikey", "authorization", "cookie", "signature")

_NAMES = r"password|passwd|secret|token|auth_?token|api_?key|signature|authorization|otp"
# (pattern, replacement) in order; each keeps enough to tell what was there.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization headers: `Bearer isv_…`, `Basic dXNlcjpwYXNz`.
    (re.compile(r"\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=:-]{6,}", re.I), r"\1 " + REDACTED),
    # Our API keys (`isv_<prefix>_<secret>`, platform keys `isvp_…`): the prefix identifies
    # the key (the admin and portal show it), the rest is the secret.
    (re.compile(r"\b(isvp?_[0-9a-f]{8})_[A-Za-z0-9_-]{8,}"), r"\1_" + REDACTED),
    # Webhook signing secrets (ours, Stripe's), Stripe secret and restricted keys.
    (re.compile(r"\bwhsec_[A-Za-z0-9_+/=-]{6,}"), "whsec_" + REDACTED),
    (re.compile(r"\b([sr]k_(?:live|test)_)[A-Za-z0-9]{6,}"), r"\1" + REDACTED),
    # Credentials inside a URL: scheme://user:password@host.
    (re.compile(r"(://[^/\s:@]+):[^/\s@]+@"), r"\1:" + REDACTED + "@"),
    # `password=…`, `token: …`, `"api_key": "…"` in free text, query strings and reprs.
    (
        re.compile(rf"""(?i)\b((?:[a-z_-]*?)(?:{_NAMES}))(["']?\s*[:=]\s*["']?)[^\s&"',;)}}]+"""),
        r"\1\2" + REDACTED,
    ),
    # A message body in a dict's repr (a structlog event as text, a breadcrumb).
    (
        re.compile(r"""(?i)(["'](?:body|text|content|Body)["']\s*:\s*)(["']).*?(?<!\\)\2"""),
        r"\1'" + REDACTED + "'",
    ),
    # Twilio auth tokens and API key secrets: 32 hex characters standing alone. An account
    # SID (`AC` + 32 hex) is not matched: a letter precedes its hex part.
    (re.compile(r"(?<![A-Za-z0-9])[0-9a-fA-F]{32}(?![A-Za-z0-9])"), REDACTED),
)


def is_sensitive_key(key: object) -> bool:
    """Whether the value under `key` is never shown (a credential or a message body)."""
    if not isinstance(key, str):
        return False
    normal = key.lower().replace("_", "").replace("-", "")
    return normal in SENSITIVE_KEYS or any(part in normal for part in SENSITIVE_PARTS)


def mask_text(text: str) -> str:
    """`text` with everything that looks like a secret here replaced."""
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def scrub(value: Any, depth: int = 0) -> Any:
    """A copy of `value` (dicts, lists, tuples, strings) safe to log or send to Sentry."""
    if depth > 12:
        return REDACTED
    if isinstance(value, Secret):
        return REDACTED
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, bytes):
        return mask_text(value.decode(errors="replace"))
    if isinstance(value, Mapping):
        return {
            k: REDACTED if is_sensitive_key(k) else scrub(v, depth + 1) for k, v in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [scrub(v, depth + 1) for v in value]
    return value


def redact(logger: Any, method_name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """The structlog processor that runs last before rendering (see the module docstring).
    Values that are neither text nor containers are rendered as text first, so a `repr`
    that shows a secret is masked too."""
    safe: dict[str, Any] = {}
    for key, value in event_dict.items():
        if key.startswith("_"):
            safe[key] = value
        elif is_sensitive_key(key):
            safe[key] = REDACTED
        elif value is None or isinstance(value, (bool, int, float)):
            safe[key] = value
        elif isinstance(value, (str, bytes, Mapping, list, tuple, set, frozenset, Secret)):
            safe[key] = scrub(value)
        else:
            safe[key] = mask_text(str(value))
    return safe


def _drop_color_message(logger: Any, method_name: str, event_dict: dict[str, Any]):
    """uvicorn adds a colored copy of its message; one copy is enough."""
    event_dict.pop("color_message", None)
    return event_dict


# Run for every line, whether it came from structlog or from a stdlib logger.
SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def renderer(log_format: str) -> Any:
    """JSON lines for machines, or aligned colored columns for a person at a terminal."""
    if log_format == "console":
        return structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    return structlog.processors.JSONRenderer(default=str)


def formatter(log_format: str) -> dict[str, Any]:
    """The `logging` formatter (dictConfig form) every handler uses."""
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": [*SHARED_PROCESSORS, _drop_color_message],
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            renderer(log_format),
        ],
    }


def configure_structlog() -> None:
    """structlog's loggers hand their events to stdlib logging, to be rendered (and
    redacted) by the one formatter above, beside the stdlib loggers' records."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def default_format(debug: bool) -> str:
    """Readable at a terminal or with DEBUG; JSON lines otherwise (a service's journal)."""
    return "console" if debug or sys.stderr.isatty() else "json"


def level_name(level: str) -> str:
    """LOG_LEVEL as logging knows it; an unknown name falls back to INFO."""
    name = level.upper()
    return name if isinstance(logging.getLevelName(name), int) else "INFO"
