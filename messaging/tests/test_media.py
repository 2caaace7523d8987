"""Inbound media is downloaded with the account's credentials, stored through Django's
storage API and served to the owning tenant only; too large or disallowed items are
recorded with the reason and not stored."""

import pytest
from django.core.files.storage import storages
from django.test import Client

from messaging.models import Message, MessageMedia
from messaging.tasks import fetch_inbound_media_task
from messaging.tests.conftest import HANDSET, advance
from sandbox import transport
from sandbox.handsets import send_from_handset
from tenants.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "messaging_media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def receive_mms(provisioned, on_commit, urls, body="pics"):
    send_from_handset(HANDSET, provisioned.number.phone_number, body, media_urls=urls)
    on_commit(advance, 2, rounds=2)
    return Message.objects.get(direction="inbound", body=body)


def twilio_bytes(provisioned, media: MessageMedia) -> bytes:
    status, content, _ = transport.fetch_file(
        media.url, auth=(provisioned.sub.sid, provisioned.token)
    )
    assert status == 200
    return content


def test_inbound_media_is_stored_and_served_to_the_tenant_only(
    provisioned, on_commit, member_client, other_tenant, key_api, media_dir
):
    urls = ["https://cdn.example.com/cat.png", "https://cdn.example.com/menu.pdf"]
    message = receive_mms(provisioned, on_commit, urls)
    image, pdf = message.media.order_by("position")
    assert image.is_stored and pdf.is_stored
    assert (image.content_type, pdf.content_type) == ("image/png", "application/pdf")
    assert storages["messaging_media"].exists(image.file.name)
    assert image.file.name.startswith(f"{provisioned.tenant.pk}/{message.pk}/")
    assert (media_dir / image.file.name).read_bytes() == twilio_bytes(provisioned, image)

    owner = member_client(role=Membership.Role.VIEWER)
    response = owner.get(f"/messages/{message.pk}/media/{image.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == twilio_bytes(provisioned, image)
    download = owner.get(f"/messages/{message.pk}/media/{pdf.pk}/")
    assert "attachment" in download["Content-Disposition"]
    detail = owner.get(f"/messages/{message.pk}/").content.decode()
    assert f"/messages/{message.pk}/media/{image.pk}/" in detail
    assert 'href="https://api.twilio.com' not in detail

    api = key_api.get(f"/api/v1/messages/{message.pk}").json()
    [first, _] = api["media"]
    assert first["status"] == "stored" and "twilio.com" not in first["url"]
    served = key_api.get(first["url"])
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == twilio_bytes(provisioned, image)

    stranger = member_client(for_tenant=other_tenant)
    assert stranger.get(f"/messages/{message.pk}/media/{image.pk}/").status_code == 404
    anonymous = Client().get(f"/messages/{message.pk}/media/{image.pk}/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_too_large_and_disallowed_media_are_recorded_not_stored(
    provisioned, on_commit, member_client, settings
):
    settings.MESSAGING_MEDIA_MAX_BYTES = 50_000
    urls = [
        "https://cdn.example.com/huge.jpg?size=50001",
        "https://cdn.example.com/tool.exe",
        "https://cdn.example.com/fits.jpg?size=50000",
    ]
    message = receive_mms(provisioned, on_commit, urls)
    huge, exe, fits = message.media.order_by("position")
    assert (huge.refusal, huge.is_stored, huge.size) == ("too_large", False, None)
    assert (exe.refusal, exe.is_stored) == ("type_not_allowed", False)
    assert "application/octet-stream" in exe.fetch_error
    assert fits.is_stored and fits.size == 50_000
    owner = member_client()
    assert owner.get(f"/messages/{message.pk}/media/{huge.pk}/").status_code == 404
    assert "not kept" in owner.get(f"/messages/{message.pk}/").content.decode()


def test_storing_again_changes_nothing(provisioned, on_commit, media_dir):
    message = receive_mms(provisioned, on_commit, ["https://cdn.example.com/a.gif"])
    [media] = message.media.all()
    name = media.file.name
    assert fetch_inbound_media_task.delay(str(message.pk)).get() == 1
    media.refresh_from_db()
    assert media.file.name == name
    assert len(list((media_dir / str(provisioned.tenant.pk) / str(message.pk)).iterdir())) == 1
