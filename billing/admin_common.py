"""Shared pieces of the billing admin: read-only bases, money columns, and the form mixin
that shows a service's refusal (a ValidationError) on the form instead of a 500."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from isvplatform.money import format_money


def money(amount, currency: str = "") -> str:
    return format_money(amount, currency) or "—"


def margin_percent(margin, charged) -> str:
    """The margin as a share of what was charged ("—" when nothing was)."""
    if not charged:
        return "—"
    return f"{margin / charged * 100:.1f}%"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the platform writes: staff look (list and page) but add, change or delete
    nothing."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The list and its actions yes; an object's page is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ServiceErrorsOnFormMixin:
    """Saves go through a service (in `save_model`/`save_related`), which may refuse with a
    ValidationError. The admin's save runs in a transaction, so the refusal rolls it all
    back; the form is then shown again with the service's messages on its fields."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as err:
            request.billing_service_error = err
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "billing_service_error", None)
        if error is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                messages = error.message_dict if hasattr(error, "error_dict") else {}
                for name, texts in messages.items():
                    field = name if name in self.fields else None
                    for text in texts:
                        self.add_error(field, text)
                if not messages:
                    self.add_error(None, error)
                return cleaned

        RefusedForm.__name__ = form_class.__name__
        return RefusedForm
