"""The email channel's writes.

What lives where:
- `sending`: `email_send`, its checks (addresses, content, sender identity, suppression),
  and the outbox (store, enqueue messaging's send task on commit).
- `content`: `sanitize_html` (nh3), `html_to_text` (inscriptis), `render_email` (templates
  and `{{variables}}`).
- `transport`: `email_transport`, the send task's hand-over to the ESP through anymail,
  exactly once.
- `unsubscribe`: signed per-recipient unsubscribe URLs, the RFC 8058 headers and footer,
  recording the opt-out.

The ESP itself (connections, boto3 clients, errors) is `emails.esp`.
"""

# --- sending (B1) -----------------------------------------------------------------------
from emails.services.content import html_to_text, render_email, sanitize_html
from emails.services.sending import email_content, email_send, sending_identity
from emails.services.transport import email_transport
from emails.services.unsubscribe import (
    BadUnsubscribeToken,
    list_unsubscribe_headers,
    unsubscribe_apply,
    unsubscribe_read,
    unsubscribe_url,
)

__all__ = [
    # --- sending (B1)
    "BadUnsubscribeToken",
    "email_content",
    "email_send",
    "email_transport",
    "html_to_text",
    "list_unsubscribe_headers",
    "render_email",
    "sanitize_html",
    "sending_identity",
    "unsubscribe_apply",
    "unsubscribe_read",
    "unsubscribe_url",
]
