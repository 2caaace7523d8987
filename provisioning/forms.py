"""Portal forms of onboarding and numbers: they check the input's shape; services decide."""

from django import forms

from provisioning.models import NumberType
from tenants.forms import PHONE_HELP
from tenants.models import BusinessProfile

PROFILE_FIELDS = (
    "website",
    "business_type",
    "industry",
    "address_street",
    "address_city",
    "address_region",
    "address_postal_code",
    "address_country",
    "contact_phone",
)


class SignupForm(forms.Form):
    """Self-service sign-up: the person, the business, its profile essentials."""

    FIELDSETS = (
        (
            "You",
            "You become the owner of the business's account.",
            ("first_name", "last_name", "email", "password"),
        ),
        (
            "Your business",
            "Carriers and Twilio check these facts later.",
            ("business_name", *PROFILE_FIELDS),
        ),
        (
            "Your first number",
            "Optional: we buy a number in this area code once your Twilio subaccount is ready.",
            ("area_code",),
        ),
    )

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(
        max_length=150, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    business_name = forms.CharField(max_length=200, label="Business (legal) name")
    website = forms.URLField(required=False, assume_scheme="https")
    business_type = forms.ChoiceField(
        choices=[("", "—"), *BusinessProfile.BusinessType.choices], required=False
    )
    industry = forms.CharField(max_length=64, required=False)
    address_street = forms.CharField(max_length=200, required=False, label="Street")
    address_city = forms.CharField(max_length=100, required=False, label="City")
    address_region = forms.CharField(max_length=100, required=False, label="State / region")
    address_postal_code = forms.CharField(max_length=20, required=False, label="Postal code")
    address_country = forms.CharField(max_length=2, required=False, initial="US", label="Country")
    contact_phone = forms.CharField(
        max_length=32, required=False, label="Business phone", help_text=PHONE_HELP
    )
    area_code = forms.RegexField(
        r"^\d{3}$",
        required=False,
        label="Area code",
        help_text="Three digits, like 415.",
        error_messages={"invalid": "An area code has three digits."},
    )

    def fieldsets(self):
        for title, description, names in self.FIELDSETS:
            yield title, description, [self[name] for name in names]

    def profile_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in PROFILE_FIELDS}
        data["address_country"] = (data.get("address_country") or "US").upper()
        data["legal_name"] = self.cleaned_data["business_name"]
        return {k: v for k, v in data.items() if v not in (None, "")}


class NumberSearchForm(forms.Form):
    country = forms.RegexField(r"^[A-Za-z]{2}$", initial="US", max_length=2, required=False)
    type = forms.ChoiceField(choices=NumberType.choices, initial=NumberType.LOCAL, required=False)
    area_code = forms.RegexField(
        r"^\d{3}$",
        required=False,
        error_messages={"invalid": "An area code has three digits."},
    )
    contains = forms.RegexField(
        r"^[0-9A-Za-z*]{2,16}$",
        required=False,
        help_text="Digits or letters; * matches any digit.",
        error_messages={"invalid": "Use 2 to 16 digits or letters (* for any digit)."},
    )
    region = forms.RegexField(
        r"^[A-Za-z]{2}$",
        required=False,
        label="State",
        help_text="Two letters: CA, ON.",
        error_messages={"invalid": "Use the two-letter code, like CA or ON."},
    )
    postal_code = forms.RegexField(
        r"^[0-9A-Za-z][0-9A-Za-z -]{1,8}[0-9A-Za-z]$",
        required=False,
        label="ZIP / postal",
        error_messages={"invalid": "Use a ZIP or postal code, like 94103."},
    )
    sms = forms.BooleanField(required=False, initial=True, label="SMS")
    mms = forms.BooleanField(required=False, label="MMS")
    voice = forms.BooleanField(required=False, label="Voice")

    def capability_fields(self):
        return [self[name] for name in ("sms", "mms", "voice")]


class NumberBuyForm(forms.Form):
    phone_number = forms.CharField(max_length=32, widget=forms.HiddenInput)
    type = forms.ChoiceField(choices=NumberType.choices, widget=forms.HiddenInput, required=False)
    friendly_name = forms.CharField(max_length=64, required=False, label="Label (optional)")


class TwilioAccountForm(forms.Form):
    """The tenant's own Twilio account: the token field never renders the value back."""

    twilio_account_sid = forms.RegexField(
        r"^AC[0-9a-fA-F]{32}$",
        max_length=34,
        label="Account SID",
        help_text="AC followed by 32 characters (Twilio Console, Account info).",
        error_messages={"invalid": "An account SID is AC followed by 32 hexadecimal characters."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    twilio_auth_token = forms.CharField(
        max_length=64,
        label="Auth token",
        help_text="Checked with Twilio, stored encrypted, never shown again. Always needed: "
        "Twilio signs your account's callbacks with it.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
    )
    twilio_api_key_sid = forms.CharField(
        max_length=34,
        required=False,
        label="API key SID (optional)",
        help_text="A standard API key (SK…): the platform's REST calls then sign with it.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    twilio_api_key_secret = forms.CharField(
        max_length=64,
        required=False,
        label="API key secret",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
    )
