"""Stripe's error answer: `{"error": {"type", "message", "param", "code", "doc_url"}}`."""

from __future__ import annotations

from typing import Any

DOCS = "https://stripe.com/docs/error-codes"


class StripeApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.type = type

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.param:
            error["param"] = self.param
        if self.code:
            error["code"] = self.code
            error["doc_url"] = f"{DOCS}/{self.code.replace('_', '-')}"
        return {"error": error}


def missing(param: str) -> StripeApiError:
    return StripeApiError(
        400, f"Missing required param: {param}.", param=param, code="parameter_missing"
    )


def invalid(param: str, message: str, code: str = "parameter_invalid_string") -> StripeApiError:
    return StripeApiError(400, message, param=param, code=code)


def no_such(kind: str, object_id: str, param: str = "id") -> StripeApiError:
    return StripeApiError(
        404, f"No such {kind}: '{object_id}'", param=param, code="resource_missing"
    )
