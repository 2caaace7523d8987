"""The portal's Verification pages: the switch and settings, a test send and check, the log
and its CSV export. Views only route; the services validate, act and audit."""

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from isvplatform.csv_export import stream_csv
from isvplatform.public import client_ip
from tenants.views import TenantManageMixin, TenantRequiredMixin
from verify import services
from verify.errors import VerifyRefused
from verify.forms import (
    AttemptFilterForm,
    EnableForm,
    SettingsForm,
    TestCheckForm,
    TestSendForm,
)
from verify.models import VerificationAttempt
from verify.selectors import attempt_countries, tenant_attempts, tenant_service

PAGE_SIZE = 50
CSV_HEADER = [
    "created_at",
    "to",
    "channel",
    "country",
    "status",
    "sends",
    "checks",
    "approved_at",
    "price",
    "price_unit",
    "twilio_sid",
    "source",
    "client_ip",
    "error_code",
    "error_message",
]


def refusal_on(form, err: VerifyRefused) -> None:
    form.add_error(err.field if err.field in form.fields else None, f"{err.message} ({err.code})")


class VerifyPageView(TenantRequiredMixin, TemplateView):
    template_name = "verify/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = tenant_service(self.tenant)
        context.update(
            service=service,
            countries=services.allowed_countries(service) if service else [],
            enable_form=kwargs.get("enable_form")
            or EnableForm(initial={"brand_name": self.tenant.name[:30]}),
            settings_form=kwargs.get("settings_form")
            or (SettingsForm(initial=SettingsForm.initial_for(service)) if service else None),
            send_form=kwargs.get("send_form") or TestSendForm(),
            check_form=kwargs.get("check_form"),
            test_attempt=kwargs.get("test_attempt"),
            test_check=kwargs.get("test_check"),
            recent=tenant_attempts(self.tenant)[:5],
        )
        return context


class EnableView(TenantManageMixin, VerifyPageView):
    def post(self, request):
        form = EnableForm(request.POST)
        if form.is_valid():
            try:
                services.enable_verify(
                    self.tenant, brand_name=form.cleaned_data["brand_name"], actor=self.actor
                )
            except VerifyRefused as err:
                refusal_on(form, err)
            else:
                flash.success(request, "Verify is switched on; its Twilio service is being set up.")
                return redirect("verify:index")
        return self.render_to_response(self.get_context_data(enable_form=form), status=400)


class DisableView(TenantManageMixin, View):
    def post(self, request):
        services.disable_verify(self.tenant, actor=self.actor)
        flash.success(request, "Verify is switched off: no codes are sent or checked.")
        return redirect("verify:index")


class SettingsView(TenantManageMixin, VerifyPageView):
    def post(self, request):
        service = tenant_service(self.tenant)
        if service is None:
            return redirect("verify:index")
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.update_settings(service, actor=self.actor, **form.changes())
            except VerifyRefused as err:
                refusal_on(form, err)
            else:
                flash.success(request, "Verify settings saved.")
                return redirect("verify:index")
        return self.render_to_response(self.get_context_data(settings_form=form), status=400)


class TestSendView(VerifyPageView):
    def post(self, request):
        form = TestSendForm(request.POST)
        if form.is_valid():
            try:
                attempt = services.start_verification(
                    self.tenant,
                    to=form.cleaned_data["to"],
                    channel=form.cleaned_data["channel"],
                    locale=form.cleaned_data["locale"],
                    client_ip=client_ip(request) or None,
                    source=VerificationAttempt.Source.PORTAL,
                )
            except VerifyRefused as err:
                refusal_on(form, err)
            else:
                check_form = TestCheckForm(initial={"attempt": attempt.pk})
                context = self.get_context_data(
                    send_form=form, check_form=check_form, test_attempt=attempt
                )
                return self.render_to_response(context)
        return self.render_to_response(self.get_context_data(send_form=form), status=400)


class TestCheckView(VerifyPageView):
    def post(self, request):
        form = TestCheckForm(request.POST)
        attempt = None
        if form.is_valid():
            attempt = (
                VerificationAttempt.objects.for_tenant(self.tenant)
                .filter(pk=form.cleaned_data["attempt"])
                .first()
            )
            if attempt is None:
                form.add_error(None, "That verification is not in your log.")
        if form.is_valid() and attempt is not None:
            try:
                check = services.check_verification(
                    self.tenant,
                    attempt=attempt,
                    code=form.cleaned_data["code"],
                    client_ip=client_ip(request) or None,
                )
            except VerifyRefused as err:
                refusal_on(form, err)
            else:
                attempt.refresh_from_db()
                context = self.get_context_data(
                    check_form=form, test_attempt=attempt, test_check=check
                )
                return self.render_to_response(context)
        context = self.get_context_data(check_form=form, test_attempt=attempt)
        return self.render_to_response(context, status=400)


class AttemptLogView(TenantRequiredMixin, TemplateView):
    """The filtered verification log; invalid filters are shown beside the form (400)."""

    template_name = "verify/attempts.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if context["form"].errors else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AttemptFilterForm(self.request.GET or None)
        filters = form.filters()
        paginator = Paginator(tenant_attempts(self.tenant, filters), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            form=form,
            page=page,
            attempts=page.object_list,
            filter_query=params.urlencode(),
            filtered=filters != type(filters)(),
            countries=attempt_countries(self.tenant),
            export_url=reverse("verify:export"),
        )
        return context


def _row(attempt: VerificationAttempt) -> list:
    return [
        attempt.created_at.isoformat(),
        attempt.to,
        attempt.channel,
        attempt.country,
        attempt.status,
        attempt.send_count,
        len(attempt.checks.all()),
        attempt.approved_at.isoformat() if attempt.approved_at else "",
        attempt.price if attempt.price is not None else "",
        attempt.price_unit,
        attempt.twilio_sid,
        attempt.source,
        attempt.client_ip or "",
        attempt.error_code,
        attempt.error_message,
    ]


class AttemptExportView(TenantRequiredMixin, View):
    """The filtered log as CSV, streamed."""

    def get(self, request):
        form = AttemptFilterForm(request.GET)
        if not form.is_valid():
            fields = {name: list(errors) for name, errors in form.errors.items()}
            return render(request, "bad_input.html", {"fields": fields}, status=400)
        queryset = tenant_attempts(self.tenant, form.filters())
        rows = (_row(a) for a in queryset.iterator(chunk_size=2000))
        return stream_csv("verifications.csv", CSV_HEADER, rows)
