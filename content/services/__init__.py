"""Message templates' services: authoring, status moves, submission, polling and sync."""

from content.rendering import render, render_buttons, validate_variables
from content.services.authoring import (
    TemplateConflict,
    template_create,
    template_new_version,
    template_submit,
    template_update,
)
from content.services.status import apply_category, apply_status

__all__ = [
    "TemplateConflict",
    "apply_category",
    "apply_status",
    "render",
    "render_buttons",
    "template_create",
    "template_new_version",
    "template_submit",
    "template_update",
    "validate_variables",
]
