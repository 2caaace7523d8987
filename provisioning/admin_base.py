"""What every provisioning admin page shares: running an action on each selected object and
reporting each failure with its reason, and the read-only inline."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from isvplatform import gateway
from provisioning.errors import ProvisioningConflict
from tenants.services import Actor

FAILURES = (ProvisioningConflict, ValidationError, gateway.GatewayError)


def explain(err: Exception) -> str:
    if isinstance(err, ProvisioningConflict):
        return err.message
    if isinstance(err, ValidationError):
        return " ".join(err.messages)
    return str(err)


def run_each(modeladmin, request, queryset, verb: str, action) -> None:
    """Apply `action` to each object, reporting successes and each failure with its reason."""
    done, actor = 0, Actor.from_request(request)
    for obj in queryset:
        try:
            action(obj, actor)
            done += 1
        except FAILURES as err:
            modeladmin.message_user(request, f"{obj}: {explain(err)}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{verb} {done}.", messages.SUCCESS)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
