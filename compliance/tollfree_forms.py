"""The toll-free verification form: it shapes the input; the pre-flight rules decide what is
valid. The business facts aren't asked: they come from the business profile."""

from typing import Any

from django import forms

from compliance.validation import tollfree as rules

HELP = {
    "notification_email": "Twilio writes here about this verification.",
    "use_case_summary": "Who receives what from you, and why. At least 40 characters.",
    "production_message_sample": "A real message exactly as you'll send it: your business "
    "name first, 'Reply STOP to opt out' at the end, no link shorteners.",
    "opt_in_image_urls": "One per line: public links to a screenshot or page that shows how "
    "people agree (the web form, the keyword ad, the paper form).",
    "opt_in_keywords": "Comma-separated, e.g. START, JOIN (needed for text opt-in).",
    "additional_information": "For verbal opt-in: the script your staff read.",
    "age_gated_content": "Alcohol, tobacco, cannabis, firearms, gambling…",
    "edit_reason": "What you fixed (Twilio reads this when it reviews the edit).",
}
WIDE = {
    "use_case_summary",
    "production_message_sample",
    "opt_in_image_urls",
    "additional_information",
    "help_message_sample",
    "opt_in_confirmation_message",
}


def _text(label: str, *, area: bool = False, max_length: int = 1024) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3}) if area else forms.TextInput()
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget)


class TollFreeForm(forms.Form):
    notification_email = _text("Notification email", max_length=254)
    use_case_categories = forms.MultipleChoiceField(
        label="Use cases",
        required=False,
        choices=list(rules.USE_CASE_CATEGORIES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    use_case_summary = _text("Use case summary", area=True, max_length=4096)
    production_message_sample = _text("Sample message", area=True)
    opt_in_type = forms.ChoiceField(
        label="How people opt in",
        required=False,
        choices=[("", "Choose…"), *rules.OPT_IN_TYPES.items()],
    )
    opt_in_image_urls = _text("Opt-in proof URLs", area=True, max_length=4096)
    message_volume = forms.ChoiceField(
        label="Messages per month",
        required=False,
        choices=[("", "Choose…"), *((v, v) for v in rules.MESSAGE_VOLUMES)],
    )
    opt_in_keywords = _text("Opt-in keywords", max_length=200)
    opt_in_confirmation_message = _text("Opt-in confirmation message", area=True)
    help_message_sample = _text("HELP reply", area=True)
    privacy_policy_url = _text("Privacy policy URL")
    terms_url = _text("Terms and conditions URL")
    age_gated_content = forms.BooleanField(label="Age-gated content", required=False)
    additional_information = _text("Additional information", area=True, max_length=4096)
    edit_reason = _text("What you fixed", max_length=500)

    def __init__(self, *args, read_only: bool = False, resubmit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not resubmit:
            del self.fields["edit_reason"]
        for name, field in self.fields.items():
            field.help_text = HELP.get(name, "")
            field.disabled = read_only

    @staticmethod
    def initial_from(data: dict[str, Any]) -> dict[str, Any]:
        initial = dict(data)
        initial["opt_in_image_urls"] = "\n".join(data.get("opt_in_image_urls") or [])
        initial["opt_in_keywords"] = ", ".join(data.get("opt_in_keywords") or [])
        return initial

    def submission(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["opt_in_image_urls"] = data.get("opt_in_image_urls", "").split()
        data["opt_in_keywords"] = [
            k.strip() for k in data.get("opt_in_keywords", "").split(",") if k.strip()
        ]
        return data
