"""Portal forms of messaging: they check shape; `messaging.services` decides what is valid."""

import json
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse

from messaging import csvio
from messaging.filter_widgets import FilterDateInput, FilterSelect, FilterTextInput
from messaging.models import Channel, MessagingSettings, Status
from messaging.segments import MAX_BODY_CHARS
from messaging.selectors import MessageFilters
from provisioning.selectors import active_numbers

NUMBER_HELP = "In international format, like +14155550123."
# A template's variables arrive as `var_<key>` fields (one input per variable it uses).
VARIABLE_PREFIX = "var_"


def template_variables_of(data) -> dict[str, str]:
    """The `var_<key>` inputs of a submitted (or queried) picker, as {key: value}."""
    return {
        key[len(VARIABLE_PREFIX) :]: value
        for key, value in data.items()
        if key.startswith(VARIABLE_PREFIX)
    }


class TemplateChoiceMixin:
    """An approved-template picker; its variables are read from the `var_<key>` inputs."""

    def add_template_field(self, templates) -> None:
        choices = [("", "None: write a free-form message")]
        choices += [(str(t.pk), f"{t.name} ({t.language})") for t in templates]
        self.fields["template"] = forms.ChoiceField(
            label="Approved template",
            required=False,
            choices=choices,
            help_text="Outside WhatsApp's 24-hour window only an approved template can be sent.",
        )
        self.fields["template"].widget.attrs.update(
            {
                "hx-get": reverse("messaging:template_fields"),
                "hx-include": "closest form",
                "hx-target": "#template-fields",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )

    def template_variables(self) -> dict[str, str]:
        return template_variables_of(self.data)


class ComposeForm(TemplateChoiceMixin, forms.Form):
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
        label="Or a content SID",
        required=False,
        max_length=34,
        help_text="Content made in Twilio's console and not imported (HX…).",
    )
    content_variables = forms.CharField(
        label="Template variables",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='JSON, like {"1": "Ana"}.',
    )

    def __init__(self, *args, tenant=None, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_template_field(templates)
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


class ReplyForm(TemplateChoiceMixin, forms.Form):
    body = forms.CharField(
        label="Reply",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_BODY_CHARS}),
    )

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_template_field(templates)


# Filter dates are turned into day boundaries (and the day after `date_to`); beyond these
# that arithmetic overflows, and no message is that old or that new anyway.
FILTER_DATE_MIN = date(1900, 1, 1)
FILTER_DATE_MAX = date(9998, 12, 31)


def filter_date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=FilterDateInput(attrs={"type": "date"}),
        validators=[
            MinValueValidator(FILTER_DATE_MIN, "Enter a date from 1900-01-01 on."),
            MaxValueValidator(FILTER_DATE_MAX, "Enter a date up to 9998-12-31."),
        ],
    )


class LogFilterForm(forms.Form):
    """The message log's filters, checked the same way for the portal and the API."""

    direction = forms.ChoiceField(
        required=False, choices=[("", "Any direction"), ("outbound", "Outbound"),
                                 ("inbound", "Inbound")], widget=FilterSelect
    )  # fmt: skip
    channel = forms.ChoiceField(
        required=False, choices=[("", "Any channel"), *Channel.choices], widget=FilterSelect
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Status.choices], widget=FilterSelect
    )
    number = forms.CharField(required=False, max_length=254, widget=FilterTextInput)
    date_from = filter_date("From")
    date_to = filter_date("To")
    q = forms.CharField(label="Text", required=False, max_length=200, widget=FilterTextInput)

    def filters(self) -> MessageFilters:
        """The filters of a valid form (none of an invalid one)."""
        if not self.is_valid():
            return MessageFilters()
        data = self.cleaned_data
        return MessageFilters(
            direction=data["direction"],
            channel=data["channel"],
            status=data["status"],
            number=data["number"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            text=data["q"],
        )


def message_filters(params) -> MessageFilters:
    """The message filters of a query string; raises ValidationError naming each bad one."""
    if not any(params.get(name) for name in LogFilterForm.base_fields):
        return MessageFilters()  # none asked for (a plain page): no form to build
    form = LogFilterForm(params)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.filters()


class OptOutAddForm(forms.Form):
    number = forms.CharField(max_length=40, help_text=NUMBER_HELP)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.SMS)
    reason = forms.CharField(required=False, max_length=500)


class OptOutImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A `number` column (and optionally `channel`, `reason`), or one number per line.",
    )

    def clean(self):
        """Reads the CSV into `rows`: an unreadable file is an error of the `file` field."""
        cleaned = super().clean()
        if cleaned.get("file") is not None:
            try:
                cleaned["rows"] = csvio.read_optout_upload(cleaned["file"])
            except ValidationError as err:
                self.add_error("file", err)
        return cleaned


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
