"""Staff admin of phone numbers, the number pool and messaging services (registered by
`provisioning.admin`). Every action calls a service, so it is audited."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from provisioning import numbers as number_services
from provisioning.admin_base import FAILURES, explain, run_each
from provisioning.models import MessagingService, PhoneNumber, PooledNumber
from tenants.models import Tenant
from tenants.services import Actor


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
        run_each(
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
                form.add_error(None, explain(err))
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
            run_each(
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
        run_each(
            self,
            request,
            queryset,
            "Released",
            lambda pooled, actor: number_services.pool_release(pooled=pooled, actor=actor),
        )


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
