"""The words of WhatsApp message templates: categories, Content API types, approval statuses
and button kinds (values as Twilio's Content API spells them, wave2-facts §1)."""

from django.db import models


class Category(models.TextChoices):
    """Meta's template categories (wave2-facts §1.3); approval requests use upper case."""

    MARKETING = "MARKETING", "Marketing"
    UTILITY = "UTILITY", "Utility"
    AUTHENTICATION = "AUTHENTICATION", "Authentication"


class ContentKind(models.TextChoices):
    """The Content API types the platform authors (the `types` keys of a Content)."""

    TEXT = "twilio/text", "Text"
    MEDIA = "twilio/media", "Media"
    QUICK_REPLY = "twilio/quick-reply", "Quick reply"
    CALL_TO_ACTION = "twilio/call-to-action", "Call to action"
    CARD = "twilio/card", "Card"
    AUTHENTICATION = "whatsapp/authentication", "WhatsApp authentication (OTP)"


class ApprovalStatus(models.TextChoices):
    """Our status of a template: the WhatsApp approval's status as Twilio reports it
    (wave2-facts §1.5), plus the platform's own draft and the moment of sending it."""

    DRAFT = "draft", "Draft"
    SUBMITTING = "submitting", "Sending to Twilio"
    RECEIVED = "received", "Received by WhatsApp"
    PENDING = "pending", "In review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PAUSED = "paused", "Paused"
    DISABLED = "disabled", "Disabled"


class ButtonKind(models.TextChoices):
    QUICK_REPLY = "QUICK_REPLY", "Quick reply"
    URL = "URL", "Open a web page"
    PHONE_NUMBER = "PHONE_NUMBER", "Call a phone number"
    COPY_CODE = "COPY_CODE", "Copy the code"


# Statuses in which Twilio still decides: the poller follows them.
UNDECIDED = frozenset({ApprovalStatus.RECEIVED, ApprovalStatus.PENDING})
# Statuses Meta can still move (quality pauses, disabling, re-categorisation): polled slowly.
LIVE = frozenset({ApprovalStatus.APPROVED, ApprovalStatus.PAUSED})
# Statuses the tenant may edit in place.
EDITABLE = frozenset({ApprovalStatus.DRAFT})
# Which content types carry what, beside the body (the Content API's type schemas): a card's
# `subtitle` is WhatsApp's footer and its media the header; no authored type has a text header.
FOOTER_KINDS = frozenset({ContentKind.CARD})
MEDIA_KINDS = frozenset({ContentKind.MEDIA, ContentKind.CARD})
BUTTON_KINDS = {
    ContentKind.TEXT: frozenset(),
    ContentKind.MEDIA: frozenset(),
    ContentKind.QUICK_REPLY: frozenset({ButtonKind.QUICK_REPLY}),
    ContentKind.CALL_TO_ACTION: frozenset({ButtonKind.URL, ButtonKind.PHONE_NUMBER}),
    ContentKind.CARD: frozenset({ButtonKind.QUICK_REPLY, ButtonKind.URL, ButtonKind.PHONE_NUMBER}),
    ContentKind.AUTHENTICATION: frozenset({ButtonKind.COPY_CODE}),
}
