"""Demo data for `make run`: a staff superuser, a demo tenant with its owner, and a second
tenant with only a toll-free number (verified through toll-free verification).

Created once; the generated passwords are printed then and kept in a git-ignored file.
Later capabilities add their own steps to `DEMO_STEPS` (dotted paths of callables that
take the demo tenant and are idempotent).
"""

import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from tenants.models import Tenant
from tenants.services import Actor, tenant_create
from twofactor.demo import ensure_demo_staff_device

DEMO_TENANT_SLUG = "demo-coffee"
DEMO_STEPS: list[str] = [
    "provisioning.demo.provision_demo_tenant",
    "messaging.demo.enable_demo_whatsapp",
    "whatsapp.demo.sync_demo_senders",
    "compliance.demo.register_demo_tenant",
    "verify.widget.demo.enable_demo_widget",
    "contacts.demo.add_demo_contact_fields",
    "emails.demo.send_demo_emails",
    "billing.demo.set_up_demo_billing",
]
# A second tenant with only a toll-free number, which sends once its verification is approved.
TOLL_FREE_TENANT_SLUG = "demo-bakery"
TOLL_FREE_OWNER = "owner@bakery.example"
TOLL_FREE_STEPS: list[str] = [
    "provisioning.demo.provision_toll_free_demo_tenant",
    "compliance.demo.verify_demo_toll_free",
    "contacts.demo.add_demo_contact_fields",
    "billing.demo.sync_demo_usage",
]
TOLL_FREE_PROFILE = {
    "website": "https://demo-bakery.example.com",
    "business_type": "llc",
    "industry": "retail",
    "registration_number": "98-7654321",
    "address_street": "20 Mission St",
    "address_city": "San Francisco",
    "address_region": "CA",
    "address_postal_code": "94105",
    "owner_first_name": "Bo",
    "owner_last_name": "Baker",
    "owner_email": TOLL_FREE_OWNER,
    "owner_phone": "+14155550120",
    "contact_email": "hello@demo-bakery.example.com",
    "contact_phone": "+14155550121",
}


def credentials_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-credentials.json"


def _password() -> str:
    return secrets.token_urlsafe(12)


def ensure_demo_data() -> dict:
    """Create the demo users and tenant if missing; return the credentials to show."""
    User = get_user_model()
    path = credentials_file()
    saved = json.loads(path.read_text()) if path.exists() else {}
    created = False
    with transaction.atomic():
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            saved["admin"] = _password()
            admin = User.objects.create_superuser("admin", "admin@example.com", saved["admin"])
            created = True
        # Staff sign in with a second factor: the demo admin's secret joins the credentials.
        secret_changed = ensure_demo_staff_device(admin, saved)
        tenant = Tenant.objects.filter(slug=DEMO_TENANT_SLUG).first()
        if tenant is None:
            owner = User.objects.filter(username="owner@demo.example").first()
            if owner is None:
                saved["owner@demo.example"] = _password()
                owner = User.objects.create_user(
                    "owner@demo.example", "owner@demo.example", saved["owner@demo.example"]
                )
            tenant = tenant_create(
                name="Demo Coffee Co",
                owner=owner,
                actor=Actor.system(),
                is_demo=True,
                slug=DEMO_TENANT_SLUG,
                profile={
                    "dba_name": "Demo Coffee",
                    "website": "https://demo-coffee.example.com",
                    "business_type": "llc",
                    "industry": "retail",
                    "registration_number": "12-3456789",
                    "address_street": "1 Market St",
                    "address_city": "San Francisco",
                    "address_region": "CA",
                    "address_postal_code": "94105",
                    "owner_first_name": "Dana",
                    "owner_last_name": "Demo",
                    "owner_email": "owner@demo.example",
                    "owner_phone": "+14155550100",
                    "contact_email": "hello@demo-coffee.example.com",
                    "contact_phone": "+14155550101",
                    "monthly_volume": 5000,
                    "use_case": "Order updates and loyalty offers for our coffee shop customers.",
                    "opt_in_language": "Text JOIN to subscribe. Msg&data rates may apply. "
                    "Reply STOP to opt out, HELP for help.",
                    "tcpa_compliant": True,
                },
            )
            created = True
    with transaction.atomic():
        bakery, made = _toll_free_tenant(User, saved)
        created = created or made
    if created or secret_changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(saved, indent=2))
        os.chmod(path, 0o600)
    for step in DEMO_STEPS:
        import_string(step)(tenant)
    for step in TOLL_FREE_STEPS:
        import_string(step)(bakery)
    return {"created": created, "credentials": saved, "tenant": tenant, "toll_free_tenant": bakery}


def _toll_free_tenant(User, saved: dict) -> tuple[Tenant, bool]:
    tenant = Tenant.objects.filter(slug=TOLL_FREE_TENANT_SLUG).first()
    if tenant is not None:
        return tenant, False
    owner = User.objects.filter(username=TOLL_FREE_OWNER).first()
    if owner is None:
        saved[TOLL_FREE_OWNER] = _password()
        owner = User.objects.create_user(TOLL_FREE_OWNER, TOLL_FREE_OWNER, saved[TOLL_FREE_OWNER])
    tenant = tenant_create(
        name="Demo Bakery LLC",
        owner=owner,
        actor=Actor.system(),
        is_demo=True,
        slug=TOLL_FREE_TENANT_SLUG,
        profile=TOLL_FREE_PROFILE,
    )
    return tenant, True


class DemoTenantCommand(BaseCommand):
    """A `manage.py demo_*` command acting on one tenant (`--tenant`, the demo's by default)."""

    def add_arguments(self, parser):
        parser.add_argument("--tenant", default=DEMO_TENANT_SLUG, help="The tenant's slug.")

    def demo_tenant(self, options) -> Tenant:
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant {options['tenant']!r}: run `make run` (or seed_demo).")
        return tenant
