"""`{% messaging_figures tenant %}`: the dashboard's messaging card, rendered on the server.

An inclusion tag keeps the dependency pointing downward: the tenants dashboard template
asks for the card, and no tenants module imports messaging.
"""

from django import template

from messaging.selectors import dashboard_figures

register = template.Library()


@register.inclusion_tag("messaging/_dashboard_figures.html")
def messaging_figures(tenant, days: int = 30) -> dict:
    return {"figures": dashboard_figures(tenant, days=days)}
