"""The portal's email forms: shapes and lengths only; the services check the rules and
their field-named errors land back on these fields."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from content.rendering import MAX_VALUE_LENGTH
from emails.models import EmailIdentity, EmailTemplate, EspCredentials

MAX_VARIABLES = 50


def attach_errors(form: forms.Form, error: ValidationError, aliases: dict | None = None) -> None:
    """A service's field-named errors on the form's fields (the rest at the top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        target = (aliases or {}).get(name, name)
        form.add_error(target if target in form.fields else None, problems)


def no_nul(value: str) -> None:
    if "\x00" in (value or ""):
        raise ValidationError("Remove the NUL character (\\x00).")


def parse_variables(raw: str) -> dict[str, str]:
    """`name=value` lines as a dict (blank lines skipped)."""
    values: dict[str, str] = {}
    for number, line in enumerate((raw or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise ValidationError(f"Line {number}: write name=value.")
        if len(value) > MAX_VALUE_LENGTH:
            raise ValidationError(f"Line {number}: keep a value to {MAX_VALUE_LENGTH} characters.")
        values[name.strip()] = value.strip()
    if len(values) > MAX_VARIABLES:
        raise ValidationError(f"At most {MAX_VARIABLES} variables.")
    return values


class VariablesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "first_name=Ana"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20_000)
        kwargs.setdefault("help_text", "One <code>name=value</code> per line for {{name}}.")
        super().__init__(validators=[no_nul], **kwargs)

    def clean(self, value):
        return parse_variables(super().clean(value))


class IdentityForm(forms.Form):
    name = forms.CharField(
        label="Domain or address",
        max_length=EmailIdentity._meta.get_field("name").max_length,
        validators=[no_nul],
        help_text="A domain such as <code>example.com</code> (you publish three DKIM records) "
        "or one address such as <code>news@example.com</code>.",
    )


def _part(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        max_length=settings.EMAIL_MAX_HTML_CHARS,
        validators=[no_nul],
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "mono"}),
        help_text=help_text,
    )


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=100, validators=[no_nul])
    category = forms.ChoiceField(
        choices=EmailTemplate.Category.choices, initial=EmailTemplate.Category.MARKETING
    )
    subject = forms.CharField(max_length=998, validators=[no_nul])
    html = _part("HTML", "Sanitised when saved: scripts, event handlers and forms are removed.")
    text = _part("Text", "Leave blank to generate it from the HTML.")

    @classmethod
    def initial_for(cls, template: EmailTemplate) -> dict:
        return {
            "name": template.name,
            "category": template.category,
            "subject": template.subject,
            "html": template.html,
            "text": "" if template.text_generated else template.text,
        }


class PreviewForm(forms.Form):
    """The editor's live preview: the draft's parts and sample values, all optional."""

    subject = forms.CharField(required=False, max_length=998, validators=[no_nul])
    html = _part("HTML", "")
    text = _part("Text", "")
    variables = VariablesField(label="Sample values")


class CredentialsForm(forms.Form):
    access_key_id = forms.CharField(
        label="Access key id",
        max_length=EspCredentials._meta.get_field("access_key_id").max_length,
        validators=[no_nul],
    )
    secret_access_key = forms.CharField(
        label="Secret access key",
        max_length=128,
        validators=[no_nul],
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Encrypted when saved and never shown again.",
    )
    region = forms.RegexField(
        regex=r"^[a-z]{2}(-[a-z]+)+-\d$",
        max_length=32,
        initial="us-east-1",
        error_messages={"invalid": "Enter an AWS region such as us-east-1."},
    )


class SuppressForm(forms.Form):
    address = forms.EmailField(max_length=254, validators=[no_nul])
    reason = forms.CharField(required=False, max_length=500, validators=[no_nul])


class EmailComposeForm(forms.Form):
    to = forms.EmailField(max_length=254, validators=[no_nul])
    from_ = forms.EmailField(
        label="From",
        max_length=254,
        validators=[no_nul],
        widget=forms.EmailInput(attrs={"list": "from-suggestions"}),
        help_text="An address at one of your verified sending identities.",
    )
    from_name = forms.CharField(
        label="From name",
        required=False,
        max_length=100,
        validators=[no_nul],
        help_text="Shown beside the address in the inbox, e.g. your business name.",
    )
    template = forms.ChoiceField(label="Email template", required=False)
    variables = VariablesField(label="Template values")
    subject = forms.CharField(required=False, max_length=998, validators=[no_nul])
    html = _part("HTML", "Sanitised before it is sent.")
    text = _part("Text", "Generated from the HTML when left blank.")
    category = forms.ChoiceField(
        choices=[("transactional", "Transactional"), ("marketing", "Marketing (unsubscribe link)")],
        initial="transactional",
    )

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "No template: write it below")] + [
            (str(t.pk), t.name) for t in templates
        ]

    def clean(self):
        cleaned = super().clean()
        parts = (cleaned.get("html") or "", cleaned.get("text") or "")
        if not cleaned.get("template") and not any(p.strip() for p in parts):
            self.add_error("html", "Write the HTML part, the text part, or pick a template.")
        return cleaned
