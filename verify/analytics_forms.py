"""The analytics period and filters, checked the same way for the portal page and the API."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from isvplatform.form_fields import DAY_MAX, DAY_MIN, day_field
from verify.analytics import DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS, StatsFilters
from verify.models import Channel

DATE_HELP = f"A day (YYYY-MM-DD, UTC) from {DAY_MIN} to {DAY_MAX}."


class StatsFilterForm(forms.Form):
    """`from` and `to` (inclusive UTC days; the last 30 days by default), channel, country."""

    channel = forms.ChoiceField(required=False, choices=[("", "All channels"), *Channel.choices])
    country = forms.CharField(
        required=False,
        max_length=2,
        label="Country",
        validators=[RegexValidator(r"^[A-Za-z]{2}$", "Enter a two-letter country code (US).")],
        widget=forms.TextInput(attrs={"placeholder": "US", "size": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # `from` is a Python keyword, so the two dates are added by name.
        self.fields = {"from": day_field("From"), "to": day_field("To"), **self.fields}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = data.get("from"), data.get("to")
        if end is None:
            today = timezone.now().astimezone(dt.UTC).date()
            end = max(today, start) if start else today
        if start is None:
            start = end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if start > end:
            self.add_error("from", "The period starts after it ends: `from` is after `to`.")
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            self.add_error("to", f"The period is longer than {MAX_PERIOD_DAYS} days.")
        data["from"], data["to"] = start, end
        return data

    def filters(self) -> StatsFilters:
        data = self.cleaned_data
        return StatsFilters(
            start=data["from"],
            end=data["to"],
            channel=data.get("channel") or "",
            country=(data.get("country") or "").upper(),
        )


def stats_filters(params) -> StatsFilters:
    """The analytics filters of a query string; raises ValidationError naming each bad one."""
    form = StatsFilterForm(params)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.filters()
