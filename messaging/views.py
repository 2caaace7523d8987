"""Portal pages of messaging: composer, message log, conversations inbox, opt-outs.

Thin: reads go through `messaging.selectors` scoped to `self.tenant`, writes through
`messaging.services`. Live parts (the composer's estimate, the inbox and an open thread)
are htmx partials polled by the page, so no request holds a worker while a page is open.
"""

import json

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from isvplatform.csp_policy import EmailPreviewPolicyMixin
from messaging import csvio
from messaging.forms import (
    ComposeForm,
    KeywordRepliesForm,
    LogFilterForm,
    OptOutAddForm,
    OptOutImportForm,
    ReplyForm,
)
from messaging.keywords import keyword_responders
from messaging.log_rows import PORTAL_COLUMNS, portal_rows
from messaging.media import media_response
from messaging.models import Channel, Conversation, Message, MessageMedia, OptOut
from messaging.selectors import (
    consent_history,
    email_timeline,
    filter_messages,
    iterate_messages,
    keyset_page,
    message_events,
    message_timeline,
    tenant_conversations,
    tenant_optouts,
    thread_messages,
    with_template_text,
)
from messaging.services import (
    SendRefused,
    conversation_mark_read,
    default_replies,
    message_estimate,
    message_send,
    messaging_settings_for,
    messaging_settings_update,
    optout_add,
    optout_import,
    optout_remove,
    whatsapp_window_closes_at,
)
from messaging.services.template_sends import sendable_templates
from messaging.views_templates import picker_state
from provisioning.accounts import sending_mode
from tenants.forms import add_service_errors
from tenants.views import TenantRequiredMixin


def _body_with_marks(body: str, positions: set[int]) -> list[tuple[str, bool]]:
    """The body as (text, forces UCS-2) runs, for highlighting in the estimate."""
    runs: list[tuple[str, bool]] = []
    for index, char in enumerate(body):
        marked = index in positions
        if runs and runs[-1][1] == marked:
            runs[-1] = (runs[-1][0] + char, marked)
        else:
            runs.append((char, marked))
    return runs


# --- composer ---------------------------------------------------------------------------


class ComposeView(TenantRequiredMixin, TemplateView):
    template_name = "messaging/compose.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initial = {k: self.request.GET[k] for k in ("to", "channel") if k in self.request.GET}
        templates = sendable_templates(self.tenant)
        context.setdefault(
            "form", ComposeForm(tenant=self.tenant, initial=initial, templates=templates)
        )
        context["picked"] = picker_state(self.tenant, context["form"].data)
        # Why sending is paused (suspension, a blocked Twilio account) is told apart from
        # a role that only reads.
        context["sending"] = sending_mode(self.tenant) if self.tenant.is_active else None
        return context

    def post(self, request, *args, **kwargs):
        form = ComposeForm(
            request.POST, tenant=self.tenant, templates=sendable_templates(self.tenant)
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                message = message_send(
                    tenant=self.tenant,
                    to=data["to"],
                    channel=data["channel"],
                    body=data["body"],
                    media_urls=data["media_urls"],
                    content_sid=data["content_sid"],
                    content_variables=data["content_variables"],
                    template=data["template"],
                    variables=form.template_variables(),
                    from_=data["from_"],
                    actor=self.actor,
                    origin=Message.Origin.PORTAL,
                )
            except ValidationError as err:
                _add_errors(form, err)
            else:
                flash.success(request, f"Message to {message.to_number} queued.")
                return redirect("messaging:message", pk=message.pk)
        return self.render_to_response(self.get_context_data(form=form))


def _add_errors(form, err: ValidationError) -> None:
    if isinstance(err, SendRefused) and hasattr(err, "error_dict"):
        for field, msgs in err.message_dict.items():
            name = "from_" if field == "from" else field
            form.add_error(name if name in form.fields else None, msgs)
        return
    add_service_errors(form, err)


class EstimateView(TenantRequiredMixin, View):
    """The composer's live estimate (htmx, as one types): segments, encoding, price."""

    def get(self, request):
        body = request.GET.get("body", "")[:5000]
        channel = request.GET.get("channel", Channel.SMS)
        channel = channel if channel in Channel.values else Channel.SMS
        media = [u for u in request.GET.get("media_urls", "").splitlines() if u.strip()]
        estimate = message_estimate(
            tenant=self.tenant,
            body=body,
            channel=channel,
            to=request.GET.get("to", ""),
            media_urls=media,
            # A picked template is priced as one (its id stands for its content SID here).
            content_sid=request.GET.get("content_sid", "") or request.GET.get("template", ""),
        )
        positions = {c.index for c in estimate.info.unicode_chars}
        return render(
            request,
            "messaging/_estimate.html",
            {
                "estimate": estimate,
                "e": estimate.as_dict(),
                "runs": _body_with_marks(body, positions) if positions else [],
            },
        )


# --- message log ------------------------------------------------------------------------


class MessageLogView(TenantRequiredMixin, TemplateView):
    """The filtered log; invalid filters are shown beside the form (and answer 400)."""

    template_name = "messaging/log.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if context["form"].errors else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = LogFilterForm(self.request.GET or None)
        filters = form.filters()
        queryset = filter_messages(Message.objects.for_tenant(self.tenant), filters)
        page = keyset_page(queryset.values(*PORTAL_COLUMNS), self.request.GET.get("after"))
        params = self.request.GET.copy()
        params.pop("after", None)
        context.update(
            form=form,
            page=page,
            messages_page=portal_rows(page.items),
            filter_query=params.urlencode(),
            filtered=filters.active,
        )
        return context


class MessageExportView(TenantRequiredMixin, View):
    """The filtered log as CSV, streamed in keyset chunks however long it is."""

    def get(self, request):
        form = LogFilterForm(request.GET)
        if not form.is_valid():  # checked before the streamed response starts
            fields = {name: list(errors) for name, errors in form.errors.items()}
            return render(request, "bad_input.html", {"fields": fields}, status=400)
        queryset = filter_messages(Message.objects.for_tenant(self.tenant), form.filters())
        rows = (csvio.message_row(m) for m in iterate_messages(queryset))
        return csvio.stream_csv("messages.csv", csvio.MESSAGE_HEADER, rows)


class MessageDetailView(EmailPreviewPolicyMixin, TenantRequiredMixin, TemplateView):
    template_name = "messaging/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        message = get_object_or_404(
            Message.objects.for_tenant(self.tenant).select_related("conversation", "template"),
            pk=self.kwargs["pk"],
        )
        raw_events = message_events(message)
        for event in raw_events:
            event.pretty = json.dumps(event.payload, indent=2, sort_keys=True)
        context.update(
            message=message,
            template_text=with_template_text([message])[0].template_text,
            timeline=message_timeline(message, raw_events),
            raw_events=raw_events,
            media=list(message.media.all()),
            email_events=email_timeline(message),
        )
        return context


