"""The portal's broadcast form: the fields a person fills, turned into the services'
arguments (the services check them; their errors land on the fields here)."""

from typing import Any

from django import forms

from broadcasts.models import Broadcast, BroadcastSettings, Purpose
from broadcasts.services.rendering import known_variables
from contacts.models import Audience
from content.selectors import approved_templates
from emails.models import EmailTemplate
from provisioning.selectors import active_numbers, messaging_service_for
from tenants.models import Tenant

CHANNEL_CHOICES = [
    ("sms", "SMS"),
    ("whatsapp", "WhatsApp (approved template)"),
    ("email", "Email"),
]


def sender_choices(tenant: Tenant) -> list[tuple[str, str]]:
    choices = [("", "Automatic: your messaging service, else your primary number")]
    service = messaging_service_for(tenant)
    if service is not None:
        choices.append((f"service:{service.sid}", f"Messaging service {service.sid}"))
    for number in active_numbers(tenant).order_by("phone_number"):
        suffix = " (WhatsApp too)" if number.whatsapp_enabled else ""
        choices.append((f"number:{number.phone_number}", f"{number.phone_number}{suffix}"))
    return choices


class BroadcastForm(forms.Form):
    name = forms.CharField(max_length=200)
    channel = forms.ChoiceField(choices=CHANNEL_CHOICES, initial="sms")
    purpose = forms.ChoiceField(
        choices=Purpose.choices,
        initial=Purpose.MARKETING,
        help_text="Marketing goes only to contacts who opted in, and keeps to quiet hours.",
    )
    audience = forms.ModelChoiceField(queryset=Audience.objects.none(), empty_label=None)
    sender = forms.ChoiceField(label="Send from", required=False, help_text="SMS and WhatsApp.")
    from_email = forms.EmailField(
        label="From address",
        required=False,
        max_length=254,
        help_text="Email: an address on one of your verified sending domains (or a verified "
        "address).",
    )
    subject = forms.CharField(label="Subject", required=False, max_length=998)
    html = forms.CharField(
        label="HTML",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Email: the HTML part (sanitised when sent; marketing email gets an "
        "unsubscribe link). The text part is made from it when Text is empty.",
    )
    email_template = forms.ModelChoiceField(
        label="Email template",
        queryset=EmailTemplate.objects.none(),
        required=False,
        empty_label="(none: write the subject and content here)",
    )
    body = forms.CharField(
        label="Text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    template = forms.ModelChoiceField(
        label="WhatsApp template", queryset=None, required=False, empty_label="(none)"
    )
    template_variables_text = forms.CharField(
        label="Template variables",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: <code>1=Hi {{first_name}}</code>.",
    )
    scheduled_at = forms.DateTimeField(
        label="Send at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave empty to send when you launch it.",
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["audience"].queryset = Audience.objects.for_tenant(tenant)
        self.fields["template"].queryset = approved_templates(tenant)
        self.fields["email_template"].queryset = EmailTemplate.objects.for_tenant(tenant)
        self.fields["sender"].choices = sender_choices(tenant)
        names = ", ".join(f"{{{{{name}}}}}" for name in known_variables(tenant.pk))
        self.fields["body"].help_text = (
            f"Variables: {names}. A fallback for an empty value: {{{{first_name|there}}}}. "
            "For email, the text part (made from the HTML when empty)."
        )

    @classmethod
    def initial_for(cls, broadcast: Broadcast) -> dict[str, Any]:
        sender = ""
        if broadcast.channel == "email":
            sender = ""
        elif broadcast.from_number:
            sender = f"number:{broadcast.from_number}"
        elif broadcast.messaging_service_sid:
            sender = f"service:{broadcast.messaging_service_sid}"
        lines = "\n".join(f"{k}={v}" for k, v in (broadcast.template_variables or {}).items())
        return {
            "name": broadcast.name, "channel": broadcast.channel, "purpose": broadcast.purpose,
            "audience": broadcast.audience_id, "sender": sender, "body": broadcast.body,
            "template": broadcast.template_id, "template_variables_text": lines,
            "scheduled_at": broadcast.scheduled_at, "subject": broadcast.subject,
            "html": broadcast.html, "email_template": broadcast.email_template_id,
            "from_email": broadcast.from_number if broadcast.channel == "email" else "",
        }  # fmt: skip

    def clean_template_variables_text(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for line in self.cleaned_data["template_variables_text"].splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise forms.ValidationError(f"Write each variable as key=value: {line[:40]}")
            values[key.strip()] = value.strip()
        return values

    def service_values(self) -> dict[str, Any]:
        """The services' keyword arguments (the other channels' fields left out)."""
        data = self.cleaned_data
        if data["channel"] == "email":
            return self._email_values(data)
        kind, _, value = (data.get("sender") or "").partition(":")
        template = data.get("template")
        return {
            "name": data["name"],
            "channel": data["channel"],
            "purpose": data["purpose"],
            "audience": data["audience"].pk,
            "body": data.get("body", ""),
            "template": template.pk if template else None,
            "template_variables": data.get("template_variables_text") or {},
            "from_number": value if kind == "number" else "",
            "messaging_service_sid": value if kind == "service" else "",
            "scheduled_at": data.get("scheduled_at"),
        }

    @staticmethod
    def _email_values(data: dict[str, Any]) -> dict[str, Any]:
        template = data.get("email_template")
        return {
            "name": data["name"],
            "channel": "email",
            "purpose": data["purpose"],
            "audience": data["audience"].pk,
            "body": data.get("body", ""),
            "subject": data.get("subject", ""),
            "html": data.get("html", ""),
            "email_template": template.pk if template else None,
            "from_number": data.get("from_email", ""),
            "scheduled_at": data.get("scheduled_at"),
        }

    def attach(self, error) -> None:
        """The services' ValidationError on the fields it names."""
        email = self.cleaned_data.get("channel") == "email"
        targets = {"template_variables": "template_variables_text",
                   "from_number": "from_email" if email else "sender",
                   "messaging_service": "sender"}  # fmt: skip
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for field, problems in error.message_dict.items():
            target = targets.get(field, field)
            self.add_error(target if target in self.fields else None, problems)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = BroadcastSettings
        fields = ["opt_out_pause_rate", "filtering_pause_rate", "min_sample"]
        labels = {
            "opt_out_pause_rate": "Pause at opt-out rate",
            "filtering_pause_rate": "Pause at carrier-filtering rate",
            "min_sample": "Judge rates after this many messages",
        }
        help_texts = {
            "opt_out_pause_rate": "A share: 0.02 pauses when more than 2% of recipients reply "
            "STOP.",
            "filtering_pause_rate": "A share: 0.05 pauses when more than 5% of finished "
            "messages were filtered by the carriers (30007 and friends).",
        }
