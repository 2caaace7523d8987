"""REST API of messaging: send and estimate, message logs, conversations, opt-outs, consent.

Views route only: tenant scoping and roles come from the base views, shape checks from the
serializers, every decision and write from `messaging.services`. POSTs that send honour an
`Idempotency-Key` header.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from isvplatform.api.errors import error_body
from isvplatform.api.pagination import CursorPagination
from isvplatform.api.schema import ErrorSerializer, error_responses
from isvplatform.api.views import TenantAPIView, TenantScopedMixin
from messaging import csvio
from messaging.forms import FILTER_DATE_MAX, FILTER_DATE_MIN, message_filters
from messaging.idempotency import idempotent
from messaging.log_rows import API_COLUMNS, api_items
from messaging.media import media_response
from messaging.models import (
    Channel,
    Conversation,
    Message,
    MessageMedia,
    Status,
)
from messaging.selectors import (
    email_timeline,
    filter_messages,
    iterate_messages,
    message_events,
    message_timeline,
)
from messaging.serializers import (
    BatchResultSerializer,
    BatchSendSerializer,
    ConversationSerializer,
    EstimateResultSerializer,
    EstimateSerializer,
    MessageBatchSerializer,
    MessageCreateSerializer,
    MessageDetailSerializer,
    MessageSerializer,
    ReplySerializer,
    SendErrorSerializer,
    batch_items,
    message_data,
)
from messaging.services import (
    BATCH_MAX,
    SendRefused,
    conversation_mark_read,
    message_estimate,
    message_send,
    message_send_batch,
)
from messaging.transports import sender_for
from tenants.models import Membership

ALL_ROLES = frozenset(Membership.Role.values)
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Repeat a POST safely: the same key and body return the first response and "
    "send nothing new; the same key with another body is a 409.",
)
_DATES = f"A day from {FILTER_DATE_MIN} to {FILTER_DATE_MAX}."
MESSAGE_FILTERS = [
    OpenApiParameter("direction", OpenApiTypes.STR, enum=["outbound", "inbound"]),
    OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
    OpenApiParameter(
        "number",
        {"type": "string", "maxLength": 254},
        description="E.164 (exact) or digits; an email address (exact) or part of one.",
    ),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description=_DATES),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description=_DATES),
    OpenApiParameter(
        "q", {"type": "string", "maxLength": 200}, description="Text in the body or subject."
    ),
]


TOO_LARGE = OpenApiResponse(
    ErrorSerializer,
    description="The body is larger than the server reads (`DATA_UPLOAD_MAX_MEMORY_SIZE`, "
    "2.5 MB by default): send fewer or shorter messages per batch.",
)


# Refusals that are not about the request itself answer with their own status: a reached
# hard spending limit is money, not a malformed send (402, until the period resets or staff
# lift it); every other refusal is a 400.
REFUSAL_STATUS = {"spending_limit_reached": status.HTTP_402_PAYMENT_REQUIRED}


def refused(err: SendRefused) -> Response:
    """A refusal with its own error code (e.g. `recipient_opted_out`), the reason, and what
    the refusal adds (`templates` when WhatsApp's window is closed)."""
    fields = err.message_dict if hasattr(err, "error_dict") else {}
    body = error_body(err.reason, err.reason_message, fields)
    body["error"].update(err.extra)
    return Response(body, status=REFUSAL_STATUS.get(err.reason, status.HTTP_400_BAD_REQUEST))


SEND_ERRORS = {
    **error_responses(400, 409),
    400: OpenApiResponse(
        SendErrorSerializer,
        description="Invalid input or a refusal: `error.code` says which (e.g. "
        "`whatsapp_window_closed`, `template_paused`), `error.fields` names the field, and a "
        "closed WhatsApp window lists the approved templates in `error.templates`.",
    ),
    402: OpenApiResponse(
        SendErrorSerializer,
        description="A hard spending limit of the business is reached "
        "(`spending_limit_reached`): `error.message` names the limit, its value and period, "
        "and the day sending resumes (unless staff lift it sooner). Nothing was stored or sent.",
    ),
}


def _send_own(send, view: TenantAPIView, data: dict, defaults: dict) -> Message:
    """A message of a channel with its own send service (email): its own fields, the same
    refusals."""
    return send(
        tenant=view.tenant,
        to=defaults.get("to") or data["to"],
        from_=defaults.get("from_", data.get("from", "")),
        subject=data.get("subject", ""),
        html=data.get("html", ""),
        text=data.get("text", "") or data.get("body", ""),
        template=str(data.get("template") or ""),
        variables=data.get("variables") or {},
        category=data.get("category") or "transactional",
        actor=view.actor,
        origin=defaults.get("origin", Message.Origin.API),
    )


def _send(view: TenantAPIView, data: dict, **defaults) -> Response:
    channel = defaults.get("channel") or data.get("channel", Channel.SMS)
    own_sender = sender_for(channel)
    try:
        if own_sender is not None:
            message = _send_own(own_sender, view, data, defaults)
            return Response(message_data(message), status=status.HTTP_201_CREATED)
        message = message_send(
            tenant=view.tenant,
            to=defaults.get("to") or data["to"],
            channel=channel,
            body=data.get("body", ""),
            media_urls=data.get("media_urls") or [],
            content_sid=data.get("content_sid", ""),
            content_variables=data.get("content_variables") or {},
            template=str(data.get("template") or ""),
            variables=data.get("variables") or {},
            from_=defaults.get("from_", data.get("from", "")),
            actor=view.actor,
            origin=defaults.get("origin", Message.Origin.API),
        )
    except SendRefused as err:
        return refused(err)
    return Response(message_data(message), status=status.HTTP_201_CREATED)


# --- messages ---------------------------------------------------------------------------


@extend_schema(tags=["messages"])
class MessageListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    """The tenant's message log (newest first), and sending."""

    model = Message
    serializer_class = MessageSerializer

    def tenant_queryset(self, queryset):
        return filter_messages(queryset, message_filters(self.request.query_params))

    @extend_schema(
        operation_id="messages_list",
        summary="Message log",
        parameters=MESSAGE_FILTERS,
        responses={200: MessageSerializer(many=True), **error_responses(400)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        """`MessageSerializer`'s JSON built from `.values()` rows (see `messaging.log_rows`)."""
        queryset = self.filter_queryset(self.get_queryset()).values(*API_COLUMNS)
        rows = self.paginate_queryset(queryset)
        return self.get_paginated_response(api_items(rows))

    @extend_schema(
        operation_id="messages_create",
        summary="Send a message",
        description="Validates everything first (E.164, 1,600 characters, opt-outs, the 10DLC "
        "gate, WhatsApp's 24-hour window, a sender) and answers 201 with the message queued; "
        "statuses follow, and `conversation_id` is set once its send task runs (a reply in a "
        "conversation has it at once). A WhatsApp template goes by `template` (an approved "
        "template's id) with its `variables`. Refusals carry a code such as `recipient_opted_out`, "
        "`whatsapp_window_closed`, `template_paused`, `template_disabled`, "
        "`template_not_approved`, `no_sender` or `no_twilio_account`; a reached hard spending "
        "limit is a 402 `spending_limit_reached`. "
        'On `channel: "email"`, `to` and `from` are addresses (`from` at a verified '
        "sending identity, else `identity_not_verified`), with `subject`, `html` and/or "
        "`text`, or `template` (an email template's id) and its `variables`; `category` "
        "marketing adds the one-click unsubscribe. A suppressed address is refused with "
        "`recipient_suppressed`.",
        request=MessageCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: MessageSerializer, **SEND_ERRORS},
    )
    def post(self, request, *args, **kwargs):
        def handler() -> Response:
            serializer = MessageCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            return _send(self, serializer.validated_data)

        return idempotent(request, self.tenant, handler)


@extend_schema(tags=["messages"])
class MessageBatchView(TenantAPIView):
    """Many sends in one request, each checked and answered on its own."""

    @extend_schema(
        operation_id="messages_batch_create",
        summary="Send a batch of messages",
        description=f"Up to {BATCH_MAX:,} messages, each with the fields of a single send and "
        "checked as one (E.164, length, template, opt-outs, sender, the 10DLC gate, "
        "WhatsApp's window). Answers 200 whenever the batch itself is well formed, with one "
        "result per item in request order: `queued` with the message's `id`, or `refused` "
        "with the single send's `code` (`invalid` for bad input), `message` and `errors` by "
        "field. The queued ones are stored together and sent by the worker; each gets its "
        "conversation when its send task runs. More items, or none, is a 400 naming "
        "`messages`. An `Idempotency-Key` covers the whole batch: a replay answers the same "
        "results and stores nothing.",
        request=MessageBatchSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={200: BatchResultSerializer, **error_responses(400, 409), 413: TOO_LARGE},
    )
    def post(self, request):
        def handler() -> Response:
            serializer = BatchSendSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            results = message_send_batch(
                tenant=self.tenant,
                items=batch_items(serializer.validated_data["messages"]),
                actor=self.actor,
            )
            queued = sum(1 for r in results if r.queued)
            body = {
                "queued": queued,
                "refused": len(results) - queued,
                "results": [r.as_dict() for r in results],
            }
            return Response(body, status=status.HTTP_200_OK)

        return idempotent(request, self.tenant, handler)


@extend_schema(tags=["messages"])
class MessageDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    """One message with its status timeline, raw Twilio events and media."""

    model = Message
    serializer_class = MessageDetailSerializer
    lookup_url_kwarg = "id"

    def tenant_queryset(self, queryset):
        return queryset.select_related("template").prefetch_related("media")

    @extend_schema(
        operation_id="messages_retrieve",
        summary="One message, its timeline and raw events",
        responses={200: MessageDetailSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        message = self.get_object()
        raw_events = message_events(message)
        context = {
            "events": raw_events,
            "timeline": message_timeline(message, raw_events),
            "email_events": email_timeline(message),
            "request": request,
        }
        return Response(MessageDetailSerializer(message, context=context).data)


@extend_schema(tags=["messages"])
class MessageEstimateView(TenantAPIView):
    """Segments, encoding and price of a draft; nothing is stored or sent."""

    write_roles = ALL_ROLES

    @extend_schema(
        operation_id="messages_estimate",
        summary="Estimate segments, encoding and price",
        request=EstimateSerializer,
        responses={200: EstimateResultSerializer, **error_responses(400)},
    )
    def post(self, request):
        serializer = EstimateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        estimate = message_estimate(
            tenant=self.tenant,
            body=data.get("body", ""),
            channel=data.get("channel", Channel.SMS),
            to=data.get("to", ""),
            media_urls=data.get("media_urls") or [],
            content_sid=data.get("content_sid", ""),
        )
        return Response(estimate.as_dict())


# --- conversations ----------------------------------------------------------------------


class ConversationPagination(CursorPagination):
    ordering = ("-last_message_at", "-pk")


@extend_schema(tags=["conversations"])
class ConversationListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    """Threads with their last message and unread count, most recent first."""

    model = Conversation
    serializer_class = ConversationSerializer
    pagination_class = ConversationPagination

    def tenant_queryset(self, queryset):
        queryset = queryset.select_related("last_message")
        channel = self.request.query_params.get("channel", "")
        return queryset.filter(channel=channel) if channel in Channel.values else queryset

    @extend_schema(
        operation_id="conversations_list",
        summary="Conversations",
        parameters=[OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values)],
        responses={200: ConversationSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["conversations"])
class ConversationDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = Conversation
    serializer_class = ConversationSerializer
    lookup_url_kwarg = "id"

    def tenant_queryset(self, queryset):
        return queryset.select_related("last_message")

    @extend_schema(
        operation_id="conversations_retrieve",
        summary="One conversation",
        responses={200: ConversationSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["conversations"])
class ConversationMessagesView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    """The messages of one thread (newest first), and replying in it."""

    model = Conversation
    serializer_class = MessageSerializer
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="conversations_messages_list",
        summary="Messages of a conversation",
        responses={200: MessageSerializer(many=True), **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        conversation = self.get_object()
        messages = (
            Message.objects.for_tenant(self.tenant)
            .filter(conversation=conversation)
            .select_related("template")
        )
        page = self.paginate_queryset(messages)
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(
        operation_id="conversations_messages_create",
        summary="Reply in a conversation",
        description="Sends from the conversation's number to its contact, on its channel.",
        request=ReplySerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: MessageSerializer, **SEND_ERRORS, 404: error_responses(404)[404]},
    )
    def post(self, request, *args, **kwargs):
        conversation = self.get_object()

        def handler() -> Response:
            serializer = ReplySerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            return _send(
                self,
                serializer.validated_data,
                to=conversation.contact_number,
                channel=conversation.channel,
                from_=conversation.our_number,
                origin=Message.Origin.REPLY,
            )

        return idempotent(request, self.tenant, handler)


@extend_schema(tags=["conversations"])
class ConversationReadView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = Conversation
    serializer_class = ConversationSerializer
    lookup_url_kwarg = "id"
    write_roles = ALL_ROLES

    @extend_schema(
        operation_id="conversations_mark_read",
        summary="Mark a conversation read",
        request=None,
        responses={200: ConversationSerializer, **error_responses(404)},
    )
    def post(self, request, *args, **kwargs):
        conversation = self.get_object()
        conversation_mark_read(conversation=conversation)
        return Response(ConversationSerializer(conversation).data)


@extend_schema(tags=["messages"])
class MessageExportView(TenantAPIView):
    @extend_schema(
        operation_id="messages_export",
        summary="Export the (filtered) message log as CSV",
        parameters=MESSAGE_FILTERS,
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(400)},
    )
    def get(self, request):
        # The filters are checked here, before the streamed response starts.
        filters = message_filters(request.query_params)
        queryset = filter_messages(Message.objects.for_tenant(self.tenant), filters)
        rows = (csvio.message_row(m) for m in iterate_messages(queryset))
        return csvio.stream_csv("messages.csv", csvio.MESSAGE_HEADER, rows)


@extend_schema(tags=["messages"])
class MessageMediaContentView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    """The platform's stored copy of one inbound media item (the file itself)."""

    model = MessageMedia
    lookup_url_kwarg = "id"
    write_roles = ALL_ROLES

    @extend_schema(
        operation_id="media_retrieve",
        summary="Download one media item of an inbound message",
        responses={(200, "*/*"): OpenApiTypes.BINARY, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return media_response(self.get_object())
