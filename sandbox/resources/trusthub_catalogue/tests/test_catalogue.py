"""TrustHub's catalogue: the policies the sandbox evaluates bundles against, and the type
lists, served as Twilio serves them."""

import pytest

from sandbox.resources.trusthub import policies
from sandbox.resources.trusthub.tests.contract import REPRESENTATIVE, business_info
from sandbox.resources.trusthub_catalogue import catalogue
from sandbox.testing import error_of

pytestmark = pytest.mark.django_db


def test_policies_list_every_known_policy_with_its_requirements(sub):
    listed = {p.sid: p for p in sub.client.trusthub.v1.policies.list()}
    assert set(listed) == set(policies.POLICIES)
    primary = listed[policies.PRIMARY_PROFILE]
    assert primary.friendly_name == "Primary Customer Profile of type Business"
    end_users = {r["type"]: r for r in primary.requirements["end_user"]}
    assert set(end_users) == {
        "customer_profile_business_information",
        "authorized_representative_1",
    }
    assert end_users["authorized_representative_1"]["fields"] == list(REPRESENTATIVE)
    assert end_users["customer_profile_business_information"]["url"] == (
        "/EndUserTypes/customer_profile_business_information"
    )
    [[address]] = primary.requirements["supporting_document"]
    assert address["accepted_documents"][0]["type"] == "customer_profile_address"
    assert address["accepted_documents"][0]["fields"] == ["address_sids"]
    secondary = listed[policies.SECONDARY_PROFILE].requirements
    [needs_primary] = secondary["supporting_customer_profiles"]
    assert needs_primary["accepted_policies"][0]["sid"] == policies.PRIMARY_PROFILE


def test_a_policy_lists_exactly_what_its_evaluation_checks(sub):
    policy = sub.client.trusthub.v1.policies(policies.PRIMARY_PROFILE).fetch()
    info = next(r for r in policy.requirements["end_user"] if r["type"].endswith("information"))
    assert set(info["fields"]) == set(business_info("Acme"))


def test_fetch_unknown_policy_is_20404(sub):
    assert error_of(lambda: sub.client.trusthub.v1.policies("RN" + "0" * 32).fetch()) == (
        404,
        20404,
    )


def test_type_lists_cover_every_type_bundles_accept(sub):
    trusthub = sub.client.trusthub.v1
    end_user_types = {t.machine_name: t for t in trusthub.end_user_types.list()}
    document_types = {t.machine_name: t for t in trusthub.supporting_document_types.list()}
    assert set(end_user_types) == set(policies.END_USER_TYPES)
    assert set(document_types) == set(policies.DOCUMENT_TYPES)
    rep = end_user_types["authorized_representative_1"]
    assert rep.sid.startswith("OY") and len(rep.sid) == 34
    assert [f["machine_name"] for f in rep.fields] == list(REPRESENTATIVE)
    assert rep.fields[0] == {
        "machine_name": "first_name",
        "friendly_name": "First Name",
        "constraint": "String",
    }


def test_types_are_fetched_by_sid_or_by_the_machine_name_policies_link(sub):
    trusthub = sub.client.trusthub.v1
    by_name = trusthub.supporting_document_types("customer_profile_address").fetch()
    by_sid = trusthub.supporting_document_types(by_name.sid).fetch()
    assert by_sid.machine_name == "customer_profile_address"
    assert by_sid.url.endswith(f"/SupportingDocumentTypes/{by_name.sid}")
    assert error_of(lambda: trusthub.end_user_types("nothing").fetch()) == (404, 20404)
    assert catalogue.find_type(catalogue.END_USER_TYPES, by_name.sid) is None


def test_the_catalogue_needs_credentials():
    from sandbox import transport

    status, _, _ = transport.handle("GET", "https://trusthub.twilio.com/v1/Policies")
    assert status == 401
