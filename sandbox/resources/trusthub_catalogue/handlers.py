"""trusthub.twilio.com/v1 Policies, EndUserTypes and SupportingDocumentTypes (list, fetch):
the same for every authenticated account, as on Twilio."""

from __future__ import annotations

from sandbox.core.errors import not_found
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.resources.trusthub.policies import POLICIES
from sandbox.resources.trusthub_catalogue.catalogue import (
    DOCUMENT_TYPES,
    END_USER_TYPES,
    find_type,
    policy_json,
    type_json,
)


@route("trusthub", "GET", "/v1/Policies")
def list_policies(req: SandboxRequest) -> dict:
    return meta_page(req, "results", list(POLICIES.values()), policy_json)


@route("trusthub", "GET", "/v1/Policies/{Sid}")
def fetch_policy(req: SandboxRequest) -> dict:
    policy = POLICIES.get(req.arg("Sid"))
    if policy is None:
        raise not_found(req.path)
    return policy_json(policy)


@route("trusthub", "GET", "/v1/EndUserTypes")
def list_end_user_types(req: SandboxRequest) -> dict:
    return meta_page(
        req, "end_user_types", list(END_USER_TYPES.values()), lambda t: type_json(t, "EndUserTypes")
    )


@route("trusthub", "GET", "/v1/EndUserTypes/{Sid}")
def fetch_end_user_type(req: SandboxRequest) -> dict:
    item = find_type(END_USER_TYPES, req.arg("Sid"))
    if item is None:
        raise not_found(req.path)
    return type_json(item, "EndUserTypes")


@route("trusthub", "GET", "/v1/SupportingDocumentTypes")
def list_document_types(req: SandboxRequest) -> dict:
    return meta_page(
        req,
        "supporting_document_types",
        list(DOCUMENT_TYPES.values()),
        lambda t: type_json(t, "SupportingDocumentTypes"),
    )


@route("trusthub", "GET", "/v1/SupportingDocumentTypes/{Sid}")
def fetch_document_type(req: SandboxRequest) -> dict:
    item = find_type(DOCUMENT_TYPES, req.arg("Sid"))
    if item is None:
        raise not_found(req.path)
    return type_json(item, "SupportingDocumentTypes")
