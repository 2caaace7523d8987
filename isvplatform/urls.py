from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from billing.admin_overview import overview as billing_admin_overview
from isvplatform import health
from isvplatform.api.errors import json_bad_request, json_error_view, unavailable_json
from isvplatform.csp_reports import csp_report
from isvplatform.db_unavailable import is_database_unavailable, unavailable_page
from isvplatform.metrics_view import metrics_endpoint
from ops.admin_dashboard import alerts as ops_admin_alerts
from ops.admin_partitions import partitions_page as ops_admin_partitions
from provisioning.webhooks import stripe_webhook

api_v1 = [
    path("", include("tenants.api_urls")),
    path("", include("provisioning.api_urls")),
    path("", include("messaging.api_urls")),
    path("", include("webhooks.api_urls")),
    path("", include("compliance.api_urls")),
    path("", include("whatsapp.api_urls")),
    path("", include("content.api_urls")),
    path("", include("verify.api_urls")),
    path("", include("verify.api_stats_urls")),
    path("", include("verify.widget_api_urls")),
    path("", include("contacts.api_urls")),
    path("", include("broadcasts.stream_urls")),
    path("", include("broadcasts.api_urls")),
    path("", include("emails.api_urls")),
    path("", include("billing.api_urls")),
    path("", include("retention.api_urls")),
    path("", include("twofactor.api_urls")),
    path("", include("privacy.api_urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics_endpoint, name="metrics"),
    path("csp-report/", csp_report, name="csp-report"),
    # A staff page of the admin that is no model's (billing/admin_overview.py).
    path("admin/billing/overview/", billing_admin_overview, name="billing-admin-overview"),
    path("admin/ops/alerts/", ops_admin_alerts, name="ops-admin-alerts"),
    path("admin/ops/partitions/", ops_admin_partitions, name="ops-admin-partitions"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(
            url_name="api-schema", template_name="api_docs/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("sandbox/", include("sandbox.urls")),
    path("accounts/", include("tenants.auth_urls")),
    path("webhooks/billing/stripe", stripe_webhook, name="stripe-webhook"),
    path("webhooks/twilio/", include("webhooks.twilio_urls")),
    # anymail's ESP tracking webhooks, where anymail documents them (Amazon SES's is ours).
    path("anymail/", include("emails.anymail_urls")),
    path("", include("verify.widget_urls")),
    path("", include("compliance.urls")),
    path("", include("whatsapp.urls")),
    path("", include("content.urls")),
    path("", include("contacts.urls")),
    path("", include("broadcasts.urls")),
    path("", include("emails.urls")),
    path("", include("billing.urls")),
    path("", include("retention.urls")),
    path("", include("twofactor.urls")),
    path("", include("privacy.urls")),
    path("", include("verify.urls")),
    path("", include("provisioning.urls")),
    path("", include("messaging.urls")),
    path("", include("webhooks.urls")),
    path("", include("verify.analytics_urls")),
    path("", include("tenants.urls")),
]

handler400 = "isvplatform.urls.bad_request"


def bad_request(request, exception=None):
    """A request Django refuses before any view (too many fields, too large): the API's error
    format under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return json_bad_request(request, exception)
    from django.views.defaults import bad_request as html_bad_request

    return html_bad_request(request, exception)


handler500 = "isvplatform.urls.server_error"


def server_error(request):
    """The 500 page, or a 503 with Retry-After when the database was unreachable (called
    while the exception is being handled, so it is there to look at)."""
    if is_database_unavailable():
        return unavailable_json() if request.path.startswith("/api/") else unavailable_page()
    if request.path.startswith("/api/"):
        return json_error_view(500, "server_error", "Something went wrong on our side.")(request)
    from django.views.defaults import server_error as html_server_error

    return html_server_error(request)


handler404 = "isvplatform.urls.not_found"


def not_found(request, exception=None):
    """A URL no route matches: the API's error format under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return json_error_view(404, "not_found", "Not found.")(request)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
