from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator


def _days_help(default: int | None, what: str) -> str:
    kept = f"{default} days" if default is not None else "forever"
    return f"{what} Empty: the platform's default ({kept})."


class RetentionPolicyForm(forms.Form):
    """The tenant's two periods; the bounds are the platform's (read on every form)."""

    event_days = forms.IntegerField(label="Keep raw webhook events (days)", required=False)
    body_days = forms.IntegerField(label="Keep message bodies (days)", required=False)

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        helps = {
            "event_days": _days_help(
                settings.RETENTION_EVENT_DAYS,
                "Twilio callbacks, email tracking events and sent webhooks older than this "
                "are deleted.",
            ),
            "body_days": _days_help(
                settings.RETENTION_BODY_DAYS,
                "Messages older than this keep their numbers, status and price, but their "
                "text, subject, HTML, media and template variables are blanked.",
            ),
        }
        for name, field in self.fields.items():
            low, high = settings.RETENTION_MIN_DAYS, settings.RETENTION_MAX_DAYS
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update(min=low, max=high)
            field.help_text = helps[name]
            field.disabled = read_only
