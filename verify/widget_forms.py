"""The portal form of the widget's settings: its shape only; `widget_update` decides."""

from django import forms


class WidgetSettingsForm(forms.Form):
    allowed_origins = forms.CharField(
        label="Allowed origins",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "https://shop.example.com"}),
        help_text="One per line, as scheme://host[:port]. Only pages on these origins may "
        "use your publishable key.",
    )
    logo_url = forms.CharField(
        label="Logo URL",
        required=False,
        max_length=500,
        help_text="An https:// address of your logo (a square image of 64 px or more).",
    )
    brand_color = forms.CharField(
        label="Colour",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text="Buttons and the top bar of the widget.",
    )

    def clean_allowed_origins(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["allowed_origins"].splitlines()]
