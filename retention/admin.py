"""Staff admin of retention policies: see and change any tenant's periods (audited)."""

from django import forms
from django.contrib import admin

from retention.models import RetentionPolicy
from retention.services import PERIOD_FIELDS, clean_period, retention_policy_update
from tenants.services import Actor


class RetentionPolicyAdminForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["tenant", *PERIOD_FIELDS]

    def clean(self):
        cleaned = super().clean()
        for name in PERIOD_FIELDS:
            if name in cleaned:
                try:
                    cleaned[name] = clean_period(name, cleaned[name])
                except forms.ValidationError as err:
                    self.add_error(None, err)
        return cleaned


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    form = RetentionPolicyAdminForm
    list_display = ["tenant", "event_days", "body_days", "updated_at"]
    list_select_related = ["tenant"]
    search_fields = ["tenant__name", "tenant__slug"]
    readonly_fields = ["updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["tenant", "updated_at"] if obj is not None else ["updated_at"]

    def save_model(self, request, obj, form, change) -> None:
        """Through the service, so a staff change is audited like an owner's."""
        data = {name: form.cleaned_data.get(name) for name in PERIOD_FIELDS}
        policy = retention_policy_update(
            tenant=obj.tenant, data=data, actor=Actor.from_request(request)
        )
        obj.pk, obj.updated_at = policy.pk, policy.updated_at
