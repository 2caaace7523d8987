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
- `templates`: creating, changing and deleting email templates (HTML sanitised, text part
  generated, audited).
- `tracking`: the ESP's tracking events applied to emails (once, forward only);
  `suppression`: the suppression list (email opt-outs).
- `identities`: sender identities at the ESP (create, poll, DNS records, delete);
  `credentials` and `setup`: a tenant's own ESP account and its event publishing.

The ESP itself (connections, boto3 clients, errors) is `emails.esp`.
"""

from emails.services.content import html_to_text, render_email, sanitize_html
from emails.services.credentials import credentials_delete, credentials_save
from emails.services.identities import (
    DnsRecord,
    dns_records,
    identity_check,
    identity_check_now,
    identity_create,
    identity_delete,
    identity_mark_verified,
    identity_submit,
    verified_identity_for,
)
from emails.services.sending import email_content, email_send, sending_identity
from emails.services.setup import credentials_setup, tracking_url
from emails.services.suppression import is_suppressed, suppress, unsuppress
from emails.services.templates import template_create, template_delete, template_update
from emails.services.tracking import tracking_event_apply
from emails.services.transport import email_transport
from emails.services.unsubscribe import (
    BadUnsubscribeToken,
    list_unsubscribe_headers,
    unsubscribe_apply,
    unsubscribe_read,
    unsubscribe_url,
)

__all__ = [
    "BadUnsubscribeToken",
    "DnsRecord",
    "credentials_delete",
    "credentials_save",
    "credentials_setup",
    "dns_records",
    "email_content",
    "email_send",
    "email_transport",
    "html_to_text",
    "identity_check",
    "identity_check_now",
    "identity_create",
    "identity_delete",
    "identity_mark_verified",
    "identity_submit",
    "is_suppressed",
    "list_unsubscribe_headers",
    "render_email",
    "sanitize_html",
    "sending_identity",
    "suppress",
    "template_create",
    "template_delete",
    "template_update",
    "tracking_event_apply",
    "tracking_url",
    "unsubscribe_apply",
    "unsubscribe_read",
    "unsubscribe_url",
    "unsuppress",
    "verified_identity_for",
]
