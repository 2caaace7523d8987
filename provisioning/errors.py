"""Errors the provisioning services raise besides Django's `ValidationError`."""


class ProvisioningConflict(Exception):
    """The object's current state doesn't allow the action (API 409, a message in the portal)."""

    def __init__(self, message: str, *, code: str = "conflict") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
