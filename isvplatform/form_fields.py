"""Form fields the portal's pages share."""

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

DAY_MIN = dt.date(2000, 1, 1)
DAY_MAX = dt.date(9998, 12, 31)


def day_field(label: str) -> forms.DateField:
    """An optional day (YYYY-MM-DD, a date picker) between `DAY_MIN` and `DAY_MAX`: a date
    arithmetic near the calendar's ends can't overflow."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[
            MinValueValidator(DAY_MIN, f"Enter a date from {DAY_MIN} on."),
            MaxValueValidator(DAY_MAX, f"Enter a date up to {DAY_MAX}."),
        ],
    )
