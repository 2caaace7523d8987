"""Twilio's documented magic test numbers, plus the sandbox's own for delivery failures."""

API_ERRORS_TO = {
    "+15005550001": (21211, "The 'To' number +15005550001 is not a valid phone number."),
    "+15005550002": (
        21612,
        "The 'To' phone number: +15005550002, is not currently reachable using the 'From' "
        "phone number via SMS.",
    ),
    "+15005550003": (
        21408,
        "Permission to send an SMS has not been enabled for the region indicated by the "
        "'To' number: +15005550003.",
    ),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}
"""`To` numbers the API refuses at create time (Twilio's test-credential numbers)."""

API_ERRORS_FROM = {
    "+15005550001": (
        21212,
        "The 'From' number +15005550001 is not a valid phone number, shortcode, or "
        "alphanumeric sender ID.",
    ),
    "+15005550007": (
        21606,
        "The 'From' phone number provided is not a valid, message-capable Twilio phone "
        "number for this destination/account.",
    ),
    "+15005550008": (
        21611,
        "This 'From' number has exceeded the maximum number of queued messages",
    ),
}
"""`From` numbers the API refuses at create time."""

VALID_FROM = "+15005550006"
"""Twilio's magic valid sender: accepted as `From` for any account."""

DELIVERY_FAILURES_TO = {
    "+15005550010": ("undelivered", 30003, "Unreachable destination handset"),
    "+15005550011": ("undelivered", 30005, "Unknown destination handset"),
    "+15005550012": ("undelivered", 30006, "Landline or unreachable carrier"),
    "+15005550013": ("undelivered", 30007, "Message filtered"),
    "+15005550014": ("failed", 30008, "Unknown error"),
}
"""Sandbox-only: `To` numbers accepted by the API whose delivery then fails this way."""

RATE_FAILURES = (
    (30003, "Unreachable destination handset"),
    (30005, "Unknown destination handset"),
    (30006, "Landline or unreachable carrier"),
)
"""Error codes for messages failed by the configured `delivery_failure_rate`."""

LANDLINES = {"+15005550009"}
"""Numbers Lookup reports as landlines."""
