"""What a message would cost before it is sent: segments, encoding, price and warnings."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from messaging.models import Channel
from messaging.pricing import estimate_price
from messaging.segments import MAX_BODY_CHARS, SegmentInfo, segment_info
from messaging.services.common import normalize_number, strip_channel
from messaging.services.optouts import is_opted_out
from tenants.models import Tenant


@dataclass(frozen=True)
class Estimate:
    channel: str
    info: SegmentInfo
    estimated_price: Decimal
    currency: str = "USD"
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        info = self.info
        return {
            "channel": self.channel,
            "encoding": info.encoding,
            "segments": info.segments,
            "characters": info.characters,
            "units": info.units,
            "per_segment": info.per_segment,
            "remaining_in_segment": info.remaining_in_segment,
            "max_characters": MAX_BODY_CHARS,
            "unicode_characters": [
                {"char": c.char, "index": c.index, "codepoint": c.codepoint}
                for c in info.unicode_chars
            ],
            "estimated_price": str(self.estimated_price),
            "currency": self.currency,
            "warnings": list(self.warnings),
        }


def message_estimate(
    *,
    tenant: Tenant | None,
    body: str,
    channel: str = Channel.SMS,
    to: str = "",
    media_urls: Sequence[str] = (),
    content_sid: str = "",
) -> Estimate:
    """Segments, encoding and price of a message before sending (nothing is stored)."""
    info = segment_info(body or "")
    warnings: list[str] = []
    number = ""
    if to:
        try:
            number = normalize_number(strip_channel(to)[1])
        except ValidationError:
            warnings.append("The recipient is not a valid phone number yet.")
    if len(body or "") > MAX_BODY_CHARS:
        warnings.append(f"The body is longer than {MAX_BODY_CHARS} characters and can't be sent.")
    if channel == Channel.SMS and info.unicode_chars:
        shown = "".join(dict.fromkeys(c.char for c in info.unicode_chars))[:10]
        warnings.append(
            f"{shown} can't be sent in GSM-7, so the whole message uses UCS-2 "
            f"({info.per_segment} characters per segment)."
        )
    if tenant is not None and number and is_opted_out(tenant.pk, number, channel):
        warnings.append(f"{number} has opted out; the message would be refused.")
    empty = not (body or "").strip() and not media_urls and not content_sid
    segments = 0 if empty else (info.segments if channel == Channel.SMS else 1)
    price = estimate_price(
        channel=channel,
        to=number,
        segments=segments,
        has_media=bool(media_urls),
        is_template=bool(content_sid),
    )
    return Estimate(channel=channel, info=info, estimated_price=price, warnings=warnings)
