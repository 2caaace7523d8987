"""A2P 10DLC compliance: versioned registrations taken through TrustHub, the brand, the
messaging service and the campaign.

What lives where: `services/` (the write side, one module per step; its `__init__` lists
them), `selectors.py` (the read side: the pre-filled form, changes, state), `timeline.py`
(each step of a version as the pages show it), `validation/` (the pre-flight rules, one
function per rule in one table), `tasks.py` (thin Celery tasks, which import the services),
`enqueue.py` (how the services queue those tasks, by name), `gate.py` (the sending gate),
`pacing.py`, `notify.py`, `vocab.py`, and the portal (`views`, `forms`), API (`api`,
`serializers`) and admin faces.
"""
