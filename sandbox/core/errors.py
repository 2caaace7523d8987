"""Twilio's error shape: every failure a handler raises becomes Twilio's error JSON."""

from __future__ import annotations


class TwilioError(Exception):
    """An error answered the way Twilio answers it: `{code, message, more_info, status}`."""

    def __init__(
        self,
        code: int,
        status: int,
        message: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


def not_found(path: str) -> TwilioError:
    return TwilioError(20404, 404, f"The requested resource {path} was not found")


def invalid_param(name: str, message: str | None = None, code: int = 21200) -> TwilioError:
    return TwilioError(code, 400, message or f"Invalid parameter: {name}")


def missing_param(name: str, code: int = 21200) -> TwilioError:
    return TwilioError(code, 400, f"Required parameter {name} missing.")
