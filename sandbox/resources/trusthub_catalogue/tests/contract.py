"""Contract scenarios for TrustHub's catalogue (see sandbox/tests/test_contract.py)."""

from sandbox.resources.trusthub.policies import PRIMARY_PROFILE

V1 = "/v1"


def catalogue(ctx) -> None:
    trusthub = ctx.sub.client.trusthub.v1
    trusthub.policies.list(limit=2)
    trusthub.policies(PRIMARY_PROFILE).fetch()
    end_user_types = trusthub.end_user_types.list()
    trusthub.end_user_types(end_user_types[0].sid).fetch()
    document_types = trusthub.supporting_document_types.list(limit=2)
    trusthub.supporting_document_types(document_types[0].sid).fetch()


SCENARIOS = {
    "catalogue": (
        {
            f"GET trusthub:{V1}/{segment}{suffix}"
            for segment in ("Policies", "EndUserTypes", "SupportingDocumentTypes")
            for suffix in ("", "/{Sid}")
        },
        catalogue,
    ),
}
