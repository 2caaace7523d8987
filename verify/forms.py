"""Forms of the Verification pages: the settings, the test send and check, the log filters."""

from django import forms

from messaging.forms import filter_date
from verify.models import Channel, VerificationAttempt, VerifyService
from verify.selectors import AttemptFilters
from verify.services import rules

LIMIT_HELP = "At most this many codes per rolling hour."


class EnableForm(forms.Form):
    brand_name = forms.CharField(
        label="Brand name",
        max_length=rules.BRAND_NAME_MAX,
        help_text="What people read in the message: “Your <brand> verification code is …”. "
        "Up to 30 characters, no run of five or more digits.",
    )


class SettingsForm(forms.Form):
    brand_name = forms.CharField(label="Brand name", max_length=rules.BRAND_NAME_MAX)
    code_length = forms.IntegerField(label="Code length (digits)", min_value=4, max_value=10)
    channels = forms.MultipleChoiceField(
        label="Channels", choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    default_locale = forms.ChoiceField(
        label="Default language", choices=[(code, code) for code in sorted(rules.LOCALES)]
    )
    template_sid = forms.CharField(
        label="Message template (HJ… SID)",
        required=False,
        max_length=34,
        help_text="Leave empty for Twilio's default wording.",
    )
    allowed_countries = forms.CharField(
        label="Allowed countries",
        required=False,
        max_length=600,
        help_text="Two-letter codes separated by commas (e.g. US, CA). Empty: only your "
        "business's own country.",
    )
    lookup_enabled = forms.BooleanField(label="Look up the number's carrier first", required=False)
    do_not_share_warning = forms.BooleanField(
        label="Add “don't share this code” to the SMS", required=False
    )
    per_number_hourly_limit = forms.IntegerField(
        label="Codes per number", min_value=1, max_value=rules.LIMIT_MAX, help_text=LIMIT_HELP
    )
    per_ip_hourly_limit = forms.IntegerField(
        label="Codes per visitor IP address",
        min_value=1,
        max_value=rules.LIMIT_MAX,
        help_text=LIMIT_HELP,
    )
    prefix_burst_limit = forms.IntegerField(
        label="Codes per number prefix in 10 minutes",
        min_value=1,
        max_value=rules.LIMIT_MAX,
        help_text="A burst above this to one prefix looks like SMS pumping: it is refused "
        "and you are alerted.",
    )

    FIELDS = (
        "brand_name",
        "code_length",
        "channels",
        "default_locale",
        "template_sid",
        "allowed_countries",
        "lookup_enabled",
        "do_not_share_warning",
        "per_number_hourly_limit",
        "per_ip_hourly_limit",
        "prefix_burst_limit",
    )

    @classmethod
    def initial_for(cls, service: VerifyService) -> dict:
        initial = {name: getattr(service, name) for name in cls.FIELDS}
        initial["allowed_countries"] = ", ".join(service.allowed_countries)
        return initial

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data["allowed_countries"] = [
            c.strip() for c in data["allowed_countries"].replace(" ", ",").split(",") if c.strip()
        ]
        return data


class TestSendForm(forms.Form):
    to = forms.CharField(
        label="Send to", max_length=254, help_text="A phone number like +14155550123, or an email"
    )
    channel = forms.ChoiceField(label="Channel", choices=Channel.choices, initial=Channel.SMS)
    locale = forms.ChoiceField(
        label="Language",
        required=False,
        choices=[("", "The service's default"), *((c, c) for c in sorted(rules.LOCALES))],
    )


class TestCheckForm(forms.Form):
    attempt = forms.IntegerField(widget=forms.HiddenInput)
    code = forms.CharField(label="Code received", max_length=10)


class AttemptFilterForm(forms.Form):
    """The verification log's filters, checked the same way for the portal and the API."""

    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *VerificationAttempt.Status.choices]
    )
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel"), *Channel.choices])
    country = forms.CharField(required=False, max_length=2)
    date_from = filter_date("From")
    date_to = filter_date("To")
    q = forms.CharField(label="Search", required=False, max_length=254)

    def filters(self) -> AttemptFilters:
        if not self.is_valid():
            return AttemptFilters()
        data = self.cleaned_data
        return AttemptFilters(
            status=data["status"],
            channel=data["channel"],
            country=data["country"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            text=data["q"],
        )
