"""AWS's error answers: rest-json (SES v2) and query/XML (SNS)."""

from __future__ import annotations

import uuid
from xml.sax.saxutils import escape

SNS_NS = "http://sns.amazonaws.com/doc/2010-03-31/"

_AUTH_ERRORS = {
    # reason: (rest-json type, query code, message)
    "missing": (
        "MissingAuthenticationTokenException",
        "MissingAuthenticationToken",
        "Missing Authentication Token",
    ),
    "malformed": (
        "IncompleteSignatureException",
        "IncompleteSignature",
        "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders'"
        " parameters and a valid X-Amz-Date.",
    ),
    "unknown_key": (
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    ),
    "expired": (
        "InvalidSignatureException",
        "SignatureExpired",
        "Signature expired: the request time is more than 15 minutes from the server time.",
    ),
    "mismatch": (
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. Consult the service "
        "documentation for details.",
    ),
}


class AwsError(Exception):
    """An error answer: `code` is the error shape's name (SES) or query code (SNS)."""

    def __init__(self, code: str, message: str, status: int = 400, sender: bool = True):
        super().__init__(message)
        self.code, self.message, self.status, self.sender = code, message, status, sender

    @classmethod
    def auth(cls, reason: str, protocol: str) -> AwsError:
        rest, query, message = _AUTH_ERRORS[reason]
        return cls(rest if protocol == "rest-json" else query, message, 403)

    def rest_json(self) -> tuple[int, dict[str, str], bytes]:
        import json

        body = json.dumps({"message": self.message}).encode()
        return self.status, _headers("application/json", x_amzn_errortype=self.code), body

    def query_xml(self) -> tuple[int, dict[str, str], bytes]:
        request_id = str(uuid.uuid4())
        body = (
            f'<ErrorResponse xmlns="{SNS_NS}"><Error>'
            f"<Type>{'Sender' if self.sender else 'Receiver'}</Type>"
            f"<Code>{escape(self.code)}</Code><Message>{escape(self.message)}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        return self.status, _headers("text/xml", request_id=request_id), body


def _headers(content_type: str, *, x_amzn_errortype: str = "", request_id: str = "") -> dict:
    headers = {
        "Content-Type": content_type,
        "x-amzn-RequestId": request_id or str(uuid.uuid4()),
    }
    if x_amzn_errortype:
        headers["x-amzn-ErrorType"] = x_amzn_errortype
    return headers


def response_headers(content_type: str) -> dict[str, str]:
    return _headers(content_type)
