"""Inbound media kept by the platform: every item an inbound message brings is downloaded
through the gateway with the owning account's credentials and stored with Django's storage
API (`STORAGES["messaging_media"]`: disk by default, S3 when configured), so tenants read
it from the platform instead of Twilio's URL, which needs credentials they don't have.

An item larger than `MESSAGING_MEDIA_MAX_BYTES` or of a type outside
`MESSAGING_MEDIA_CONTENT_TYPES` is recorded with the reason and not stored.
"""

import fnmatch
import logging
import mimetypes

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils import timezone

from isvplatform import gateway
from messaging.models import Direction, Message, MessageMedia, media_storage
from provisioning.accounts import tenant_account

logger = logging.getLogger(__name__)


def content_type_allowed(content_type: str) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return bool(kind) and any(
        fnmatch.fnmatchcase(kind, pattern.strip().lower())
        for pattern in settings.MESSAGING_MEDIA_CONTENT_TYPES
    )


def _refuse(media: MessageMedia, refusal: str, detail: str) -> None:
    media.refusal = refusal
    media.fetch_error = detail
    media.save(update_fields=["refusal", "fetch_error"])
    logger.info("inbound media %s refused: %s", media.pk, detail)


def _file_name(media: MessageMedia, content_type: str) -> str:
    extension = mimetypes.guess_extension(content_type.split(";")[0].strip()) or ".bin"
    return f"{media.tenant_id}/{media.message_id}/{media.pk}{extension}"


def media_store(media: MessageMedia, client) -> bool:
    """Download one item and store it (True), or record why it is refused (False).

    Idempotent: an item already stored or refused is left alone.
    """
    if media.is_stored or media.refusal:
        return media.is_stored
    limit = int(settings.MESSAGING_MEDIA_MAX_BYTES)
    if media.content_type and not content_type_allowed(media.content_type):
        _refuse(media, MessageMedia.Refusal.TYPE_NOT_ALLOWED, f"{media.content_type} not allowed.")
        return False
    try:
        downloaded = gateway.download_media(client, media.url, max_bytes=limit)
    except gateway.MediaTooLarge as err:
        _refuse(media, MessageMedia.Refusal.TOO_LARGE, err.message)
        return False
    content_type = downloaded.content_type or media.content_type
    if not content_type_allowed(content_type):
        _refuse(media, MessageMedia.Refusal.TYPE_NOT_ALLOWED, f"{content_type} not allowed.")
        return False
    name = media_storage().save(_file_name(media, content_type), ContentFile(downloaded.content))
    media.file.name = name
    media.content_type = content_type
    media.size = len(downloaded.content)
    media.stored_at = timezone.now()
    media.fetch_error = ""
    media.save(update_fields=["file", "content_type", "size", "stored_at", "fetch_error"])
    return True


def _complete_from_listing(message: Message, client) -> None:
    """Twilio's media list confirms the webhook's items and adds any it left out."""
    items = gateway.list_message_media(client, message.sid)
    now = timezone.now()
    stored = {m.sid: m for m in message.media.all() if m.sid}
    next_position = message.media.count()
    for item in items:
        existing = stored.get(item.sid)
        if existing is not None:
            existing.content_type = existing.content_type or item.content_type
            existing.fetched_at = now
            existing.save(update_fields=["content_type", "fetched_at"])
            continue
        MessageMedia.objects.create(
            tenant_id=message.tenant_id,
            message=message,
            position=next_position,
            sid=item.sid,
            url=item.url,
            content_type=item.content_type,
            fetched_at=now,
        )
        next_position += 1


def inbound_media_store(message_id: str) -> int:
    """Store every media item of an inbound message; returns how many are stored.

    Safe to run again: stored and refused items are skipped, so a retry after a temporary
    failure downloads only what is missing. Raises RetryableGatewayError for the task.
    """
    message = Message.objects.select_related("tenant").filter(pk=message_id).first()
    if message is None or not message.sid or message.direction != Direction.INBOUND:
        return 0
    client = tenant_account(message.tenant).client()
    _complete_from_listing(message, client)
    for media in message.media.order_by("position"):
        try:
            media_store(media, client)
        except gateway.RetryableGatewayError:
            raise
        except gateway.GatewayError as err:
            MessageMedia.objects.filter(pk=media.pk).update(fetch_error=err.message[:1000])
            logger.warning("inbound media %s not downloaded: %s", media.pk, err)
    return message.media.filter(stored_at__isnull=False).count()


# Types a browser may show inline; anything else is downloaded, never rendered as a page.
_INLINE = ("image/jpeg", "image/png", "image/gif", "image/webp", "audio/", "video/")


def media_response(media: MessageMedia) -> FileResponse:
    """The stored file as a response (404 while not stored, or when it was refused)."""
    if not media.is_stored:
        raise Http404(media.get_refusal_display() or "This media item is not stored yet.")
    inline = media.content_type.startswith(_INLINE)
    response = FileResponse(
        media_storage().open(media.file.name, "rb"),
        content_type=media.content_type or "application/octet-stream",
        as_attachment=not inline,
        filename=media.file.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
