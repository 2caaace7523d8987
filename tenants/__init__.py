"""Tenants (the businesses), their people and roles, business profiles and API keys.

What lives where: `services.py` (every state change, each with an audit row), `selectors.py`
(reads: memberships and roles, profile completeness), `models.py`; sign-in and scoping in
`authentication.py` (API keys), `lockout.py` (django-axes), `middleware.py` and
`context_processors.py` (the current tenant); the portal (`views`, `forms`, `urls`,
`auth_urls`), API (`api`, `serializers`, `api_urls`) and admin faces;
`management/commands/rotate_encryption_keys.py`. No tasks: nothing here is queued.
"""
