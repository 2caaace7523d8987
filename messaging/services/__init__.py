"""Messaging's writes: sending, handing to Twilio, opt-outs, conversations, keyword replies.

What lives where:
- `sending`: `message_send`, its checks one step each, and the outbox (store, enqueue).
- `batch`: `message_send_batch`, many sends checked per item and stored in one insert.
- `sender_cache`: the account, sender and 10DLC verdict a send passed, kept a few seconds.
- `template_sends`: the WhatsApp template a send names (approved, not paused or disabled),
  its variables, the approved templates a closed-window refusal lists, the picker's preview.
- `senders`: which messaging service or number a message goes out from.
- `estimates`: segments, encoding and price before sending.
- `dispatch`: the send task's body (`message_dispatch`), Twilio's answer and the callbacks
  that beat it, giving up after retries, settling `unknown` messages, and what the sweeper
  and reconciler pick up.
- `doubt`: exactly-once, finding at Twilio a send whose answer was lost (body, media or
  template) since its first attempt in doubt.
- `optouts`: STOP and START, opt-outs by hand or import, the consent ledger.
- `conversations`: threads, their unread counts and the WhatsApp 24-hour window; the send
  task threads API, batch and broadcast sends (`message_thread`).
- `keyword_replies`: the STOP/START/HELP texts and storing a reply sent as TwiML (whether
  Twilio or the platform answers is `messaging.keywords`).
- `admission`: the seam where the billing app's spending limit and quotas admit a send.
- `common`: `SendRefused`, addresses (E.164, `whatsapp:`), failing an unsent message.

The rest of the app is mapped in `messaging/__init__.py`. Tasks (`messaging.tasks`) import
these; these enqueue through `messaging.enqueue`. The public names are re-exported here, so
`from messaging import services` keeps working.
"""

from messaging.services.batch import BATCH_MAX, BatchResult, message_send_batch
from messaging.services.common import (
    OPTED_OUT_CODE,
    WHATSAPP_PREFIX,
    SendRefused,
    normalize_number,
    strip_channel,
    twilio_address,
)
from messaging.services.conversations import (
    WHATSAPP_WINDOW,
    conversation_get_or_create,
    conversation_mark_read,
    conversation_touch,
    message_thread,
    whatsapp_window_closes_at,
)
from messaging.services.dispatch import (
    MAX_RECONCILES,
    DispatchResult,
    SendInDoubt,
    message_dispatch,
    message_fail_after_retries,
    message_settle_unknown,
    messages_to_sweep,
    stale_message_ids,
    status_callback_url,
    unknown_message_ids,
)
from messaging.services.estimates import Estimate, message_estimate
from messaging.services.keyword_replies import (
    default_replies,
    keyword_reply,
    messaging_settings_for,
    messaging_settings_update,
    record_reply,
)
from messaging.services.optouts import (
    ImportResult,
    consent_opt_ins_record,
    is_opted_out,
    optout_add,
    optout_import,
    optout_remove,
)
from messaging.services.senders import Sender, select_sender
from messaging.services.sending import MAX_MEDIA, message_send

__all__ = [
    "BATCH_MAX",
    "MAX_MEDIA",
    "MAX_RECONCILES",
    "OPTED_OUT_CODE",
    "WHATSAPP_PREFIX",
    "WHATSAPP_WINDOW",
    "BatchResult",
    "DispatchResult",
    "Estimate",
    "ImportResult",
    "SendInDoubt",
    "SendRefused",
    "Sender",
    "consent_opt_ins_record",
    "conversation_get_or_create",
    "conversation_mark_read",
    "conversation_touch",
    "default_replies",
    "is_opted_out",
    "keyword_reply",
    "message_dispatch",
    "message_estimate",
    "message_fail_after_retries",
    "message_send",
    "message_send_batch",
    "message_settle_unknown",
    "message_thread",
    "messages_to_sweep",
    "messaging_settings_for",
    "messaging_settings_update",
    "normalize_number",
    "optout_add",
    "optout_import",
    "optout_remove",
    "record_reply",
    "select_sender",
    "stale_message_ids",
    "status_callback_url",
    "strip_channel",
    "twilio_address",
    "unknown_message_ids",
    "whatsapp_window_closes_at",
]
