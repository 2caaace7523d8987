"""How an SMS body is encoded and split into segments, as carriers (and Twilio) count them.

GSM-7 fits 160 septets in one segment and 153 per segment once concatenated (the rest of
each segment is the concatenation header); characters of the GSM extension table take two
septets and are never split across segments. One character outside GSM-7 switches the whole
message to UCS-2: 70 UTF-16 code units alone, 67 per segment concatenated, and a character
outside the Basic Multilingual Plane (most emoji) takes two units that stay together.
"""

from dataclasses import dataclass, field

MAX_BODY_CHARS = 1600

GSM7 = "GSM-7"
UCS2 = "UCS-2"

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67


@dataclass(frozen=True)
class UnicodeChar:
    """A character that forces UCS-2, and where it is (0-based index in the body)."""

    char: str
    index: int
    codepoint: str


@dataclass(frozen=True)
class SegmentInfo:
    encoding: str
    segments: int
    characters: int
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    per_segment: int
    unicode_chars: list[UnicodeChar] = field(default_factory=list)

    @property
    def remaining_in_segment(self) -> int:
        """How many more units fit before another segment starts."""
        if self.units == 0:
            return self.per_segment
        if self.segments == 1:
            return self.per_segment - self.units
        used = self.units - (self.segments - 1) * self.per_segment
        return max(0, self.per_segment - used)


def _gsm_units(char: str) -> int:
    return 2 if char in GSM7_EXTENDED else 1


def _ucs2_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _count_segments(units: list[int], single: int, multi: int) -> int:
    total = sum(units)
    if total <= single:
        return 1 if total else 0
    segments, used = 1, 0
    for width in units:
        if used + width > multi:
            segments += 1
            used = 0
        used += width
    return segments


def segment_info(body: str) -> SegmentInfo:
    """Encoding, segment count and the characters that force UCS-2, for an SMS body."""
    unicode_chars = [
        UnicodeChar(char=c, index=i, codepoint=f"U+{ord(c):04X}")
        for i, c in enumerate(body)
        if c not in GSM7_BASIC and c not in GSM7_EXTENDED
    ]
    if unicode_chars:
        units = [_ucs2_units(c) for c in body]
        segments = _count_segments(units, UCS2_SINGLE, UCS2_MULTI)
        per_segment = UCS2_SINGLE if segments <= 1 else UCS2_MULTI
        encoding = UCS2
    else:
        units = [_gsm_units(c) for c in body]
        segments = _count_segments(units, GSM7_SINGLE, GSM7_MULTI)
        per_segment = GSM7_SINGLE if segments <= 1 else GSM7_MULTI
        encoding = GSM7
    return SegmentInfo(
        encoding=encoding,
        segments=segments,
        characters=len(body),
        units=sum(units),
        per_segment=per_segment,
        unicode_chars=unicode_chars,
    )
