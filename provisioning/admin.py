"""Staff admin of Twilio subaccounts; numbers and the pool are in `admin_numbers`, billing,
reconcile records and platform keys in `admin_records` (both registered from here), the
shared action runner in `admin_base`.

Every action calls a service, so it is audited. No page shows an auth token: the encrypted
fields are in no `fields` list and no column, and forms list their fields explicitly.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

# Registers the number, pool, billing and platform key admins.
import provisioning.admin_numbers
import provisioning.admin_records  # noqa: F401
from isvplatform.admin_confirm import confirm_with_reason
from isvplatform.labels import error_label
from provisioning import api_keys, services, suspension, tokens
from provisioning.admin_base import ReadOnlyInline, run_each
from provisioning.errors import ProvisioningConflict
from provisioning.models import PhoneNumber, ReconcileRecord, TwilioSubaccount
from provisioning.reconcile import subaccount_reconcile
from tenants.services import Actor

STATUS_REASON_MAX_LENGTH = TwilioSubaccount._meta.get_field("status_reason").max_length


class NumberInline(ReadOnlyInline):
    model = PhoneNumber
    fk_name = "subaccount"
    fields = ["phone_number", "sid", "status", "is_primary", "origin", "purchased_at"]
    readonly_fields = fields


class ReconcileRecordInline(ReadOnlyInline):
    model = ReconcileRecord
    fields = ["created_at", "kind", "detail", "changes"]
    readonly_fields = fields
    show_change_link = False


# --- subaccounts ----------------------------------------------------------------------------


class SubaccountAdminForm(forms.ModelForm):
    class Meta:
        model = TwilioSubaccount
        fields = ["number_limit"]


@admin.register(TwilioSubaccount)
class TwilioSubaccountAdmin(admin.ModelAdmin):
    form = SubaccountAdminForm
    list_display = [
        "friendly_name",
        "tenant",
        "sid",
        "own_account",
        "status_badge",
        "last_error",
        "attempts",
        "activated_at",
        "close_scheduled_at",
        "updated_at",
    ]
    list_filter = ["status", "origin", "suspension_source"]
    search_fields = ["friendly_name", "sid", "tenant__name", "tenant__slug"]
    list_select_related = ["tenant"]
    fields = [
        "tenant",
        "friendly_name",
        "sid",
        "origin",
        "billing_mode",
        "status",
        "status_reason",
        "suspension_source",
        "last_error_code",
        "last_error_message",
        "attempts",
        "number_limit",
        "requested_area_code",
        "token_rotated_at",
        "previous_token_valid_until",
        "rotation_started_at",
        "api_key_sid",
        "api_key_created_at",
        "close_scheduled_at",
        "last_reconciled_at",
        "created_at",
        "activated_at",
        "closed_at",
    ]
    readonly_fields = [f for f in fields if f != "number_limit"]
    inlines = [NumberInline, ReconcileRecordInline]
    actions = [
        "provision",
        "suspend",
        "reactivate",
        "close",
        "rotate_token",
        "rotate_api_key",
        "reconcile_now",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: TwilioSubaccount) -> str:
        return obj.get_status_display()

    @admin.display(description="own Twilio account", boolean=True, ordering="origin")
    def own_account(self, obj: TwilioSubaccount) -> bool:
        return obj.is_connected

    @admin.display(description="billing")
    def billing_mode(self, obj: TwilioSubaccount) -> str:
        return obj.billing_mode_label

    @admin.display(description="last error")
    def last_error(self, obj: TwilioSubaccount) -> str:
        if obj.last_error_code is None and not obj.last_error_message:
            return "—"
        return error_label(obj.last_error_code, obj.last_error_message[:120])

    def save_model(self, request, obj: TwilioSubaccount, form, change: bool) -> None:
        if "number_limit" in form.changed_data:
            services.subaccount_set_number_limit(
                subaccount=obj,
                limit=form.cleaned_data["number_limit"],
                actor=Actor.from_request(request),
            )

    @admin.action(description="Provision / retry selected subaccounts", permissions=["change"])
    def provision(self, request, queryset) -> None:
        def run(sub, actor):
            if sub.status == TwilioSubaccount.Status.CLOSED:
                raise ProvisioningConflict("closed; provision a new one for the tenant")
            services.subaccount_request(tenant=sub.tenant, actor=actor)

        run_each(self, request, queryset, "Provisioning requested for", run)

    @admin.action(
        description="Suspend selected subaccounts (asks to confirm, with a reason)",
        permissions=["change"],
    )
    def suspend(self, request, queryset):
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Suspend subaccounts",
            intro="Twilio stops these subaccounts: their tenants can't send until they are "
            "reactivated. The tenants see the reason.",
            submit="Yes, suspend them",
            help_text="The tenant sees this; say what to do to be reactivated.",
            max_length=STATUS_REASON_MAX_LENGTH,
            describe=lambda sub: f"{sub}: tenant {sub.tenant}, {sub.get_status_display().lower()}",
            apply=lambda reason: run_each(
                self,
                request,
                queryset,
                "Suspended",
                lambda sub, actor: suspension.subaccount_suspend(
                    subaccount=sub, actor=actor, reason=reason
                ),
            ),
        )

    @admin.action(description="Reactivate selected subaccounts", permissions=["change"])
    def reactivate(self, request, queryset) -> None:
        run_each(
            self,
            request,
            queryset,
            "Reactivated",
            lambda sub, actor: suspension.subaccount_reactivate(subaccount=sub, actor=actor),
        )

    @admin.action(
        description="Close selected subaccounts for good (asks to confirm)",
        permissions=["change"],
    )
    def close(self, request, queryset):
        if request.POST.get("confirmed") == "yes":
            run_each(
                self,
                request,
                queryset,
                "Closed",
                lambda sub, actor: suspension.subaccount_close(
                    subaccount=sub, actor=actor, confirmed=True
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Close subaccounts for good",
            "opts": self.model._meta,
            "subaccounts": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/provisioning/twiliosubaccount/close_confirm.html", context
        )

    @admin.action(
        description="Rotate the auth token of selected subaccounts", permissions=["change"]
    )
    def rotate_token(self, request, queryset) -> None:
        run_each(
            self,
            request,
            queryset,
            "Rotated the token of",
            lambda sub, actor: tokens.subaccount_rotate_token(subaccount=sub, actor=actor),
        )

    @admin.action(
        description="Rotate the REST API key of selected subaccounts", permissions=["change"]
    )
    def rotate_api_key(self, request, queryset) -> None:
        run_each(
            self,
            request,
            queryset,
            "Rotated the API key of",
            lambda sub, actor: api_keys.subaccount_rotate_api_key(subaccount=sub, actor=actor),
        )

    @admin.action(
        description="Reconcile selected subaccounts with Twilio now", permissions=["change"]
    )
    def reconcile_now(self, request, queryset) -> None:
        fixed: list[str] = []

        def run(sub, actor):
            fixed.extend(
                f"{sub}: {r.get_kind_display()} ({r.detail})"
                for r in subaccount_reconcile(subaccount=sub)
            )

        run_each(self, request, queryset, "Reconciled", run)
        for line in fixed:
            self.message_user(request, line, messages.INFO)
        if not fixed:
            self.message_user(request, "Nothing differed from Twilio.", messages.INFO)
