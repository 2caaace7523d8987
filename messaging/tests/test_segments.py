"""Encoding and segment counting, as carriers count them, and the estimate."""

import pytest

from messaging.segments import GSM7, UCS2, segment_info
from messaging.services import message_estimate


@pytest.mark.parametrize(
    "body,encoding,segments",
    [
        ("", GSM7, 0),
        ("a", GSM7, 1),
        ("a" * 160, GSM7, 1),
        ("a" * 161, GSM7, 2),
        ("a" * 306, GSM7, 2),
        ("a" * 307, GSM7, 3),
        ("€" * 80, GSM7, 1),  # extension characters take two septets each
        ("€" * 81, GSM7, 2),
        ("é ñ ü Ä £ ¥", GSM7, 1),  # Latin letters of the GSM basic table stay GSM-7
        ("ç" * 70, UCS2, 1),  # lower-case ç is not in GSM-7 (only Ç is)
        ("ç" * 71, UCS2, 2),
        ("ç" * 134, UCS2, 2),
        ("ç" * 135, UCS2, 3),
        ("😀" * 35, UCS2, 1),  # an emoji is two UTF-16 units
        ("😀" * 36, UCS2, 2),
    ],
)
def test_encoding_and_segments(body, encoding, segments):
    info = segment_info(body)
    assert (info.encoding, info.segments) == (encoding, segments)


def test_an_extension_character_is_never_split_across_segments():
    # 306 septets would fill two segments exactly, but the € after 152 septets doesn't fit
    # in the first one, so it starts the second and the last "a" needs a third.
    assert segment_info("a" * 152 + "€" + "a" * 152).units == 306
    assert segment_info("a" * 152 + "€" + "a" * 152).segments == 3


def test_a_surrogate_pair_is_never_split():
    assert segment_info("a" * 66 + "😀" + "a" * 66).segments == 3


def test_the_characters_forcing_ucs2_are_pointed_at():
    info = segment_info("Hi “Ana” ☕")
    assert [(c.char, c.index) for c in info.unicode_chars] == [("“", 3), ("”", 7), ("☕", 9)]
    assert info.unicode_chars[2].codepoint == "U+2615"


def test_remaining_in_segment():
    assert segment_info("a" * 150).remaining_in_segment == 10
    assert segment_info("a" * 170).remaining_in_segment == 153 * 2 - 170


def test_the_estimate_prices_segments_and_warns():
    estimate = message_estimate(tenant=None, body="a" * 161, to="+14155550123").as_dict()
    assert (estimate["segments"], estimate["encoding"]) == (2, "GSM-7")
    assert estimate["estimated_price"] == "0.0166"
    ucs = message_estimate(tenant=None, body="Hi ☕").as_dict()
    assert ucs["unicode_characters"] == [{"char": "☕", "index": 3, "codepoint": "U+2615"}]
    assert any("UCS-2" in w for w in ucs["warnings"])
    too_long = message_estimate(tenant=None, body="a" * 1601).as_dict()
    assert any("1600" in w for w in too_long["warnings"])
    whatsapp = message_estimate(tenant=None, body="a" * 500, channel="whatsapp").as_dict()
    assert whatsapp["estimated_price"] == "0.0050"
