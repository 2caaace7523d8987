"""The log's filter widgets render what Django's own widgets render, cache or not."""

import pytest
from django import forms

from messaging import filter_widgets
from messaging.forms import LogFilterForm
from messaging.models import Channel, Status


class PlainFilters(forms.Form):
    direction = forms.ChoiceField(
        required=False,
        choices=[("", "Any direction"), ("outbound", "Outbound"), ("inbound", "Inbound")],
    )
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel"), *Channel.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Status.choices])
    number = forms.CharField(required=False, max_length=254)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(required=False, max_length=200)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"status": "failed", "channel": "sms"},
        {"direction": "inbound", "q": '<b>"hi"</b> & co', "number": "+14155550123"},
        {"date_from": "2026-01-02", "date_to": "not a date"},
        {"status": "None"},
        {"channel": "bogus"},
    ],
)
def test_filter_widgets_match_djangos(data):
    for _ in range(2):  # the first renders and keeps, the second reads what was kept
        ours, plain = LogFilterForm(data), PlainFilters(data)
        for name in plain.fields:
            assert str(ours[name]) == str(plain[name]), name


def test_a_selected_value_is_not_served_from_another_values_markup():
    failed = str(LogFilterForm({"status": "failed"})["status"])
    sent = str(LogFilterForm({"status": "sent"})["status"])
    assert '<option value="failed" selected>' in failed
    assert '<option value="sent" selected>' in sent
    assert 'value="failed" selected' not in sent


def test_kept_markup_is_bounded():
    for n in range(filter_widgets.MAX_KEPT + 10):
        str(LogFilterForm({"q": f"text {n}"})["q"])
    assert len(filter_widgets._kept) <= filter_widgets.MAX_KEPT
