"""Staff admin of subaccounts, numbers, the pool and billing links.

Every action calls a service, so it is audited. No page shows an auth token: the encrypted
fields are in no `fields` list and no column, and forms list their fields explicitly.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from isvplatform import gateway
from isvplatform.admin_confirm import confirm_with_reason
from isvplatform.labels import error_label
from provisioning import numbers as number_services
from provisioning import services
from provisioning.billing import stripe_customer_link
from provisioning.errors import ProvisioningConflict
from provisioning.models import (
    MessagingService,
    PhoneNumber,
    PlatformAPIKey,
    PooledNumber,
    ReconcileRecord,
    StripeCustomer,
    StripeEvent,
    TwilioSubaccount,
)
from provisioning.platform_keys import platform_key_create, platform_key_revoke
from provisioning.reconcile import subaccount_reconcile
from tenants.models import Tenant
from tenants.services import Actor

FAILURES = (ProvisioningConflict, ValidationError, gateway.GatewayError)
STATUS_REASON_MAX_LENGTH = TwilioSubaccount._meta.get_field("status_reason").max_length


def _explain(err: Exception) -> str:
    if isinstance(err, ProvisioningConflict):
        return err.message
    if isinstance(err, ValidationError):
        return " ".join(err.messages)
    return str(err)


def _run_each(modeladmin, request, queryset, verb: str, action) -> None:
    """Apply `action` to each object, reporting successes and each failure with its reason."""
    done, actor = 0, Actor.from_request(request)
    for obj in queryset:
        try:
            action(obj, actor)
            done += 1
        except FAILURES as err:
            modeladmin.message_user(request, f"{obj}: {_explain(err)}", messages.ERROR)
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
        "status_badge",
        "last_error",
        "attempts",
        "activated_at",
        "close_scheduled_at",
        "updated_at",
    ]
    list_filter = ["status", "suspension_source"]
    search_fields = ["friendly_name", "sid", "tenant__name", "tenant__slug"]
    list_select_related = ["tenant"]
    fields = [
        "tenant",
        "friendly_name",
        "sid",
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
        "close_scheduled_at",
        "last_reconciled_at",
        "created_at",
        "activated_at",
        "closed_at",
    ]
    readonly_fields = [f for f in fields if f != "number_limit"]
    inlines = [NumberInline, ReconcileRecordInline]
    actions = ["provision", "suspend", "reactivate", "close", "rotate_token", "reconcile_now"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: TwilioSubaccount) -> str:
        return obj.get_status_display()

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

        _run_each(self, request, queryset, "Provisioning requested for", run)

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
            apply=lambda reason: _run_each(
                self,
                request,
                queryset,
                "Suspended",
                lambda sub, actor: services.subaccount_suspend(
                    subaccount=sub, actor=actor, reason=reason
                ),
            ),
        )

    @admin.action(description="Reactivate selected subaccounts", permissions=["change"])
    def reactivate(self, request, queryset) -> None:
        _run_each(
            self,
            request,
            queryset,
            "Reactivated",
            lambda sub, actor: services.subaccount_reactivate(subaccount=sub, actor=actor),
        )

    @admin.action(
        description="Close selected subaccounts for good (asks to confirm)",
        permissions=["change"],
    )
    def close(self, request, queryset):
        if request.POST.get("confirmed") == "yes":
            _run_each(
                self,
                request,
                queryset,
                "Closed",
                lambda sub, actor: services.subaccount_close(
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
        _run_each(
            self,
            request,
            queryset,
            "Rotated the token of",
            lambda sub, actor: services.subaccount_rotate_token(subaccount=sub, actor=actor),
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

        _run_each(self, request, queryset, "Reconciled", run)
        for line in fixed:
            self.message_user(request, line, messages.INFO)
        if not fixed:
            self.message_user(request, "Nothing differed from Twilio.", messages.INFO)


# --- numbers --------------------------------------------------------------------------------


@admin.register(PhoneNumber)
class PhoneNumberAdmin(admin.ModelAdmin):
    list_display = [
        "phone_number",
        "tenant",
        "sid",
        "status",
        "is_primary",
        "number_type",
        "origin",
        "purchased_at",
        "released_at",
    ]
    list_filter = ["status", "number_type", "origin", "is_primary"]
    search_fields = ["phone_number", "sid", "tenant__name"]
    list_select_related = ["tenant"]
    fields = [
        "tenant",
        "subaccount",
        "phone_number",
        "sid",
        "friendly_name",
        "iso_country",
        "number_type",
        "sms_enabled",
        "mms_enabled",
        "voice_enabled",
        "whatsapp_enabled",
        "is_primary",
        "status",
        "origin",
        "pooled_number",
        "messaging_service",
        "monthly_price",
        "sms_url",
        "status_callback",
        "purchased_at",
        "released_at",
    ]
    readonly_fields = fields
    actions = ["release"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Release selected numbers", permissions=["change"])
    def release(self, request, queryset) -> None:
        _run_each(
            self,
            request,
            queryset,
            "Released",
            lambda number, actor: number_services.number_release(
                number=number, actor=actor, reason="released by staff"
            ),
        )


class PoolBuyForm(forms.Form):
    phone_number = forms.CharField(
        max_length=32, required=False, help_text="A number to buy, in E.164 format…"
    )
    area_code = forms.RegexField(r"^\d{3}$", required=False, help_text="…or any in this area code.")
    friendly_name = forms.CharField(max_length=64, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("phone_number")) == bool(data.get("area_code")):
            raise ValidationError("Give a phone number or an area code (one of them).")
        return data


class AllocateForm(forms.Form):
    tenant = forms.ModelChoiceField(
        queryset=Tenant.objects.filter(status=Tenant.Status.ACTIVE).order_by("name")
    )


@admin.register(PooledNumber)
class PooledNumberAdmin(admin.ModelAdmin):
    list_display = [
        "phone_number",
        "sid",
        "status",
        "number_type",
        "allocated_tenant",
        "allocated_at",
        "purchased_at",
    ]
    list_filter = ["status", "number_type"]
    search_fields = ["phone_number", "sid", "allocated_tenant__name"]
    fields = [
        "phone_number",
        "sid",
        "friendly_name",
        "iso_country",
        "number_type",
        "sms_enabled",
        "mms_enabled",
        "voice_enabled",
        "monthly_price",
        "status",
        "allocated_tenant",
        "allocated_at",
        "purchased_at",
        "released_at",
    ]
    readonly_fields = fields
    actions = ["allocate", "release_to_twilio"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """ "Add" buys a number into the master account's pool."""
        form = PoolBuyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                pooled = number_services.pool_buy(
                    actor=Actor.from_request(request),
                    phone_number=form.cleaned_data["phone_number"] or None,
                    area_code=form.cleaned_data["area_code"] or None,
                    friendly_name=form.cleaned_data["friendly_name"],
                )
            except FAILURES as err:
                form.add_error(None, _explain(err))
            else:
                self.message_user(request, f"Bought {pooled.phone_number} into the pool.")
                return HttpResponseRedirect(reverse("admin:provisioning_poolednumber_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Buy a number into the pool",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/provisioning/poolednumber/buy.html", context)

    @admin.action(description="Allocate selected number to a tenant", permissions=["change"])
    def allocate(self, request, queryset):
        form = AllocateForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            tenant = form.cleaned_data["tenant"]
            _run_each(
                self,
                request,
                queryset,
                f"Allocated to {tenant}:",
                lambda pooled, actor: number_services.pool_allocate(
                    pooled=pooled, tenant=tenant, actor=actor
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Allocate pool numbers",
            "opts": self.model._meta,
            "numbers": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/provisioning/poolednumber/allocate.html", context)

    @admin.action(description="Release selected pool numbers to Twilio", permissions=["change"])
    def release_to_twilio(self, request, queryset) -> None:
        _run_each(
            self,
            request,
            queryset,
            "Released",
            lambda pooled, actor: number_services.pool_release(pooled=pooled, actor=actor),
        )


# --- messaging services, billing, reconcile, platform keys ---------------------------------


@admin.register(MessagingService)
class MessagingServiceAdmin(admin.ModelAdmin):
    list_display = ["friendly_name", "tenant", "sid", "created_at"]
    search_fields = ["friendly_name", "sid", "tenant__name"]
    fields = [
        "tenant",
        "subaccount",
        "sid",
        "friendly_name",
        "inbound_request_url",
        "status_callback",
        "sticky_sender",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class StripeCustomerForm(forms.ModelForm):
    class Meta:
        model = StripeCustomer
        fields = ["tenant", "customer_id"]

    def clean_customer_id(self) -> str:
        customer_id = self.cleaned_data["customer_id"].strip()
        if not customer_id.startswith("cus_"):
            raise ValidationError("A Stripe customer id starts with cus_.")
        return customer_id

    def clean(self):
        data = super().clean()
        tenant, customer_id = data.get("tenant"), data.get("customer_id")
        if tenant and customer_id:
            other = StripeCustomer.objects.filter(tenant=tenant).exclude(pk=self.instance.pk)
            if other.exists():
                raise ValidationError("This tenant is already linked to a Stripe customer.")
        return data


@admin.register(StripeCustomer)
class StripeCustomerAdmin(admin.ModelAdmin):
    form = StripeCustomerForm
    list_display = ["customer_id", "tenant", "subscription_status", "last_event_at", "updated_at"]
    search_fields = ["customer_id", "tenant__name"]
    readonly_fields = ["subscription_id", "subscription_status", "last_event_at", "created_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: StripeCustomer, form, change: bool) -> None:
        link = stripe_customer_link(
            tenant=form.cleaned_data["tenant"],
            customer_id=form.cleaned_data["customer_id"],
            actor=Actor.from_request(request),
        )
        obj.pk = link.pk


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "customer_id", "tenant", "outcome", "received_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "customer_id"]
    fields = ["event_id", "type", "customer_id", "tenant", "outcome", "created_at", "received_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReconcileRecord)
class ReconcileRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "tenant", "subaccount", "kind", "detail"]
    list_filter = ["kind"]
    search_fields = ["tenant__name", "detail"]
    fields = ["created_at", "tenant", "subaccount", "kind", "detail", "changes"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PlatformKeyForm(forms.ModelForm):
    class Meta:
        model = PlatformAPIKey
        fields = ["name"]


@admin.register(PlatformAPIKey)
class PlatformAPIKeyAdmin(admin.ModelAdmin):
    """Adding a key shows its plaintext once, on the page that answers the form."""

    form = PlatformKeyForm
    list_display = ["name", "key_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="key")
    def key_prefix(self, obj: PlatformAPIKey) -> str:
        return format_html("<code>isvp_{}_…</code>", obj.prefix)

    def save_model(self, request, obj: PlatformAPIKey, form, change: bool) -> None:
        key, raw_key = platform_key_create(
            name=form.cleaned_data["name"], actor=Actor.from_request(request)
        )
        obj.pk = key.pk
        request._platform_key_created = (key, raw_key)

    def response_add(self, request, obj, post_url_continue=None):
        key, raw_key = request._platform_key_created
        context = {
            **self.admin_site.each_context(request),
            "title": "Platform key created",
            "opts": self.model._meta,
            "key": key,
            "raw_key": raw_key,
        }
        response = TemplateResponse(
            request, "admin/provisioning/platformapikey/created.html", context
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke selected keys", permissions=["view"])
    def revoke(self, request, queryset) -> None:
        _run_each(
            self,
            request,
            queryset,
            "Revoked",
            lambda key, actor: platform_key_revoke(key=key, actor=actor),
        )