class MessageMediaView(TenantRequiredMixin, View):
    """One media item of an inbound message, served from the platform's stored copy."""

    def get(self, request, pk, media_pk):
        media = get_object_or_404(
            MessageMedia.objects.for_tenant(self.tenant), pk=media_pk, message_id=pk
        )
        return media_response(media)


# --- conversations ----------------------------------------------------------------------


class InboxView(TenantRequiredMixin, TemplateView):
    """Threads, most recent first; the list refreshes itself (htmx polling)."""

    template_name = "messaging/inbox.html"
    partial_template = "messaging/_inbox_list.html"

    def get_template_names(self):
        if self.request.htmx and self.request.GET.get("partial"):
            return [self.partial_template]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()[:40]
        channel = self.request.GET.get("channel", "")
        context.update(
            conversations=list(tenant_conversations(self.tenant, q, channel)[:100]),
            q=q,
            channel=channel,
            channels=Channel.choices,
            poll_query=self.request.GET.urlencode(),
        )
        return context


class ThreadView(TenantRequiredMixin, TemplateView):
    """One thread with statuses and a reply box; the messages refresh themselves."""

    template_name = "messaging/thread.html"
    partial_template = "messaging/_thread_messages.html"

    def get_conversation(self) -> Conversation:
        return get_object_or_404(Conversation.objects.for_tenant(self.tenant), pk=self.kwargs["pk"])

    def get_template_names(self):
        if self.request.htmx and self.request.GET.get("partial"):
            return [self.partial_template]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        conversation = kwargs.get("conversation") or self.get_conversation()
        conversation_mark_read(conversation=conversation)
        window = None
        if conversation.channel == Channel.WHATSAPP:
            window = whatsapp_window_closes_at(
                tenant_id=self.tenant.pk,
                contact_number=conversation.contact_number,
                our_number=conversation.our_number,
            )
        needs_template = conversation.channel == Channel.WHATSAPP and window is None
        context.setdefault("form", self.reply_form(needs_template))
        context.update(
            conversation=conversation,
            thread=thread_messages(conversation),
            window_closes_at=window,
            needs_template=needs_template,
            picked=picker_state(self.tenant, context["form"].data),
        )
        return context

    def reply_form(self, offers_templates: bool, data=None) -> ReplyForm:
        """The reply box; on WhatsApp it offers the approved templates (the only thing that
        can be sent while the window is closed)."""
        templates = sendable_templates(self.tenant) if offers_templates else ()
        return ReplyForm(data, templates=templates)

    def post(self, request, *args, **kwargs):
        conversation = self.get_conversation()
        form = self.reply_form(conversation.channel == Channel.WHATSAPP, request.POST)
        if form.is_valid():
            try:
                message_send(
                    tenant=self.tenant,
                    to=conversation.contact_number,
                    channel=conversation.channel,
                    body=form.cleaned_data["body"],
                    template=form.cleaned_data.get("template", ""),
                    variables=form.template_variables(),
                    from_=conversation.our_number,
                    actor=self.actor,
                    origin=Message.Origin.REPLY,
                )
            except ValidationError as err:
                _add_errors(form, err)
            else:
                return redirect("messaging:thread", pk=conversation.pk)
        context = self.get_context_data(form=form, conversation=conversation)
        return self.render_to_response(context)


