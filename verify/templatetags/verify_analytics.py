"""Filters of the analytics pages: rates as percentages, seconds as durations."""

from django import template

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    """0.8123 → "81.2%"; no rate → "—"."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


@register.filter
def duration(seconds: float | None) -> str:
    """42 → "42 s", 95 → "1 min 35 s"; none → "—"."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"
