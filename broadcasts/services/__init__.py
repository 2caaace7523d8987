"""Broadcast writes, re-exported so `from broadcasts import services` reaches them.

What lives where:
- `lifecycle`: `transition` and the actions (`broadcast_launch`, `_pause`, `_resume`,
  `_cancel`, `_complete`, `_start_due`, `_unschedule`), each a conditional UPDATE that
  records a transition, an audit row and a `broadcast.status` webhook event.
- `materialise`: the recipients of a launch, one `INSERT … SELECT` in the database.
- `drafts`: create, edit, delete and the per-recipient preview.
- `checks`: what a broadcast must be to be saved and launched, naming the field.
- `rendering`: `{{first_name}}` and friends filled per contact.
- `counters`: status callbacks and STOPs moving the counters once, and the auto-pause.
- `common`: `BroadcastConflict` (409) and `LaunchRefused` (400).
"""
