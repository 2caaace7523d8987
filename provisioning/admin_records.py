"""Staff admin of billing links, Stripe events, reconcile records and platform API keys
(registered by `provisioning.admin`). A platform key's plaintext shows once, when added."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html

from provisioning.admin_base import run_each
from provisioning.billing import stripe_customer_link
from provisioning.models import PlatformAPIKey, ReconcileRecord, StripeCustomer, StripeEvent
from provisioning.platform_keys import platform_key_create, platform_key_revoke
from tenants.services import Actor


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
        run_each(
            self,
            request,
            queryset,
            "Revoked",
            lambda key, actor: platform_key_revoke(key=key, actor=actor),
        )
