"""The 10DLC wizard's form: it shapes the input; the pre-flight rules decide what is valid."""

from django import forms

from compliance import vocab
from compliance.selectors import FIELD_LABELS
from compliance.validation import BOOL_FIELDS, FORM_FIELDS, LIST_FIELDS
from tenants.models import BusinessProfile


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "Choose…"), *choices]


HELP = {
    "legal_name": "Exactly as on your IRS EIN letter (CP 575), including LLC, Inc…",
    "dba_name": "The name customers know you by, if different. Your messages must show it.",
    "ein": "9 digits, like 12-3456789. Leave empty only for a sole proprietor without an EIN.",
    "website": "Carriers visit it to check that your business is real.",
    "rep_phone": "A mobile number; sole proprietors receive a one-time passcode on it.",
    "rep_business_title": "For example Owner, Founder, Operations manager.",
    "contact_email": "Used in your HELP reply so recipients can reach you.",
    "brand_type": "",
    "use_case": "What most of your messages are about.",
    "description": "Who sends what to whom, and why. At least 40 characters.",
    "message_flow": "Where and how people agree to receive your texts (web form with an "
    "unchecked box, texting a keyword, paper form…) and what they agree to.",
    "sample_messages": "One per line, 2 to 5, exactly as you'll send them. Start each with your "
    "brand name; end at least one with 'Reply STOP to opt out'.",
    "opt_in_keywords": "Comma-separated, e.g. START, JOIN. Leave empty if people can't text in "
    "to subscribe.",
    "opt_out_keywords": "Comma-separated; must include STOP.",
    "help_keywords": "Comma-separated; must include HELP.",
    "opt_in_message": "Sent when someone texts an opt-in keyword: brand, what they'll receive, "
    "'Msg & data rates may apply', how to opt out.",
    "opt_out_message": "Sent when someone texts STOP: brand and confirmation that no more "
    "messages will come.",
    "help_message": "Sent when someone texts HELP: brand and how to reach you.",
    "age_gated": "Alcohol, tobacco, cannabis, firearms, gambling…",
    "direct_lending": "Loans, credit lines, cash advances.",
}

WIDE = {
    "legal_name",
    "description",
    "message_flow",
    "sample_messages",
    "opt_in_message",
    "opt_out_message",
    "help_message",
    "address_street",
}

# The wizard's steps: title, what it is for in plain words, fields.
STEPS = (
    (
        "Your business",
        "These facts go to Twilio's Trust Hub and the carriers, who check them against public "
        "records. They are saved to your business profile.",
        (
            "legal_name",
            "dba_name",
            "business_type",
            "company_type",
            "industry",
            "ein",
            "website",
            "regions_of_operation",
            "stock_exchange",
            "stock_ticker",
            "brand_contact_email",
        ),
    ),
    (
        "Address",
        "The registered street address of the business (no PO boxes).",
        (
            "address_street",
            "address_street2",
            "address_city",
            "address_region",
            "address_postal_code",
            "address_country",
        ),
    ),
    (
        "Authorized representative",
        "The person who can speak for the business. Carriers may contact them.",
        (
            "rep_first_name",
            "rep_last_name",
            "rep_email",
            "rep_phone",
            "rep_business_title",
            "rep_job_position",
            "contact_email",
            "contact_phone",
        ),
    ),
    (
        "Brand type",
        "How the carriers register your brand; it decides cost and how fast you may send.",
        ("brand_type",),
    ),
    (
        "Campaign: what you send",
        "The carriers approve a use case, not individual messages. Describe it honestly; "
        "vague descriptions are the most common reason for rejection.",
        (
            "use_case",
            "description",
            "sample_messages",
            "has_embedded_links",
            "has_embedded_phone",
            "age_gated",
            "direct_lending",
        ),
    ),
    (
        "Campaign: consent and keywords",
        "How people opt in, and the automatic replies to STOP, HELP and opt-in keywords.",
        (
            "message_flow",
            "opt_in_keywords",
            "opt_in_message",
            "opt_out_keywords",
            "opt_out_message",
            "help_keywords",
            "help_message",
            "privacy_policy_url",
            "terms_url",
        ),
    ),
)

CHOICES = {
    "business_type": _blank(BusinessProfile.BusinessType.choices),
    "company_type": _blank(vocab.CompanyType.choices),
    "brand_type": list(vocab.BrandType.choices),
    "industry": _blank((i, i.replace("_", " ").title()) for i in vocab.INDUSTRIES),
    "use_case": _blank(vocab.USE_CASES.items()),
    "rep_job_position": _blank((p, p) for p in vocab.JOB_POSITIONS),
    "regions_of_operation": [(r, r.replace("_", " ").title()) for r in vocab.REGIONS_OF_OPERATION],
    "stock_exchange": _blank((s, s) for s in vocab.STOCK_EXCHANGES),
}


class RegistrationForm(forms.Form):
    """Every field of the 10DLC form, optional here: pre-flight reports what is missing."""

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FORM_FIELDS:
            label = FIELD_LABELS.get(name, name)
            help_text = HELP.get(name, "")
            if name == "brand_type":
                help_text = " ".join(
                    f"<b>{vocab.BrandType(k).label}</b>: {v}"
                    for k, v in vocab.BRAND_TYPE_HELP.items()
                )
            if name in CHOICES:
                field = forms.ChoiceField(
                    label=label, choices=CHOICES[name], required=False, help_text=help_text
                )
            elif name in BOOL_FIELDS:
                field = forms.BooleanField(label=label, required=False, help_text=help_text)
            elif name == "sample_messages":
                field = forms.CharField(
                    label=label,
                    required=False,
                    help_text=help_text,
                    widget=forms.Textarea(attrs={"rows": 5}),
                )
            elif name in ("description", "message_flow") or name.endswith("_message"):
                field = forms.CharField(
                    label=label,
                    required=False,
                    help_text=help_text,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            else:
                field = forms.CharField(label=label, required=False, help_text=help_text)
            if read_only:
                field.disabled = True
            self.fields[name] = field

    @staticmethod
    def initial_from(data: dict) -> dict:
        """Form values from a submission dict (lists shown one per line or comma-separated)."""
        initial = dict(data)
        for name in LIST_FIELDS:
            items = data.get(name) or []
            separator = "\n" if name == "sample_messages" else ", "
            initial[name] = separator.join(items) if isinstance(items, list) else items
        return initial

    def submission(self) -> dict:
        data = dict(self.cleaned_data)
        data["sample_messages"] = [
            line.strip()
            for line in (data.get("sample_messages") or "").splitlines()
            if line.strip()
        ]
        return data

    def steps(self):
        for number, (title, description, names) in enumerate(STEPS, start=1):
            yield number, title, description, [self[name] for name in names]
