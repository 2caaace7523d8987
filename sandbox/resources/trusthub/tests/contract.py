"""Contract scenarios for TrustHub (see sandbox/tests/test_contract.py), and
`approved_bundles`, which other A2P scenarios use to get a reviewed profile and product."""

from sandbox.resources.trusthub.policies import (
    A2P_TRUST_PRODUCT,
    PRIMARY_PROFILE,
    SECONDARY_PROFILE,
)

V1 = "/v1"


def business_info(name: str) -> dict:
    return {
        "business_name": name,
        "business_identity": "direct_customer",
        "business_industry": "RETAIL",
        "business_regions_of_operation": "USA_AND_CANADA",
        "business_registration_identifier": "EIN",
        "business_registration_number": "12-3456789",
        "business_type": "Limited Liability Corporation",
        "website_url": "https://example.com",
    }


REPRESENTATIVE = {
    "first_name": "Dana",
    "last_name": "Doe",
    "email": "dana@example.com",
    "phone_number": "+14155550100",
    "business_title": "Owner",
    "job_position": "CEO",
}


def build_profile(client, account_sid: str, policy_sid: str, name: str, extra=()) -> str:
    """A complete customer profile of `policy_sid`, submitted; returns its SID."""
    trusthub = client.trusthub.v1
    profile = trusthub.customer_profiles.create(
        friendly_name=f"{name} profile", email="isv@example.com", policy_sid=policy_sid
    )
    info = trusthub.end_users.create(
        friendly_name=f"{name} info",
        type="customer_profile_business_information",
        attributes=business_info(name),
    )
    rep = trusthub.end_users.create(
        friendly_name=f"{name} rep", type="authorized_representative_1", attributes=REPRESENTATIVE
    )
    address = client.api.v2010.accounts(account_sid).addresses.create(
        customer_name=name,
        street="1 Market St",
        city="San Francisco",
        region="CA",
        postal_code="94105",
        iso_country="US",
    )
    document = trusthub.supporting_documents.create(
        friendly_name=f"{name} address",
        type="customer_profile_address",
        attributes={"address_sids": address.sid},
    )
    for sid in (info.sid, rep.sid, document.sid, *extra):
        trusthub.customer_profiles(profile.sid).customer_profiles_entity_assignments.create(
            object_sid=sid
        )
    trusthub.customer_profiles(profile.sid).update(status="pending-review")
    return profile.sid


def build_product(client, profile_sid: str, name: str) -> str:
    trusthub = client.trusthub.v1
    product = trusthub.trust_products.create(
        friendly_name=f"{name} product", email="isv@example.com", policy_sid=A2P_TRUST_PRODUCT
    )
    info = trusthub.end_users.create(
        friendly_name=f"{name} a2p",
        type="us_a2p_messaging_profile_information",
        attributes={"company_type": "private"},
    )
    for sid in (info.sid, profile_sid):
        trusthub.trust_products(product.sid).trust_products_entity_assignments.create(
            object_sid=sid
        )
    trusthub.trust_products(product.sid).update(status="pending-review")
    return product.sid


def approved_bundles(ctx, tenant, business_name: str) -> tuple[str, str]:
    """The ISV's primary profile, then the tenant's secondary profile and trust product, all
    reviewed on the sandbox clock; returns (customer profile SID, trust product SID)."""
    primary = build_profile(ctx.master.client, ctx.master.sid, PRIMARY_PROFILE, "ISV Partner LLC")
    ctx.advance(120)
    profile = build_profile(
        tenant.client, tenant.sid, SECONDARY_PROFILE, business_name, extra=(primary,)
    )
    product = build_product(tenant.client, profile, business_name)
    ctx.advance(200)
    return profile, product


def profiles(ctx) -> None:
    trusthub = ctx.sub.client.trusthub.v1
    primary = build_profile(ctx.master.client, ctx.master.sid, PRIMARY_PROFILE, "ISV LLC")
    ctx.advance(120)
    profile = trusthub.customer_profiles.create(
        friendly_name="acme",
        email="isv@example.com",
        policy_sid=SECONDARY_PROFILE,
        status_callback=ctx.hook_url("trusthub"),
    )
    trusthub.customer_profiles.list(friendly_name="acme", policy_sid=SECONDARY_PROFILE, limit=5)
    trusthub.customer_profiles.list(status="draft", limit=5)
    assignments = trusthub.customer_profiles(profile.sid).customer_profiles_entity_assignments
    assigned = assignments.create(object_sid=primary)
    assignments.list(limit=5)
    assignments(assigned.sid).fetch()
    evaluations = trusthub.customer_profiles(profile.sid).customer_profiles_evaluations
    evaluation = evaluations.create(policy_sid=SECONDARY_PROFILE)
    evaluations.list(limit=5)
    evaluations(evaluation.sid).fetch()
    assignments(assigned.sid).delete()
    trusthub.customer_profiles(profile.sid).fetch()
    trusthub.customer_profiles(profile.sid).update(friendly_name="acme 2")
    trusthub.customer_profiles(profile.sid).delete()
    submitted = build_profile(
        ctx.sub.client, ctx.sub.sid, SECONDARY_PROFILE, "Acme Goods LLC", extra=(primary,)
    )
    ctx.advance(120)
    trusthub.customer_profiles(submitted).fetch()


