"""Broadcasts: one message (or approved WhatsApp template) sent to an audience, paced,
pausable, exactly once per recipient, with counters kept current.

What lives where:
- `models`: Broadcast (its counters), BroadcastRecipient (materialised at launch, narrow),
  BroadcastTransition (the timeline), BroadcastFailure (failed by reason),
  BroadcastSettings (the auto-pause thresholds), SendBucket; `TRANSITIONS`.
- `services` (see its docstring): `lifecycle` (transition, launch, pause, resume, cancel,
  complete, start_due), `materialise` (the one `INSERT … SELECT`), `drafts`, `checks`,
  `rendering`, `counters` (status callbacks and STOPs, once per message), `safety`.
- `selectors`: reads by id within the tenant; `progress`: the one progress snapshot.
- `enqueue`: the dispatcher (`broadcasts.dispatch`) by name, on commit.
- Faces: `api.py` (/api/v1/broadcasts), `admin`, portal `views` with `forms` and
  `templates/broadcasts/`.

messaging tells this app about its broadcast messages' final statuses and new opt-outs
through `messaging.signals` (connected in `apps.py`); it never imports broadcasts.
"""
