"""Portal forms of tenant webhooks."""

from django import forms

from webhooks.models import EventType


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL", max_length=500, help_text="https:// address of your receiver."
    )
    description = forms.CharField(required=False, max_length=200)
    event_types = forms.MultipleChoiceField(
        label="Events",
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=EventType.values,
    )
    secret = forms.CharField(
        required=False,
        max_length=200,
        help_text="Leave empty to have one generated (shown once).",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class EndpointEditForm(forms.Form):
    url = forms.CharField(label="URL", max_length=500)
    description = forms.CharField(required=False, max_length=200)
    event_types = forms.MultipleChoiceField(
        label="Events", choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label="Active", required=False)
