from django import forms


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app (or, where allowed, a recovery code)."""

    code = forms.CharField(label="Code from your authenticator app", max_length=32)

    def __init__(self, *args, recovery_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.widget.attrs.update(autocomplete="one-time-code", autofocus=True, spellcheck="false")
        if recovery_allowed:
            field.label = "Authentication code"
            field.help_text = "The 6 digits your app shows, or one of your recovery codes."
        else:
            field.widget.attrs.update(inputmode="numeric", pattern="[0-9 ]*")


class SecurityPolicyForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label="Require two-factor sign-in of every member",
        required=False,
        help_text="Members without an authenticator app are asked to set one up on their "
        "next page. Integrations using API keys are not affected.",
    )
