from django import forms

from privacy.models import SubjectKind


class ErasureForm(forms.Form):
    """Who to forget: a phone number or an email address (the service validates it)."""

    kind = forms.ChoiceField(
        label="Forget by", choices=SubjectKind.choices, initial=SubjectKind.PHONE
    )
    value = forms.CharField(
        label="Phone number or email address",
        max_length=254,
        help_text="A phone number in E.164 (+14155550123), or an email address.",
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def subject(self) -> dict[str, str]:
        """The service's keyword: `phone=` or `email=`."""
        return {self.cleaned_data["kind"]: self.cleaned_data["value"]}
