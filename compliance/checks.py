"""Start-up checks of the 10DLC chain's settings (`manage.py check`, runserver, migrate)."""

import re

from django.conf import settings
from django.core import checks

BUNDLE_SID = re.compile(r"BU[0-9a-fA-F]{32}")


@checks.register(checks.Tags.compatibility)
def primary_customer_profile_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Live mode needs the vendor's primary customer profile SID: it is created in the Twilio
    console, and no published policy SID finds it reliably (twilio-api-facts §7.2, [C])."""
    sid = str(getattr(settings, "TWILIO_PRIMARY_CUSTOMER_PROFILE_SID", "") or "")
    if sid and not BUNDLE_SID.fullmatch(sid):
        return [
            checks.Error(
                f"TWILIO_PRIMARY_CUSTOMER_PROFILE_SID must be a Trust Hub bundle SID "
                f"(BU followed by 32 hex digits), not {sid!r}.",
                id="compliance.E002",
            )
        ]
    if getattr(settings, "TWILIO_MODE", "sandbox") == "live" and not sid:
        return [
            checks.Error(
                "TWILIO_PRIMARY_CUSTOMER_PROFILE_SID is required when TWILIO_MODE=live.",
                hint="Set it to the SID (BU...) of your approved primary customer profile: "
                "Twilio console > Trust Hub > Customer profiles.",
                id="compliance.E001",
            )
        ]
    return []
