"""The errors the broadcast services raise (the API maps them: 409 and 400)."""

from django.core.exceptions import ValidationError


class BroadcastConflict(Exception):
    """The broadcast's status doesn't allow the move or the edit (the API answers 409)."""


class LaunchRefused(ValidationError):
    """The broadcast can't be sent as it stands; names the field to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__({field: message})
        self.field = field
        self.text = message

    def __str__(self) -> str:
        return self.text
