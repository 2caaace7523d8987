"""The portal's template form: the authored fields, buttons one per line and samples one per
line, turned into the services' data (and into an unsaved template for the live preview)."""

from typing import Any

from django import forms

from content.models import MessageTemplate
from content.services.authoring import AUTHORED_FIELDS
from content.vocab import ButtonKind, Category, ContentKind

BUTTONS_HELP = (
    "One per line: <code>Title | what it does</code>. Quick reply: a payload "
    "(<code>Yes | yes</code>); call to action: an https link or a phone number "
    "(<code>Track it | https://shop.example.com/t/{{3}}</code>, "
    "<code>Call us | +14155550100</code>); "
    "authentication: the copy button's text."
)
SAMPLES_HELP = "One per line, in order: the first line fills {{1}}, the second {{2}}…"
MAX_LINES = 100


class TemplateForm(forms.Form):
    name = forms.CharField(
        max_length=512,
        help_text="Lower-case letters, digits and _ (WhatsApp's rule), e.g. order_update.",
    )
    language = forms.CharField(max_length=16, initial="en", help_text="e.g. en, en_US, pt_BR.")
    category = forms.ChoiceField(choices=Category.choices, initial=Category.UTILITY)
    content_type = forms.ChoiceField(
        label="Type", choices=ContentKind.choices, initial=ContentKind.TEXT
    )
    body = forms.CharField(
        required=False,
        max_length=1600,
        widget=forms.Textarea(attrs={"rows": 5}),
        strip=False,
        help_text="Variables as {{1}}, {{2}}. Authentication templates: WhatsApp writes the text.",
    )
    footer = forms.CharField(required=False, max_length=60, help_text="Cards only; 60 characters.")
    media_url = forms.URLField(
        label="Media URL", required=False, max_length=500, assume_scheme="https"
    )
    buttons_text = forms.CharField(
        label="Buttons", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=BUTTONS_HELP,
    )  # fmt: skip
    samples_text = forms.CharField(
        label="Sample values", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=SAMPLES_HELP,
    )  # fmt: skip
    code_expiration_minutes = forms.IntegerField(
        label="Code expires after (minutes)", required=False, min_value=1, max_value=90
    )
    add_security_recommendation = forms.BooleanField(
        label="Add WhatsApp's “do not share this code” line", required=False, initial=True
    )

    @staticmethod
    def initial_for(template: MessageTemplate) -> dict[str, Any]:
        initial = {name: getattr(template, name) for name in AUTHORED_FIELDS}
        initial["buttons_text"] = "\n".join(_button_line(b) for b in template.buttons or [])
        samples = template.variables or {}
        keys = sorted(samples, key=lambda k: (not k.isdigit(), int(k) if k.isdigit() else 0, k))
        initial["samples_text"] = "\n".join(str(samples[k]) for k in keys)
        return initial

    def clean_buttons_text(self) -> str:
        text = self.cleaned_data["buttons_text"]
        if len(text.splitlines()) > MAX_LINES:
            raise forms.ValidationError(f"At most {MAX_LINES} lines.")
        return text

    def clean_samples_text(self) -> str:
        text = self.cleaned_data["samples_text"]
        if len(text.splitlines()) > MAX_LINES or any(len(x) > 1600 for x in text.splitlines()):
            raise forms.ValidationError(f"At most {MAX_LINES} lines of 1,600 characters.")
        return text

    def data_for_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in AUTHORED_FIELDS}
        kind = data["content_type"]
        data["buttons"] = [
            _button(kind, line) for line in self.cleaned_data["buttons_text"].splitlines()
            if line.strip()
        ]  # fmt: skip
        lines = [line.strip() for line in self.cleaned_data["samples_text"].splitlines()]
        data["variables"] = {str(i): value for i, value in enumerate(lines, 1) if value}
        if data.get("add_security_recommendation") is None:
            data["add_security_recommendation"] = False
        return data

    def unsaved(self, tenant) -> MessageTemplate:
        """The form as a template nobody saved, for the preview and the lint."""
        return MessageTemplate(tenant=tenant, **self.data_for_service())


def _button(kind: str, line: str) -> dict[str, str]:
    title, _, target = (part.strip() for part in line.partition("|"))
    if kind == ContentKind.AUTHENTICATION:
        return {"type": ButtonKind.COPY_CODE, "title": title}
    if kind in (ContentKind.QUICK_REPLY,) or (kind == ContentKind.CARD and not target):
        return {"type": ButtonKind.QUICK_REPLY, "title": title, "id": target or title}
    if target.startswith("+"):
        return {"type": ButtonKind.PHONE_NUMBER, "title": title, "phone": target}
    if kind == ContentKind.CARD and not target.startswith("http"):
        return {"type": ButtonKind.QUICK_REPLY, "title": title, "id": target}
    return {"type": ButtonKind.URL, "title": title, "url": target}


def _button_line(button: dict) -> str:
    target = button.get("url") or button.get("phone") or button.get("id") or ""
    if button.get("type") == ButtonKind.COPY_CODE or target == button.get("title"):
        return str(button.get("title", ""))
    return f"{button.get('title', '')} | {target}"
