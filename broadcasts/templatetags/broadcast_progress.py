"""What the live progress card (static/broadcasts/progress.js) paints its first frame from
and labels its changes with: the snapshot plus the words for statuses, pause reasons and
error codes, so a status or a failure that arrives over the stream reads as words too."""

from typing import Any

from django import template

from broadcasts.models import BroadcastStatus, PauseReason
from isvplatform.gateway.errors import ERROR_EXPLANATIONS

register = template.Library()


def _error_words() -> dict[str, str]:
    return {str(code): text for code, text in ERROR_EXPLANATIONS.items()}


@register.filter
def failure_label(error_code: object) -> str:
    """ "30007: Delivery failed: the carrier filtered…", as progress.js writes it."""
    text = _error_words().get(str(error_code))
    return f"{error_code}: {text}" if text else str(error_code)


@register.simple_tag
def progress_embed(progress: dict[str, Any]) -> dict[str, Any]:
    return {
        "progress": progress,
        "labels": {
            "status": dict(BroadcastStatus.choices),
            "pause_reason": dict(PauseReason.choices),
            "error": _error_words(),
        },
    }
