"""Messaging: SMS and WhatsApp for tenants. What lives where:

- Writes: `services/` (a package; its docstring lists the rooms: sending, batches, senders
  and the sender cache, estimates, dispatch, opt-outs, conversations, keyword replies);
  status callbacks in `statuses`; inbound messages and keywords in `inbound`, who answers a
  keyword in `keywords`; real prices in `prices`, inbound media in `media`.
- Reads: `selectors`. Estimates' tables: `pricing`, `segments`.
- Edges: `api` and `api_optouts` (REST) and `views` and `views_templates` (portal, the
  WhatsApp template picker) route only, with `serializers`, `forms`, `csvio`
  and `idempotency`; `admin`; `events` (tenant webhooks); `gate` (the 10DLC seam).
- Background: `tasks` (thin, by id) import the services; everything else queues them through
  `enqueue`, by task name after the commit.
"""