def products(ctx) -> None:
    trusthub = ctx.sub.client.trusthub.v1
    profile, product_sid = approved_bundles(ctx, ctx.sub, "Acme Trust LLC")
    product = trusthub.trust_products.create(
        friendly_name="acme product", email="isv@example.com", policy_sid=A2P_TRUST_PRODUCT
    )
    trusthub.trust_products.list(policy_sid=A2P_TRUST_PRODUCT, status="draft", limit=5)
    assignments = trusthub.trust_products(product.sid).trust_products_entity_assignments
    assigned = assignments.create(object_sid=profile)
    assignments.list(object_type="customer_profile", limit=5)
    assignments(assigned.sid).fetch()
    evaluations = trusthub.trust_products(product.sid).trust_products_evaluations
    evaluation = evaluations.create(policy_sid=A2P_TRUST_PRODUCT)
    evaluations.list(limit=5)
    evaluations(evaluation.sid).fetch()
    assignments(assigned.sid).delete()
    trusthub.trust_products(product.sid).update(friendly_name="renamed")
    trusthub.trust_products(product.sid).delete()
    trusthub.trust_products(product_sid).fetch()


def end_users_and_documents(ctx) -> None:
    client = ctx.sub.client
    trusthub = client.trusthub.v1
    user = trusthub.end_users.create(
        friendly_name="rep", type="authorized_representative_1", attributes=REPRESENTATIVE
    )
    trusthub.end_users.list(limit=5)
    trusthub.end_users(user.sid).fetch()
    trusthub.end_users(user.sid).update(attributes={**REPRESENTATIVE, "last_name": "Roe"})
    trusthub.end_users(user.sid).delete()
    address = client.addresses.create(
        customer_name="Acme",
        street="1 Main St",
        city="Austin",
        region="TX",
        postal_code="73301",
        iso_country="US",
    )
    document = trusthub.supporting_documents.create(
        friendly_name="address",
        type="customer_profile_address",
        attributes={"address_sids": address.sid},
    )
    trusthub.supporting_documents.list(limit=5)
    trusthub.supporting_documents(document.sid).fetch()
    trusthub.supporting_documents(document.sid).update(friendly_name="office address")
    trusthub.supporting_documents(document.sid).delete()


def _bundle_ops(segment: str, param: str) -> set[str]:
    base = f"{V1}/{segment}"
    child = f"{base}/{{{param}}}"
    return {
        f"POST trusthub:{base}",
        f"GET trusthub:{base}",
        f"GET trusthub:{base}/{{Sid}}",
        f"POST trusthub:{base}/{{Sid}}",
        f"DELETE trusthub:{base}/{{Sid}}",
        f"POST trusthub:{child}/EntityAssignments",
        f"GET trusthub:{child}/EntityAssignments",
        f"GET trusthub:{child}/EntityAssignments/{{Sid}}",
        f"DELETE trusthub:{child}/EntityAssignments/{{Sid}}",
        f"POST trusthub:{child}/Evaluations",
        f"GET trusthub:{child}/Evaluations",
        f"GET trusthub:{child}/Evaluations/{{Sid}}",
    }


def _typed_ops(segment: str) -> set[str]:
    base = f"{V1}/{segment}"
    return {
        f"POST trusthub:{base}",
        f"GET trusthub:{base}",
        f"GET trusthub:{base}/{{Sid}}",
        f"POST trusthub:{base}/{{Sid}}",
        f"DELETE trusthub:{base}/{{Sid}}",
    }


SCENARIOS = {
    "customer_profiles": (_bundle_ops("CustomerProfiles", "CustomerProfileSid"), profiles),
    "trust_products": (_bundle_ops("TrustProducts", "TrustProductSid"), products),
    "end_users_and_documents": (
        _typed_ops("EndUsers") | _typed_ops("SupportingDocuments"),
        end_users_and_documents,
    ),
}
