"""A2P 10DLC registration: submitting versions, running the chain, polling, cutting over.

What lives where:
- `registrations`: submit, update, resubmit; the tenant lock and the run claim.
- `chain`: the step runner, its waits, retries and failures, and approval.
- `trusthub`: end users, address, document, bundles, assignments and evaluations.
- `brands`, `messaging_services` (and the cut-over), `campaigns`: one step each;
  `brand_otp`: a sole proprietor's OTP wait and resend.
- `polling`: one poll per undecided object, and what is due for the beat tasks.
- `tollfree`: toll-free verifications (submit, edit within the window, send, poll).
- `transitions`: the review state machine; `common`: errors, settings, the paced client.

Tasks (`compliance.tasks`) import these; these enqueue through `compliance.enqueue`.
The public names are re-exported here, so `from compliance import services` keeps working.
"""

from compliance.services.brand_otp import brand_otp_resend, brand_otp_send, otp_mobile
from compliance.services.chain import registration_run
from compliance.services.common import (
    POLL_LEASE,
    RUN_LEASE,
    ChainWaiting,
    ComplianceConflict,
    isv_email,
    poll_delay,
    trusthub_callback_url,
)
from compliance.services.polling import (
    POLLED_MODELS,
    due_polls,
    due_runs,
    poll_bundle_by_sid,
    poll_object,
    registration_repoll,
)
from compliance.services.registrations import (
    business_digest,
    registration_resubmit,
    registration_submit,
    registration_submit_draft,
    registration_update,
)
from compliance.services.tollfree import (
    TOLLFREE_STATUSES,
    business_facts,
    is_verified,
    latest_verification,
    suggested_use_case,
    toll_free_numbers,
    tollfree_due,
    tollfree_form_initial,
    tollfree_poll,
    tollfree_resubmit,
    tollfree_send,
    tollfree_submit,
)
from compliance.services.transitions import BRAND_STATUSES, BUNDLE_STATUSES, CAMPAIGN_STATUSES
from compliance.services.trusthub import (
    EVALUATION_FIELDS,
    PRIMARY_PROFILE_NAME,
    SANDBOX_ISV,
    business_attributes,
    evaluation_errors,
    isv_primary_profile_sid,
    messaging_profile_attributes,
    representative_attributes,
)

__all__ = [
    "BRAND_STATUSES",
    "BUNDLE_STATUSES",
    "CAMPAIGN_STATUSES",
    "EVALUATION_FIELDS",
    "POLLED_MODELS",
    "POLL_LEASE",
    "PRIMARY_PROFILE_NAME",
    "RUN_LEASE",
    "SANDBOX_ISV",
    "TOLLFREE_STATUSES",
    "ChainWaiting",
    "ComplianceConflict",
    "brand_otp_resend",
    "brand_otp_send",
    "business_attributes",
    "business_digest",
    "business_facts",
    "due_polls",
    "due_runs",
    "evaluation_errors",
    "is_verified",
    "isv_email",
    "isv_primary_profile_sid",
    "latest_verification",
    "messaging_profile_attributes",
    "otp_mobile",
    "poll_bundle_by_sid",
    "poll_delay",
    "poll_object",
    "registration_repoll",
    "registration_resubmit",
    "registration_run",
    "registration_submit",
    "registration_submit_draft",
    "registration_update",
    "representative_attributes",
    "suggested_use_case",
    "toll_free_numbers",
    "tollfree_due",
    "tollfree_form_initial",
    "tollfree_poll",
    "tollfree_resubmit",
    "tollfree_send",
    "tollfree_submit",
    "trusthub_callback_url",
]
