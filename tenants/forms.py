"""Portal forms: they check the shape of the input; the services decide what is valid."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError

from isvplatform.public import public_is_https, public_netloc
from tenants.models import APIKey, BusinessProfile, Membership
from tenants.services import PROFILE_EDITABLE_FIELDS

PHONE_HELP = "In international format, like +14155550123."


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside its fields where it names them."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class PublicPasswordResetForm(PasswordResetForm):
    """Reset links point at PUBLIC_BASE_URL, whatever Host header the request came with."""

    def save(self, **kwargs) -> None:
        kwargs.update(domain_override=public_netloc(), use_https=public_is_https())
        super().save(**kwargs)


class BusinessProfileForm(forms.Form):
    """The editable business-profile fields, grouped for display.

    A plain form (not a ModelForm) so that phone numbers in national format reach
    `business_profile_update`, which normalizes them and validates the profile as a whole.
    """

    FIELDSETS = (
        (
            "Business",
            "The legal facts carriers and Twilio check when you register.",
            (
                "legal_name",
                "dba_name",
                "business_type",
                "industry",
                "registration_number",
                "website",
            ),
        ),
        (
            "Address",
            "The registered address of the business.",
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
            "The person who can speak for the business.",
            ("owner_first_name", "owner_last_name", "owner_email", "owner_phone"),
        ),
        (
            "Contact",
            "Where we and the carriers reach the business.",
            ("contact_email", "contact_phone"),
        ),
        (
            "Messaging",
            "What you send, and how recipients agree to receive it.",
            ("monthly_volume", "use_case", "opt_in_language", "tcpa_compliant", "gdpr_compliant"),
        ),
    )
    WIDE_FIELDS = ("use_case", "opt_in_language", "address_street", "address_street2")

    def __init__(self, *args, profile: BusinessProfile, read_only: bool = False, **kwargs):
        kwargs.setdefault(
            "initial", {name: getattr(profile, name) for name in PROFILE_EDITABLE_FIELDS}
        )
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                BusinessProfile,
                fields=PROFILE_EDITABLE_FIELDS,
                widgets={
                    "use_case": forms.Textarea(attrs={"rows": 3}),
                    "opt_in_language": forms.Textarea(attrs={"rows": 3}),
                    "owner_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                    "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                    "address_country": forms.TextInput(attrs={"size": 2, "maxlength": 2}),
                },
                labels={
                    "address_street": "Street",
                    "address_street2": "Street, line 2",
                    "address_city": "City",
                    "address_postal_code": "Postal code",
                    "address_country": "Country",
                    "owner_first_name": "First name",
                    "owner_last_name": "Last name",
                    "owner_email": "Email",
                    "owner_phone": "Phone",
                    "contact_email": "Email",
                    "contact_phone": "Phone",
                    "opt_in_language": "Opt-in language",
                },
                help_texts={
                    "owner_phone": PHONE_HELP,
                    "contact_phone": PHONE_HELP,
                    "address_country": "Two-letter code, like US.",
                    "use_case": "Describe the messages you send and who receives them.",
                    "opt_in_language": "The words people see when they agree to receive messages.",
                },
                formfield_callback=_profile_formfield,
            )
        )
        for field in self.fields.values():
            field.disabled = read_only

    def fieldsets(self):
        for title, description, names in self.FIELDSETS:
            yield title, description, [self[name] for name in names]


def _profile_formfield(model_field, **kwargs):
    if model_field.name == "website":
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class MemberInviteForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"placeholder": "name@example.com"}))
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)

    def __init__(self, *args, can_grant_owner: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(can_grant_owner)


def role_choices(can_grant_owner: bool) -> list[tuple[str, str]]:
    """Only owners may make someone an owner."""
    return [
        (value, label)
        for value, label in Membership.Role.choices
        if can_grant_owner or value != Membership.Role.OWNER
    ]


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class APIKeyCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"placeholder": "e.g. Production server"})
    )
    scopes = forms.MultipleChoiceField(
        choices=APIKey.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[APIKey.Scope.READ, APIKey.Scope.WRITE],
        help_text="Read lets the key look; write lets it change things and send messages.",
    )

    def clean_scopes(self) -> list[str]:
        scopes = self.cleaned_data["scopes"]
        if not scopes:
            raise ValidationError("Choose at least one scope.")
        return scopes