# --- opt-outs ---------------------------------------------------------------------------


class OptOutsView(TenantRequiredMixin, TemplateView):
    template_name = "messaging/optouts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()[:40]
        channel = self.request.GET.get("channel", "")
        page = keyset_page(tenant_optouts(self.tenant, q, channel), self.request.GET.get("after"))
        settings_row = messaging_settings_for(self.tenant)
        context.setdefault("add_form", OptOutAddForm())
        context.setdefault("import_form", OptOutImportForm())
        context.setdefault("replies_form", KeywordRepliesForm(instance=settings_row))
        context.update(
            page=page,
            optouts=page.items,
            q=q,
            channel=channel,
            channels=Channel.choices,
            defaults=default_replies(self.tenant),
            responders=keyword_responders(self.tenant),
            ledger=list(consent_history(self.tenant, self._ledger_number())[:25]),
            ledger_number=self._ledger_number(),
        )
        return context

    def _ledger_number(self) -> str:
        return self.request.GET.get("ledger", "").strip()[:20]

    def post(self, request, *args, **kwargs):
        form = OptOutAddForm(request.POST)
        if form.is_valid():
            try:
                _, created = optout_add(
                    tenant=self.tenant,
                    number=form.cleaned_data["number"],
                    channel=form.cleaned_data["channel"],
                    source=OptOut.Source.MANUAL,
                    reason=form.cleaned_data["reason"],
                    actor=self.actor,
                )
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                if created:
                    flash.success(request, f"{form.cleaned_data['number']} is opted out.")
                else:
                    flash.info(request, "That number was already opted out.")
                return redirect("messaging:optouts")
        return self.render_to_response(self.get_context_data(add_form=form))


class OptOutRemoveView(TenantRequiredMixin, View):
    def post(self, request, pk):
        optout = get_object_or_404(OptOut.objects.for_tenant(self.tenant), pk=pk)
        optout_remove(
            tenant=self.tenant,
            number=optout.number,
            channel=optout.channel,
            source=OptOut.Source.MANUAL,
            reason=request.POST.get("reason", "")[:500],
            actor=self.actor,
        )
        flash.success(request, f"{optout.number} can be messaged again on {optout.channel}.")
        return redirect("messaging:optouts")


class OptOutImportView(OptOutsView):
    """The opt-outs page's import form; a file that can't be read is shown beside it (400)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = OptOutImportForm(request.POST, request.FILES)
        if not form.is_valid():
            context = self.get_context_data(import_form=form)
            return self.render_to_response(context, status=400)
        rows = form.cleaned_data["rows"]
        result = optout_import(tenant=self.tenant, rows=rows, actor=self.actor)
        summary = f"Imported {result.added} opt-out(s); {result.already} were already there."
        if result.errors:
            shown = "; ".join(f"line {line}: {error}" for line, error in result.errors[:5])
            flash.warning(request, f"{summary} {len(result.errors)} row(s) skipped ({shown}).")
        else:
            flash.success(request, summary)
        return redirect("messaging:optouts")


class OptOutExportView(TenantRequiredMixin, View):
    def get(self, request):
        queryset = tenant_optouts(self.tenant, request.GET.get("q", ""), request.GET.get("channel"))
        rows = (csvio.optout_row(o) for o in queryset.iterator(2000))
        return csvio.stream_csv("opt-outs.csv", csvio.OPTOUT_HEADER, rows)


class KeywordRepliesView(TenantRequiredMixin, View):
    write_permission = "manage"

    def post(self, request):
        form = KeywordRepliesForm(request.POST, instance=messaging_settings_for(self.tenant))
        if form.is_valid():
            try:
                messaging_settings_update(
                    tenant=self.tenant, data=form.cleaned_data, actor=self.actor
                )
            except ValidationError as err:
                flash.error(request, " ".join(err.messages))
            else:
                flash.success(request, "Keyword replies saved.")
        else:
            flash.error(request, "Keep each reply to 320 characters.")
        return redirect(reverse("messaging:optouts") + "#replies")
