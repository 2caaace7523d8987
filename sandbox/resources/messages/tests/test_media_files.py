"""The file behind a media URL: served to the owning account only, like Twilio's."""

import base64

import pytest
from django.test import Client as DjangoClient

from sandbox import handsets, transport

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"


def _media_url(sub, number, advance, url):
    sent = handsets.send_from_handset(HANDSET, number.phone_number, "", media_urls=[url])
    advance(0)
    [media] = sub.client.messages(sent["sid"]).media.list()
    return f"https://api.twilio.com{media.uri.removesuffix('.json')}", media


def test_a_media_url_serves_the_file_to_its_account_only(sub, make_subaccount, number, advance):
    url, media = _media_url(sub, number, advance, "https://cdn.example.com/cat.png")
    status, content, headers = transport.fetch_file(url, auth=(sub.sid, sub.token))
    assert (status, headers["Content-Type"]) == (200, "image/png")
    assert content.startswith(b"\x89PNG") and headers["Content-Length"] == str(len(content))

    assert transport.fetch_file(url)[0] == 401
    assert transport.fetch_file(url, auth=(sub.sid, "wrong"))[0] == 401
    other = make_subaccount("other")
    assert transport.fetch_file(url, auth=(other.sid, other.token))[0] == 404
    missing = url.replace(media.sid, "ME" + "0" * 32)
    assert transport.fetch_file(missing, auth=(sub.sid, sub.token))[0] == 404


def test_a_size_hint_makes_the_file_that_long_and_http_serves_the_same(sub, number, advance):
    url, _ = _media_url(sub, number, advance, "https://cdn.example.com/big.jpg?size=70000")
    status, content, _ = transport.fetch_file(url, auth=(sub.sid, sub.token))
    assert (status, len(content)) == (200, 70000)
    path = url.removeprefix("https://api.twilio.com")
    basic = base64.b64encode(f"{sub.sid}:{sub.token}".encode()).decode()
    response = DjangoClient().get(f"/sandbox/twilio/api{path}", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200 and response.content == content
