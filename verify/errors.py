"""The one refusal every Verify operation raises, with a code, a human message and a status.

Twilio's refusals keep Twilio's code (`"60203"`); the platform's own (throttles, the geo
allowlist, a disabled channel) have word codes. The API answers them in its error format
with the same status; the portal and the widget show the message.
"""

from isvplatform import gateway

# Twilio's Verify codes, in words a business (and its end user) can act on.
EXPLANATIONS: dict[int, str] = {
    20404: "There is no pending verification for this destination: it was already approved, "
    "it expired (codes are valid for 10 minutes) or it was never started. Send a new code.",
    60200: "Twilio refused a parameter of the verification.",
    60202: "Too many wrong codes for this verification (the limit is 5). Send a new code.",
    60203: "Too many codes were sent to this destination (the limit is 5 in 10 minutes). "
    "Wait a few minutes before sending another.",
    60205: "This number is a landline, which can't receive SMS. Try a voice call instead.",
    60212: "Too many verifications are waiting for this number at once. Wait for them to "
    "expire or approve one first.",
    60220: "Verifications to China need Twilio's use-case vetting first.",
    60223: "This delivery channel is not available for the Verify service.",
    60228: "The message template was not found.",
    60238: "Twilio blocked this verification (the account is under review, or the destination "
    "is an embargoed country).",
    60410: "Twilio's Fraud Guard is blocking this number's prefix for 12 hours because of "
    "suspected SMS pumping traffic to it.",
    60605: "Twilio's Verify geographic permissions don't allow this country.",
}
TWILIO_FIELDS: dict[int, str] = {
    60205: "to",
    60212: "to",
    60605: "to",
    60410: "to",
    60223: "channel",
}


class VerifyRefused(Exception):
    """A send or check that did not happen: `code`, `message`, the `field` at fault (if one
    is) and the HTTP `status` the API answers with."""

    def __init__(self, code: str, message: str, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status

    def __str__(self) -> str:
        return f"{self.message} ({self.code})"


def explain(code: int | None, fallback: str) -> str:
    return EXPLANATIONS.get(code or 0) or fallback


def from_gateway(err: gateway.GatewayError) -> VerifyRefused:
    """Twilio's refusal as a VerifyRefused with Twilio's code and HTTP status."""
    if isinstance(err, gateway.RetryableGatewayError) and err.code is None:
        return VerifyRefused(
            "twilio_unavailable",
            "Twilio could not be reached; nothing was sent. Try again in a moment.",
            status=503,
        )
    status = err.status if err.status and 400 <= err.status < 500 else 502
    message = explain(err.code, err.message)
    if err.code == 60200 and err.twilio_message:
        message = f"{message} Twilio said: {err.twilio_message}"
    code = str(err.code) if err.code is not None else "twilio_error"
    return VerifyRefused(code, message, TWILIO_FIELDS.get(err.code or 0), status)
