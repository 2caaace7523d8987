"""`{{ amount|money:currency }}`: every price in a template is shown with its currency."""

from django import template

from isvplatform.money import format_money

register = template.Library()


@register.filter(name="money")
def money(amount, currency: str = "") -> str:
    return format_money(amount, currency)
