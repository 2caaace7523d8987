"""Message templates' services: authoring, status moves, submission, polling and sync."""

from content.rendering import render, render_buttons, validate_variables
from content.services.authoring import (
    TemplateConflict,
    template_create,
    template_delete,
    template_new_version,
    template_submit,
    template_update,
)
from content.services.polling import due_polls, template_poll, template_repoll
from content.services.status import apply_category, apply_status
from content.services.submission import due_submissions, template_send
from content.services.sync import SyncResult, sync_request, templates_sync

__all__ = [
    "SyncResult",
    "TemplateConflict",
    "apply_category",
    "apply_status",
    "due_polls",
    "due_submissions",
    "render",
    "render_buttons",
    "sync_request",
    "template_create",
    "template_delete",
    "template_new_version",
    "template_poll",
    "template_repoll",
    "template_send",
    "template_submit",
    "template_update",
    "templates_sync",
    "validate_variables",
]
