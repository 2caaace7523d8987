"""Template filters for the words people read: `{% load labels %}`.

`{{ value|label:"channel" }}` is the label of a registered choice (`isvplatform.labels`);
`{{ event.action|audit_label }}` the sentence for an audit code; `{{ code|humanize }}` words
for any other code.
"""

from django import template

from isvplatform.labels import humanize_code, label_for
from tenants.audit_labels import audit_action_label

register = template.Library()


@register.filter
def label(value, choices: str) -> str:
    return label_for(value, choices)


@register.filter
def audit_label(action: str) -> str:
    return audit_action_label(action)


@register.filter
def humanize(value) -> str:
    return humanize_code(value)
