"""Portal forms of the "Connect WhatsApp" flow (Meta's rules are checked by the service)."""

import secrets

from django import forms

from whatsapp.models import VerificationMethod
from whatsapp.validation import (
    ABOUT_MAX,
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    MAGIC_HINT,
    VERTICALS,
)

# Sandbox outcomes of the simulated signup: the WABA id prefixes the sandbox reads.
OUTCOMES = {
    "normal": ("1", "Goes online once verified"),
    "review": ("777", "Goes through Twilio's review before online"),
    "offline": ("666", "Goes online, then offline a minute later"),
    "unusable": ("000", "Twilio cannot use the account (63101)"),
}


class SimulatedSignupForm(forms.Form):
    """The sandbox's stand-in for Meta's Embedded Signup: answers a WABA id."""

    business_name = forms.CharField(max_length=120, label="Business name in Meta")
    outcome = forms.ChoiceField(
        choices=[(key, label) for key, (_, label) in OUTCOMES.items()],
        initial="normal",
        help_text=MAGIC_HINT,
    )

    def waba_id(self) -> str:
        prefix = OUTCOMES[self.cleaned_data["outcome"]][0]
        return prefix + "".join(str(secrets.randbelow(10)) for _ in range(15 - len(prefix)))


class WabaIdForm(forms.Form):
    """Live mode: the WABA id Meta's Embedded Signup handed to the page."""

    waba_id = forms.CharField(max_length=64)


class SenderDetailsForm(forms.Form):
    phone_number = forms.ChoiceField(label="Number")
    display_name = forms.CharField(
        max_length=256,
        help_text="Shown to customers in WhatsApp. Meta reviews it: name your business, no "
        '"WhatsApp", normal capitals.',
    )
    vertical = forms.ChoiceField(
        choices=[("", "Choose your industry")] + [(v, v) for v in VERTICALS], required=False
    )
    about = forms.CharField(
        max_length=ABOUT_MAX, required=False, help_text=f"Up to {ABOUT_MAX} characters."
    )
    description = forms.CharField(
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Up to {DESCRIPTION_MAX} characters.",
    )
    address = forms.CharField(max_length=ADDRESS_MAX, required=False)
    email = forms.EmailField(max_length=128, required=False)
    website_1 = forms.URLField(
        max_length=256, required=False, assume_scheme="https", label="Website"
    )
    website_2 = forms.URLField(
        max_length=256, required=False, assume_scheme="https", label="Second website"
    )
    logo_url = forms.URLField(
        max_length=2048,
        required=False,
        assume_scheme="https",
        label="Logo URL",
        help_text="A public https image.",
    )
    verification_method = forms.ChoiceField(
        choices=VerificationMethod.choices,
        initial=VerificationMethod.SMS,
        label="Send the verification code by",
    )

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone_number"].choices = [(str(n.pk), n.phone_number) for n in numbers]

    def submission(self) -> dict:
        data = dict(self.cleaned_data)
        data["websites"] = [u for u in (data.pop("website_1"), data.pop("website_2")) if u]
        data.pop("phone_number")
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=16,
        label="Verification code",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
