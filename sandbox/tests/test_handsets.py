"""The handset simulator: JSON API, page and Python helpers."""

import pytest
from django.test import Client as DjangoClient

from sandbox import clock, handsets
from sandbox.services import enable_whatsapp

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"


def test_json_api_round_trip(sub, number):
    client = DjangoClient()
    response = client.post(
        "/sandbox/handsets/messages",
        {"from": HANDSET, "to": number.phone_number, "body": "hi"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "receiving"
    sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="hello back")
    clock.advance(10)
    received = client.get(f"/sandbox/handsets/{HANDSET}/messages").json()["messages"]
    assert [m["body"] for m in received] == ["hello back"]
    thread = client.get(f"/sandbox/handsets/{HANDSET}/conversation").json()["messages"]
    assert [m["body"] for m in thread] == ["hi", "hello back"]
    numbers = client.get("/sandbox/handsets/numbers").json()["numbers"]
    assert [n["phone_number"] for n in numbers] == [number.phone_number]


def test_json_api_reports_bad_requests():
    response = DjangoClient().post(
        "/sandbox/handsets/messages",
        {"from": HANDSET, "to": "+14155550199", "body": "hi"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "not a number" in response.json()["error"]


def test_page_sends_and_shows_the_thread(sub, number):
    enable_whatsapp(number.phone_number)
    client = DjangoClient()
    page = client.get("/sandbox/handset/", {"number": HANDSET})
    assert page.status_code == 200
    assert number.phone_number in page.content.decode()
    response = client.post(
        f"/sandbox/handset/?number={HANDSET}",
        {"from": HANDSET, "to": number.phone_number, "body": "from the page", "channel": "sms"},
    )
    assert response.status_code == 302
    thread = client.get("/sandbox/handset/thread", {"number": HANDSET}).content.decode()
    assert "from the page" in thread and "receiving" in thread
    bad = client.post("/sandbox/handset/", {"from": HANDSET, "to": "+14155550199", "body": "x"})
    assert bad.status_code == 400


def test_platform_numbers_flag_whatsapp(number):
    enable_whatsapp(number.phone_number)
    assert handsets.platform_numbers()[0]["whatsapp"] is True


def test_enable_whatsapp_needs_an_owned_number(db):
    with pytest.raises(ValueError):
        enable_whatsapp("+14155550199")


def test_numbers_are_labelled_with_their_business(make_subaccount, buy_number, number):
    other = buy_number(make_subaccount("Globex Plumbing"), area_code=800)
    labels = {n["phone_number"]: n["business"] for n in handsets.platform_numbers()}
    assert labels == {number.phone_number: "tenant one", other.phone_number: "Globex Plumbing"}
    page = DjangoClient().get("/sandbox/handset/", {"number": HANDSET}).content.decode()
    assert f"Globex Plumbing · {other.phone_number}" in page
    assert f"tenant one · {number.phone_number}" in page


def _selected(page) -> list[str]:
    text = page.content.decode()
    select = text[text.index('<select name="to"') : text.index("</select>")]
    return [
        option.split('value="', 1)[1].split('"', 1)[0]
        for option in select.split("<option")[1:]
        if " selected" in option.split(">", 1)[0]
    ]


def test_to_defaults_to_the_number_this_phone_last_talked_to(
    sub, make_subaccount, buy_number, number
):
    other_sub = make_subaccount("Globex Plumbing")
    other = buy_number(other_sub, area_code=800)
    client = DjangoClient()
    assert _selected(client.get("/sandbox/handset/", {"number": HANDSET})) == [""]
    handsets.send_from_handset(HANDSET, other.phone_number, "HELP")
    assert handsets.last_contact(HANDSET) == other.phone_number
    assert _selected(client.get("/sandbox/handset/", {"number": HANDSET})) == [other.phone_number]
    clock.advance(5)
    sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="Your order is ready")
    assert handsets.last_contact(HANDSET) == number.phone_number
    assert _selected(client.get("/sandbox/handset/", {"number": HANDSET})) == [number.phone_number]
    asked = client.get("/sandbox/handset/", {"number": HANDSET, "to": other.phone_number})
    assert _selected(asked) == [other.phone_number]
    assert handsets.last_contact("+14155550999") is None


def test_the_page_links_back_to_the_portal(number):
    page = DjangoClient().get("/sandbox/handset/", {"number": HANDSET}).content.decode()
    assert '<a href="/">' in page
