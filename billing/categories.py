"""The usage categories the platform stores, prices and charts, with the words people read.

Twilio reports a tree of categories (`sms` = `sms-outbound` + `sms-inbound`, `totalprice` =
everything). Statements and charts use the leaves below, so nothing is counted twice;
`totalprice` is kept beside them as Twilio's own total, against which the leaves reconcile.
"""

from dataclasses import dataclass

TOTAL = "totalprice"


@dataclass(frozen=True)
class UsageCategory:
    name: str
    label: str
    channel: str  # the messaging channel it counts ("" when none: numbers, Verify)
    unit: str  # what one unit of `usage` is, as people read it


LEAVES: dict[str, UsageCategory] = {
    c.name: c
    for c in (
        UsageCategory("sms-outbound", "Outbound SMS", "sms", "segments"),
        UsageCategory("sms-inbound", "Inbound SMS", "sms", "segments"),
        UsageCategory("mms-outbound", "Outbound MMS", "sms", "messages"),
        UsageCategory("mms-inbound", "Inbound MMS", "sms", "messages"),
        UsageCategory("channels-whatsapp-outbound", "Outbound WhatsApp", "whatsapp", "messages"),
        UsageCategory("channels-whatsapp-inbound", "Inbound WhatsApp", "whatsapp", "messages"),
        UsageCategory("phonenumbers-local", "Local numbers", "", "number-months"),
        UsageCategory("phonenumbers-tollfree", "Toll-free numbers", "", "number-months"),
        UsageCategory("verify-sms", "Verify by SMS", "", "verifications"),
        UsageCategory("verify-voice", "Verify by voice", "", "verifications"),
        UsageCategory(
            "verify-whatsapp-conversations-business-initiated",
            "Verify by WhatsApp",
            "",
            "verifications",
        ),
        UsageCategory("verify-email", "Verify by email", "", "verifications"),
    )
}

STORED = (*LEAVES, TOTAL)


def category_label(name: str) -> str:
    if name == TOTAL:
        return "Total"
    found = LEAVES.get(name)
    return found.label if found else name


CATEGORY_CHOICES = [(name, category_label(name)) for name in STORED]
