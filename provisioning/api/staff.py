"""Staff actions on subaccounts (provision, suspend, reactivate, close, rotate the token or
the API key, reconcile) and on the number pool."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from isvplatform.api.errors import Conflict
from isvplatform.api.schema import error_responses
from isvplatform.api.views import (
    StaffAPIView,
)
from provisioning import api_keys, services, suspension, tokens
from provisioning import numbers as number_services
from provisioning.api.common import call_service
from provisioning.models import PooledNumber, TwilioSubaccount
from provisioning.reconcile import subaccount_reconcile
from provisioning.serializers import (
    CloseSerializer,
    PhoneNumberSerializer,
    PoolAllocateSerializer,
    PoolBuySerializer,
    PooledNumberSerializer,
    ReconcileRecordSerializer,
    StaffSubaccountSerializer,
    SuspendSerializer,
)
from tenants.models import Tenant


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_subaccounts_list",
        summary="Every subaccount with its status and last error (staff)",
        parameters=[
            OpenApiParameter("status", str, enum=TwilioSubaccount.Status.values),
            OpenApiParameter(
                "origin",
                str,
                enum=TwilioSubaccount.Origin.values,
                description="`connected`: tenants on their own Twilio account.",
            ),
        ],
        responses={200: StaffSubaccountSerializer(many=True), **error_responses(400)},
    )
)
@extend_schema(tags=["staff"])
class StaffSubaccountListView(StaffAPIView, generics.ListAPIView):
    serializer_class = StaffSubaccountSerializer

    def get_queryset(self):
        queryset = TwilioSubaccount.objects.select_related("tenant").order_by("-created_at", "-id")
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in TwilioSubaccount.Status.values:
                raise exceptions.ValidationError({"status": "Unknown status."})
            queryset = queryset.filter(status=wanted)
        origin = self.request.query_params.get("origin")
        if origin:
            if origin not in TwilioSubaccount.Origin.values:
                raise exceptions.ValidationError({"origin": "Unknown origin."})
            queryset = queryset.filter(origin=origin)
        return queryset


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_subaccounts_retrieve",
        summary="One subaccount (staff)",
        responses={200: StaffSubaccountSerializer, **error_responses(404)},
    ),
    patch=extend_schema(
        operation_id="staff_subaccounts_update",
        summary="Override the tenant's number limit (staff)",
        request=StaffSubaccountSerializer,
        responses={200: StaffSubaccountSerializer, **error_responses(400, 404)},
    ),
)
@extend_schema(tags=["staff"])
class StaffSubaccountDetailView(StaffAPIView, generics.RetrieveAPIView):
    queryset = TwilioSubaccount.objects.select_related("tenant")
    serializer_class = StaffSubaccountSerializer
    lookup_url_kwarg = "id"

    def patch(self, request, id):
        sub = self.get_object()
        serializer = StaffSubaccountSerializer(sub, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "number_limit" in serializer.validated_data:
            sub = services.subaccount_set_number_limit(
                subaccount=sub,
                limit=serializer.validated_data["number_limit"],
                actor=self.actor,
            )
        return Response(StaffSubaccountSerializer(sub).data)


class _StaffSubaccountActionView(StaffAPIView, generics.GenericAPIView):
    queryset = TwilioSubaccount.objects.select_related("tenant")
    serializer_class = StaffSubaccountSerializer
    lookup_url_kwarg = "id"

    def respond(self, sub: TwilioSubaccount, code: int = status.HTTP_200_OK) -> Response:
        sub.refresh_from_db()
        return Response(StaffSubaccountSerializer(sub).data, status=code)


def _staff_action(operation_id: str, summary: str, request=None, code: int = 200):
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            summary=summary,
            request=request,
            responses={code: StaffSubaccountSerializer, **error_responses(400, 404, 409)},
            tags=["staff"],
        )
    )


@_staff_action("staff_subaccounts_provision", "Provision or retry provisioning (staff)", code=202)
class StaffSubaccountProvisionView(_StaffSubaccountActionView):
    def post(self, request, id):
        sub = self.get_object()
        if sub.status == TwilioSubaccount.Status.CLOSED:
            raise Conflict("This subaccount is closed; provision a new one for the tenant.")
        sub = call_service(services.subaccount_request, tenant=sub.tenant, actor=self.actor)
        return self.respond(sub, status.HTTP_202_ACCEPTED)


@_staff_action(
    "staff_subaccounts_suspend", "Suspend the subaccount in Twilio (staff)", SuspendSerializer
)
class StaffSubaccountSuspendView(_StaffSubaccountActionView):
    def post(self, request, id):
        body = SuspendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sub = call_service(
            suspension.subaccount_suspend,
            subaccount=self.get_object(),
            actor=self.actor,
            reason=body.validated_data.get("reason", ""),
        )
        return self.respond(sub)


@_staff_action("staff_subaccounts_reactivate", "Reactivate a suspended subaccount (staff)")
class StaffSubaccountReactivateView(_StaffSubaccountActionView):
    def post(self, request, id):
        sub = call_service(
            suspension.subaccount_reactivate, subaccount=self.get_object(), actor=self.actor
        )
        return self.respond(sub)


@_staff_action(
    "staff_subaccounts_close",
    "Close for good: releases every number, then closes the Twilio account (staff)",
    CloseSerializer,
)
class StaffSubaccountCloseView(_StaffSubaccountActionView):
    def post(self, request, id):
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sub = call_service(
            suspension.subaccount_close,
            subaccount=self.get_object(),
            actor=self.actor,
            confirmed=True,
        )
        return self.respond(sub)


@_staff_action("staff_subaccounts_rotate_token", "Rotate the subaccount's auth token (staff)")
class StaffSubaccountRotateTokenView(_StaffSubaccountActionView):
    def post(self, request, id):
        sub = call_service(
            tokens.subaccount_rotate_token, subaccount=self.get_object(), actor=self.actor
        )
        return self.respond(sub)


@_staff_action(
    "staff_subaccounts_rotate_api_key",
    "Replace the subaccount's REST API key; callbacks are unaffected (staff)",
)
class StaffSubaccountRotateApiKeyView(_StaffSubaccountActionView):
    def post(self, request, id):
        sub = call_service(
            api_keys.subaccount_rotate_api_key, subaccount=self.get_object(), actor=self.actor
        )
        return self.respond(sub)


@extend_schema_view(
    post=extend_schema(
        operation_id="staff_subaccounts_reconcile",
        summary="Compare with Twilio now and fix differences (staff)",
        request=None,
        responses={200: ReconcileRecordSerializer(many=True), **error_responses(404, 409)},
        tags=["staff"],
    )
)
class StaffSubaccountReconcileView(_StaffSubaccountActionView):
    def post(self, request, id):
        records = call_service(subaccount_reconcile, subaccount=self.get_object())
        return Response(ReconcileRecordSerializer(records, many=True).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_pool_list",
        summary="Numbers in the master account's pool (staff)",
        responses={200: PooledNumberSerializer(many=True), **error_responses()},
    ),
    post=extend_schema(
        operation_id="staff_pool_buy",
        summary="Buy a number into the pool (staff)",
        request=PoolBuySerializer,
        responses={201: PooledNumberSerializer, **error_responses(400, 409)},
    ),
)
@extend_schema(tags=["staff"])
class StaffPoolListView(StaffAPIView, generics.ListAPIView):
    queryset = PooledNumber.objects.order_by("-created_at", "-id")
    serializer_class = PooledNumberSerializer

    def post(self, request):
        body = PoolBuySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pooled = call_service(
            number_services.pool_buy,
            actor=self.actor,
            phone_number=body.validated_data.get("phone_number"),
            area_code=body.validated_data.get("area_code"),
            friendly_name=body.validated_data.get("friendly_name", ""),
        )
        return Response(PooledNumberSerializer(pooled).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        operation_id="staff_pool_allocate",
        summary="Move a pool number into a tenant's subaccount (staff)",
        request=PoolAllocateSerializer,
        responses={201: PhoneNumberSerializer, **error_responses(400, 404, 409)},
    )
)
@extend_schema(tags=["staff"])
class StaffPoolAllocateView(StaffAPIView, generics.GenericAPIView):
    queryset = PooledNumber.objects.all()
    serializer_class = PooledNumberSerializer
    lookup_url_kwarg = "id"

    def post(self, request, id):
        pooled = self.get_object()
        body = PoolAllocateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tenant = Tenant.objects.filter(pk=body.validated_data["tenant"]).first()
        if tenant is None:
            raise exceptions.ValidationError({"tenant": "No such tenant."})
        number = call_service(
            number_services.pool_allocate, pooled=pooled, tenant=tenant, actor=self.actor
        )
        return Response(PhoneNumberSerializer(number).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        operation_id="staff_pool_release",
        summary="Give an unallocated pool number back to Twilio (staff)",
        request=None,
        responses={200: PooledNumberSerializer, **error_responses(404, 409)},
    )
)
@extend_schema(tags=["staff"])
class StaffPoolReleaseView(StaffAPIView, generics.GenericAPIView):
    queryset = PooledNumber.objects.all()
    serializer_class = PooledNumberSerializer
    lookup_url_kwarg = "id"

    def post(self, request, id):
        pooled = call_service(
            number_services.pool_release, pooled=self.get_object(), actor=self.actor
        )
        return Response(PooledNumberSerializer(pooled).data)
