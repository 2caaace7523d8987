"""Tenants' Twilio subaccounts and phone numbers, from sign-up to closing.

What lives where (write side first):
- `signup`: customer sign-up (staff, platform key, portal); `services`: a subaccount from
  request to active, and the row lock the others share; `suspension`: suspend, reactivate,
  close; `tokens`: auth token rotation; `billing`: Stripe events driving all of these;
  `reconcile`: the periodic comparison with Twilio; `platform_keys`: integrators' keys.
- `numbers/`: search and buy, release, sync, the pool (its `__init__` lists them).
- `accounts`: which Twilio credentials act for a tenant and sign its callbacks;
  `selectors`: reads only (subaccount, numbers, onboarding checklist), no service imported.
- `tasks`: thin Celery tasks, which import the services; `enqueue`: how the services queue
  them (by name, after commit), so services and tasks never import each other.
- Faces: `views`/`forms`/`urls` (portal), `api/` + `serializers` + `api_urls` (REST),
  `admin` (subaccounts; numbers and pool in `admin_numbers`, billing and keys in
  `admin_records`), `webhooks` (Stripe's endpoint), `emails`, `demo`.
"""
