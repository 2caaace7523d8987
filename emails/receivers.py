"""Signal connections of the emails app, made once from `EmailsConfig.ready`."""

from anymail.signals import tracking

from emails.services.tracking import on_tracking

TRACKING_UID = "emails.tracking_event_apply"


def connect() -> None:
    """anymail's tracking events (any ESP's webhook) are applied to the emails they name."""
    tracking.connect(on_tracking, dispatch_uid=TRACKING_UID)


# `EmailsConfig.ready` imports this module once; connecting is idempotent (dispatch_uid).
connect()
