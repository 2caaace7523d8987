"""Portal pages of broadcasts: the list (status labels, progress), the form with a live
per-recipient preview (htmx), the detail page with the actions, the progress card, the
timeline and the recipients, and the safety thresholds.

Pages are thin: reads through `broadcasts.selectors`, writes through `broadcasts.services`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import TemplateView

from broadcasts.forms import BroadcastForm, SettingsForm
from broadcasts.models import Broadcast, BroadcastStatus, RecipientStatus
from broadcasts.progress import percent_done, progress_data
from broadcasts.selectors import (
    broadcast_for_tenant,
    recipients_of,
    search_broadcasts,
    timeline,
)
from broadcasts.services import drafts, lifecycle, safety
from broadcasts.services.common import BroadcastConflict
from contacts.selectors import audience_count
from isvplatform.csp_policy import EmailPreviewPolicyMixin
from isvplatform.csv_export import stream_csv
from tenants.views import TenantRequiredMixin

PAGE_SIZE = 25
ACTIONS = {
    "launch": (lifecycle.broadcast_launch, "Launched."),
    "pause": (lifecycle.broadcast_pause, "Paused: nothing more goes out until you resume."),
    "resume": (lifecycle.broadcast_resume, "Resumed."),
    "cancel": (lifecycle.broadcast_cancel, "Cancelled: the recipients still waiting get nothing."),
    "unschedule": (lifecycle.broadcast_unschedule, "Back to draft."),
}


class BroadcastListView(TenantRequiredMixin, TemplateView):
    template_name = "broadcasts/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")[:200]
        status = self.request.GET.get("status", "")
        status = status if status in BroadcastStatus.values else ""
        found = search_broadcasts(self.tenant, query=query, status=status)
        page = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
        params = "&".join(f"{k}={v}" for k, v in (("q", query), ("status", status)) if v)
        context.update(
            page=page,
            rows=[(b, percent_done(b)) for b in page.object_list],
            query=query,
            status=status,
            statuses=BroadcastStatus.choices,
            filter_query=params,
        )
        return context


def _unsaved(tenant, form: BroadcastForm) -> Broadcast | None:
    """The broadcast the form describes, not saved (for the live preview)."""
    if not form.is_valid():
        return None
    values = form.service_values()
    email = values["channel"] == "email"
    return Broadcast(
        tenant=tenant,
        name=values["name"],
        channel=values["channel"],
        purpose=values["purpose"],
        body=values["body"],
        template_variables=values.get("template_variables") or {},
        audience=form.cleaned_data["audience"],
        subject=values.get("subject", ""),
        html=values.get("html", ""),
        email_template=form.cleaned_data.get("email_template") if email else None,
    )


def preview_context(broadcast: Broadcast | None) -> dict:
    if broadcast is None or broadcast.audience_id is None:
        return {"preview_rows": [], "audience_size": None}
    return {
        "preview_rows": drafts.broadcast_preview(broadcast),
        "audience_size": audience_count(broadcast.audience),
    }


class BroadcastFormView(TenantRequiredMixin, TemplateView):
    """Write a new broadcast, or edit one not yet sending (`pk`)."""

    template_name = "broadcasts/form.html"

    def broadcast(self) -> Broadcast | None:
        pk = self.kwargs.get("pk")
        return broadcast_for_tenant(self.tenant, pk) if pk else None

    def get(self, request, *args, **kwargs):
        broadcast = self.broadcast()
        if broadcast is not None and broadcast.status not in drafts.EDITABLE:
            messages.error(request, "This broadcast was launched and can't be edited.")
            return redirect("broadcasts:detail", pk=broadcast.pk)
        initial = BroadcastForm.initial_for(broadcast) if broadcast else None
        form = BroadcastForm(initial=initial, tenant=self.tenant)
        return self._page(form, broadcast, preview_context(broadcast))

    def post(self, request, *args, **kwargs):
        broadcast = self.broadcast()
        form = BroadcastForm(request.POST, tenant=self.tenant)
        if form.is_valid():
            try:
                if broadcast is None:
                    broadcast = drafts.broadcast_create(
                        tenant=self.tenant, actor=self.actor, **form.service_values()
                    )
                else:
                    broadcast = drafts.broadcast_update(
                        broadcast, actor=self.actor, **form.service_values()
                    )
            except ValidationError as err:
                form.attach(err)
            except BroadcastConflict as err:
                messages.error(request, str(err))
                return redirect("broadcasts:detail", pk=broadcast.pk)
            else:
                messages.success(request, "Broadcast saved. Launch it from its page.")
                return redirect("broadcasts:detail", pk=broadcast.pk)
        return self._page(form, broadcast, preview_context(_unsaved(self.tenant, form)), 400)

    def _page(self, form, broadcast, preview, status=200):
        context = self.get_context_data(form=form, broadcast=broadcast, **preview)
        return TemplateResponse(self.request, self.template_name, context, status=status)


class BroadcastPreviewView(TenantRequiredMixin, View):
    """The live preview of the form (htmx posts the form as it is typed)."""

    def check_tenant_permission(self, request) -> None:
        return None  # changes nothing: every member may preview

    def post(self, request):
        form = BroadcastForm(request.POST, tenant=self.tenant)
        context = {"form": form, **preview_context(_unsaved(self.tenant, form))}
        return TemplateResponse(request, "broadcasts/_preview.html", context)


class BroadcastDetailView(EmailPreviewPolicyMixin, TenantRequiredMixin, TemplateView):
    template_name = "broadcasts/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        broadcast = broadcast_for_tenant(self.tenant, self.kwargs["pk"])
        status = self.request.GET.get("recipients", "")
        status = status if status in RecipientStatus.values else ""
        recipients = Paginator(recipients_of(broadcast, status=status), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            broadcast=broadcast,
            progress=progress_data(broadcast),
            transitions=timeline(broadcast),
            recipients=recipients,
            recipient_status=status,
            recipient_statuses=RecipientStatus.choices,
            preview_rows=(
                drafts.broadcast_preview(broadcast) if broadcast.status in drafts.EDITABLE else []
            ),
        )
        return context


class BroadcastRecipientsCSVView(TenantRequiredMixin, View):
    """The recipients as CSV (streamed: a broadcast may have a million)."""

    def get(self, request, pk):
        broadcast = broadcast_for_tenant(self.tenant, pk)
        rows = (
            recipients_of(broadcast)
            .values_list(
                "address", "contact__first_name", "contact__last_name", "status",
                "skip_reason", "message__status", "message__error_code", "outcome",
                "opted_out_at",
            )
            .iterator(chunk_size=2000)
        )  # fmt: skip
        header = ["address", "first_name", "last_name", "status", "skip_reason",
                  "message_status", "error_code", "outcome", "opted_out_at"]  # fmt: skip
        return stream_csv(f"broadcast-{broadcast.pk}-recipients.csv", header, rows)


class BroadcastActionView(TenantRequiredMixin, View):
    """Launch, pause, resume, cancel, unschedule, delete."""

    def post(self, request, pk, action):
        broadcast = broadcast_for_tenant(self.tenant, pk)
        try:
            if action == "delete":
                drafts.broadcast_delete(broadcast, actor=self.actor)
                messages.success(request, "Draft deleted.")
                return redirect("broadcasts:list")
            act, done = ACTIONS[action]
            broadcast = act(broadcast, self.actor)
            if action == "launch" and broadcast.status == BroadcastStatus.SCHEDULED:
                done = "Scheduled."
            messages.success(request, done)
        except BroadcastConflict as err:
            messages.error(request, str(err))
        except ValidationError as err:
            for problem in err.messages:
                messages.error(request, problem)
        return redirect("broadcasts:detail", pk=pk)


class BroadcastSettingsView(TenantRequiredMixin, TemplateView):
    template_name = "broadcasts/settings.html"
    write_permission = "manage"

    def get(self, request, *args, **kwargs):
        form = SettingsForm(instance=safety.settings_for(self.tenant))
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = SettingsForm(request.POST, instance=safety.settings_for(self.tenant))
        if form.is_valid():
            try:
                safety.settings_update(tenant=self.tenant, actor=self.actor, **form.cleaned_data)
            except ValidationError as err:
                for field, problems in err.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, "Thresholds saved.")
                return redirect("broadcasts:settings")
        context = self.get_context_data(form=form)
        return self.render_to_response(context, status=400)
