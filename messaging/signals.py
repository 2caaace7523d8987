"""Extension points for apps built on messaging (which must not import them).

- `broadcast_message_final`: a message a broadcast sent (`origin == "broadcast"`) reached a
  final status (failed, undelivered, canceled, delivered or read) through a status callback
  or the reconciler. Sent inside the status's own processing, only when the status moved,
  so a repeated callback doesn't send it again; a later final move (delivered after
  undelivered, read after delivered) sends it again, and the receiver counts only the first.
  Arguments: `message_id`, `tenant_id`, `status`, `error_code`.
- `number_opted_out`: a number was newly opted out (STOP, by hand, import or Twilio's 21610),
  inside the transaction that records it. Arguments: `tenant_id`, `number`, `channel`.
"""

from django.dispatch import Signal

broadcast_message_final = Signal()
number_opted_out = Signal()
