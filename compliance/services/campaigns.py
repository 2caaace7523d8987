"""The A2P campaign (UsAppToPerson) of a version on its messaging service."""

from typing import Any

from django.db import transaction

from compliance.models import A2PBrand, A2PCampaign, Registration, ReviewStatus
from compliance.services.common import Api, save_fields, schedule_poll
from compliance.services.transitions import CAMPAIGN_STATUSES, transition
from isvplatform import gateway


def apply_campaign(
    campaign: A2PCampaign, found: gateway.UsAppToPerson, registration: Registration | None
) -> bool:
    errors = [
        {
            "code": e.get("code") or e.get("error_code"),
            "field": (e.get("fields") or [e.get("field") or ""])[0] or "",
            "message": e.get("description") or e.get("message") or str(e),
        }
        for e in found.errors
    ]
    reason = "; ".join(e["message"] for e in errors)
    save_fields(
        campaign,
        raw_status=found.status,
        campaign_id=found.campaign_id or "",
        rate_limits=found.rate_limits,
        errors=errors,
        failure_reason=reason,
    )
    status = CAMPAIGN_STATUSES.get(found.status)
    if status is None:
        return False
    return transition(
        campaign,
        status,
        registration=registration,
        raw_status=found.status,
        reason=reason if status == ReviewStatus.REJECTED else "",
    )


def _clear_service(
    api: Api, service_sid: str, keep: A2PCampaign | None, adopt: A2PBrand | None
) -> gateway.UsAppToPerson | None:
    """Delete every campaign on the service but the one `adopt`'s brand has there (returned):
    a service holds one campaign only. Twilio gives every campaign the same SID, so only the
    brand tells them apart."""
    existing = api(gateway.list_a2p_campaigns, service_sid)
    mine = None
    if adopt is not None:
        mine = next((c for c in existing if c.brand_registration_sid == adopt.sid), None)
    for stale in existing:
        if stale is not mine:
            api(gateway.delete_a2p_campaign, service_sid, stale.sid)
            rows = A2PCampaign.objects.filter(messaging_service_sid=service_sid)
            if keep is not None:
                rows = rows.exclude(pk=keep.pk)
            rows.exclude(status=ReviewStatus.REJECTED).update(
                status=ReviewStatus.REJECTED, next_poll_at=None
            )
    return mine


def _create_campaign(
    api: Api, service_sid: str, brand: A2PBrand, snapshot: dict[str, Any]
) -> gateway.UsAppToPerson:
    allowed = api(gateway.list_a2p_use_cases, service_sid, brand.sid)
    if snapshot["use_case"] not in allowed:
        raise gateway.RejectedRequest(
            f"The brand may not register the {snapshot['use_case']} use case; it may "
            f"register: {', '.join(allowed) or 'none'}.",
            status=400,
        )
    return api(
        gateway.create_a2p_campaign,
        service_sid,
        brand_sid=brand.sid,
        use_case=snapshot["use_case"],
        description=snapshot["description"],
        message_flow=snapshot["message_flow"],
        message_samples=snapshot["sample_messages"],
        has_embedded_links=snapshot["has_embedded_links"],
        has_embedded_phone=snapshot["has_embedded_phone"],
        opt_in_message=snapshot.get("opt_in_message") or None,
        opt_out_message=snapshot.get("opt_out_message") or None,
        help_message=snapshot.get("help_message") or None,
        opt_in_keywords=snapshot.get("opt_in_keywords") or (),
        opt_out_keywords=snapshot.get("opt_out_keywords") or (),
        help_keywords=snapshot.get("help_keywords") or (),
        subscriber_opt_in=True,
        age_gated=snapshot["age_gated"],
        direct_lending=snapshot["direct_lending"],
        privacy_policy_url=snapshot.get("privacy_policy_url") or None,
        terms_and_conditions_url=snapshot.get("terms_url") or None,
    )


def ensure_campaign(
    api: Api, registration: Registration, brand: A2PBrand, snapshot: dict[str, Any]
) -> A2PCampaign | None:
    """The version's campaign, recorded before it is created (as the brand is).

    A campaign-only change reuses the brand, so an earlier version's campaign on the same
    service carries this brand too: whatever is on the service before this version's row
    exists is an earlier version's and is deleted. Only a run resuming after that (its row
    recorded, no SID yet) adopts a campaign of the brand, the one it created itself.
    """
    campaign = registration.campaign
    if campaign is not None and campaign.sid:
        return campaign
    service_sid = registration.messaging_service_sid
    resuming = campaign is not None
    if not resuming:
        _clear_service(api, service_sid, keep=None, adopt=None)
        with transaction.atomic():
            campaign = A2PCampaign.objects.create(
                tenant=registration.tenant,
                brand=brand,
                messaging_service_sid=service_sid,
                use_case=snapshot["use_case"],
            )
            save_fields(registration, campaign=campaign)
    mine = _clear_service(api, service_sid, keep=campaign, adopt=brand) if resuming else None
    if mine is None:
        mine = _create_campaign(api, service_sid, brand, snapshot)
    with transaction.atomic():
        save_fields(campaign, sid=mine.sid)
        transition(
            campaign, ReviewStatus.SUBMITTED, registration=registration, raw_status=mine.status
        )
        apply_campaign(campaign, mine, registration)
        schedule_poll(campaign)
    return campaign
