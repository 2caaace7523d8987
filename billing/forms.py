"""The portal's usage forms: the period a usage page shows, and a tenant's own spending
limit. Shapes and ranges only; `billing.services.limits.limit_save` checks the rules and
its field-named errors land back on these fields."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from billing import periods
from billing.categories import LEAVES, TOTAL, category_label
from billing.models import UsageLimit
from isvplatform.form_fields import day_field

MAX_RANGE_DAYS = 366
LIMIT_MAX = Decimal("9999999999.99")


def attach_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's field-named errors on the form's fields (the rest at the top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


class UsageRangeForm(forms.Form):
    """`start` and `end` (inclusive UTC days); this period so far by default."""

    start = day_field("From")
    end = day_field("To")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = data.get("start"), data.get("end")
        today = periods.today()
        if end is None:
            end = max(today, start) if start else today
        if start is None:
            start = min(periods.period_start(today), end)
        if start > end:
            self.add_error("start", "The period starts after it ends: From is after To.")
        elif (end - start).days + 1 > MAX_RANGE_DAYS:
            self.add_error("end", f"Choose at most {MAX_RANGE_DAYS} days.")
        data["start"], data["end"] = start, end
        return data

    def range(self) -> tuple[dt.date, dt.date]:
        return self.cleaned_data["start"], self.cleaned_data["end"]


def _category_choices() -> list[tuple[str, str]]:
    return [(TOTAL, "All usage (total)")] + [(name, category_label(name)) for name in LEAVES]


class LimitForm(forms.Form):
    """A soft (alert) or hard (sending stops) limit on spend or on a count, per day or month."""

    level = forms.ChoiceField(label="Kind", choices=UsageLimit.Level.choices)
    measure = forms.ChoiceField(label="Measure", choices=UsageLimit.Measure.choices)
    category = forms.ChoiceField(
        label="Usage",
        choices=_category_choices,
        initial=TOTAL,
        help_text="A spend limit covers all usage; a count limit counts one kind.",
    )
    period = forms.ChoiceField(label="Period", choices=UsageLimit.Period.choices)
    value = forms.DecimalField(
        label="Limit",
        min_value=Decimal("0.01"),
        max_value=LIMIT_MAX,
        max_digits=14,
        decimal_places=2,
        help_text="An amount in USD (Twilio's prices) for spend, a number for count.",
    )

    def __init__(self, *args, tenant=None, instance: UsageLimit | None = None, **kwargs):
        self.tenant, self.instance = tenant, instance
        if instance is not None and not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial",
                {
                    "level": instance.level,
                    "measure": instance.measure,
                    "category": instance.category,
                    "period": instance.period,
                    "value": instance.value.normalize(),
                },
            )
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data["measure"] == UsageLimit.Measure.COUNT and data["category"] == TOTAL:
            self.add_error("category", "A count limit counts one kind of usage: choose it.")
            return data
        if data["measure"] == UsageLimit.Measure.SPEND and data["category"] != TOTAL:
            self.add_error("category", "A spend limit covers all usage: choose All usage.")
            return data
        if self.tenant is not None:
            same = UsageLimit.objects.for_tenant(self.tenant).filter(
                level=data["level"],
                measure=data["measure"],
                category=data["category"],
                period=data["period"],
            )
            if self.instance is not None:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error(None, "There is already such a limit: edit that one instead.")
        return data
