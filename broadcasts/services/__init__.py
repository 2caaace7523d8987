"""Broadcast writes, one module per concern (import the module: `from broadcasts.services
import lifecycle`).

What lives where:
- `lifecycle`: `transition` and the actions (`broadcast_launch`, `_pause`, `_resume`,
  `_cancel`, `_complete`, `_start_due`, `_unschedule`), each a conditional UPDATE that
  records a transition, an audit row and a `broadcast.status` webhook event.
- `materialise`: the recipients of a launch, one `INSERT … SELECT` in the database.
- `drafts`: create, edit, delete and the per-recipient preview.
- `checks`: what a broadcast must be to be saved and launched, naming the field.
- `rendering`: `{{first_name}}` and friends filled per contact (`render_for`).
- `counters`: status callbacks and STOPs moving the counters once per message.
- `safety`: the tenant's thresholds and the auto-pause with its email.
- `common`: `BroadcastConflict` (409) and `LaunchRefused` (400).
"""
