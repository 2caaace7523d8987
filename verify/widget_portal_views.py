"""The portal page of the widget: key, origins, logo, colour, the embed snippet, a preview.

Owners and admins change it; every member may read it (the publishable key is public by
design: it only works from the allowed origins). The token signing secret is shown once,
right after it is rotated.
"""

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import TemplateView

from isvplatform.csp_policy import allow_images_from
from isvplatform.public import absolute_url
from tenants.forms import add_service_errors
from tenants.views import TenantRequiredMixin
from verify.models import VerifyService, WidgetToken
from verify.widget.flow import widget_config
from verify.widget.keys import (
    widget_enable,
    widget_rotate_key,
    widget_rotate_secret,
    widget_update,
)
from verify.widget.tokens import TOKEN_TTL
from verify.widget_forms import WidgetSettingsForm

SECRET_SHOWN_SESSION_KEY = "verify_widget.secret_to_show"


def embed_snippet(service: VerifyService) -> str:
    return (
        f'<div id="verify-phone"></div>\n'
        f'<script src="{absolute_url(static("verify/widget.js"))}" '
        f'data-key="{service.publishable_key}" data-target="#verify-phone" '
        f'data-callback="onPhoneVerified" async></script>'
    )


class WidgetMixin(TenantRequiredMixin):
    write_permission = "manage"

    def get_service(self) -> VerifyService | None:
        return VerifyService.objects.for_tenant(self.tenant).first()


class WidgetSettingsView(WidgetMixin, TemplateView):
    template_name = "verify/widget/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = kwargs.get("service") or self.get_service()
        context["service"] = service
        if service is None:
            return context
        context.setdefault(
            "form",
            WidgetSettingsForm(
                initial={
                    "allowed_origins": "\n".join(service.allowed_origins or []),
                    "logo_url": service.logo_url,
                    "brand_color": service.brand_color,
                }
            ),
        )
        secret = None
        if self.request.session.pop(SECRET_SHOWN_SESSION_KEY, None) == str(service.pk):
            secret = service.token_secret.reveal()
        context.update(
            secret=secret,
            config=widget_config(service),
            snippet=embed_snippet(service) if service.publishable_key else "",
            hosted_url=absolute_url(reverse("verify_widget:hosted", args=[service.publishable_key]))
            if service.publishable_key
            else "",
            token_minutes=int(TOKEN_TTL.total_seconds() // 60),
            recent_tokens=WidgetToken.objects.for_tenant(self.tenant)[:10],
            verify_endpoint=absolute_url("/api/v1/verifications/tokens/verify"),
        )
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context.get("secret"):
            add_never_cache_headers(response)
        service = context.get("service")
        return allow_images_from(response, [service.logo_url]) if service else response

    def post(self, request, *args, **kwargs):
        service = self.get_service()
        if service is None:
            return redirect("verify_widget:settings")
        form = WidgetSettingsForm(request.POST)
        if form.is_valid():
            try:
                widget_update(service=service, data=form.cleaned_data, actor=self.actor)
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                flash.success(request, "Widget settings saved.")
                return redirect("verify_widget:settings")
        return self.render_to_response(self.get_context_data(form=form, service=service))


class WidgetActionView(WidgetMixin, View):
    """Create the key, rotate it, or rotate the token signing secret (POST `action`)."""

    http_method_names = ["post"]

    def post(self, request):
        service = self.get_service()
        action = request.POST.get("action")
        if service is None:
            return redirect("verify_widget:settings")
        if action == "enable":
            widget_enable(service=service, actor=self.actor)
            flash.success(request, "Your publishable key is ready; add your site's origin below.")
        elif action == "rotate_key":
            widget_rotate_key(service=service, actor=self.actor)
            flash.success(request, "New publishable key. Update the snippet on your site.")
        elif action == "rotate_secret":
            widget_rotate_secret(service=service, actor=self.actor)
            request.session[SECRET_SHOWN_SESSION_KEY] = str(service.pk)
        return redirect("verify_widget:settings")
