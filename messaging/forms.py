"""Portal forms of messaging: they check shape; `messaging.services` decides what is valid."""

import json

from django import forms

from messaging.models import Channel, MessagingSettings
from messaging.segments import MAX_BODY_CHARS
from messaging.selectors import MessageFilters
from provisioning.selectors import active_numbers

NUMBER_HELP = "In international format, like +14155550123."


class ComposeForm(forms.Form):
    to = forms.CharField(label="To", max_length=40, help_text=NUMBER_HELP)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.SMS)
    from_ = forms.ChoiceField(label="From", required=False)
    body = forms.CharField(
        label="Message",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_BODY_CHARS}),
    )
    media_urls = forms.CharField(
        label="Media URLs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One https:// URL per line (MMS or WhatsApp media), at most 10.",
    )
    content_sid = forms.CharField(
        label="Template (content SID)",
        required=False,
        max_length=34,
        help_text="An approved WhatsApp template, needed outside the 24-hour window.",
    )
    content_variables = forms.CharField(
        label="Template variables",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='JSON, like {"1": "Ana"}.',
    )

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Automatic (messaging service or primary number)")]
        if tenant is not None:
            for number in active_numbers(tenant).order_by("-is_primary", "phone_number"):
                label = number.phone_number + (" · primary" if number.is_primary else "")
                if number.whatsapp_enabled:
                    label += " · WhatsApp"
                choices.append((number.phone_number, label))
        self.fields["from_"].choices = choices
        self.fields["to"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})

    def clean_media_urls(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["media_urls"].splitlines() if line]

    def clean_content_variables(self) -> dict:
        raw = self.cleaned_data["content_variables"].strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError as err:
            raise forms.ValidationError("Write the variables as JSON.") from err
        if not isinstance(value, dict):
            raise forms.ValidationError('Use an object, like {"1": "Ana"}.')
        return value


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_BODY_CHARS}),
    )
    content_sid = forms.CharField(label="Template (content SID)", required=False, max_length=34)


class LogFilterForm(forms.Form):
    direction = forms.ChoiceField(
        required=False, choices=[("", "Any direction"), ("outbound", "Outbound"),
                                 ("inbound", "Inbound")]
    )  # fmt: skip
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel"), *Channel.choices])
    status = forms.ChoiceField(required=False)
    number = forms.CharField(required=False, max_length=20)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label="Text", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from messaging.models import Status

        self.fields["status"].choices = [("", "Any status"), *Status.choices]

    def filters(self) -> MessageFilters:
        if not self.is_valid():
            return MessageFilters()
        return MessageFilters.from_params(
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in
             self.cleaned_data.items() if v}
        )  # fmt: skip


class OptOutAddForm(forms.Form):
    number = forms.CharField(max_length=40, help_text=NUMBER_HELP)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.SMS)
    reason = forms.CharField(required=False, max_length=500)


class OptOutImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A `number` column (and optionally `channel`, `reason`), or one number per line.",
    )


class KeywordRepliesForm(forms.ModelForm):
    class Meta:
        model = MessagingSettings
        fields = ["opt_out_reply", "opt_in_reply", "help_reply"]
        labels = {
            "opt_out_reply": "Reply to STOP",
            "opt_in_reply": "Reply to START",
            "help_reply": "Reply to HELP",
        }
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields}
