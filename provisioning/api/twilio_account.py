"""The tenant's own Twilio account: its status, connecting it, disconnecting it."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from isvplatform.api.schema import error_responses
from isvplatform.api.views import MANAGE_ROLES, TenantAPIView
from provisioning.api.common import call_service
from provisioning.connected import twilio_account_connect, twilio_account_disconnect
from provisioning.selectors import connected_account
from provisioning.serializers import TwilioAccountConnectSerializer, TwilioAccountSerializer


@extend_schema(tags=["subaccount"])
class TwilioAccountView(TenantAPIView):
    """Bring your own Twilio account instead of a platform subaccount (owners and admins)."""

    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="twilio_account_retrieve",
        summary="Whether the tenant's own Twilio account is connected",
        responses={200: TwilioAccountSerializer, **error_responses()},
    )
    def get(self, request):
        return Response(TwilioAccountSerializer.build(connected_account(self.tenant)))

    @extend_schema(
        operation_id="twilio_account_connect",
        summary="Connect the tenant's own Twilio account",
        description="The credentials are checked with a call to Twilio, stored encrypted and "
        "never returned. The account's SMS-capable numbers are then adopted and their "
        "webhooks pointed at the platform.",
        request=TwilioAccountConnectSerializer,
        responses={201: TwilioAccountSerializer, **error_responses(400, 409)},
    )
    def post(self, request):
        serializer = TwilioAccountConnectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sub = call_service(
            twilio_account_connect,
            tenant=self.tenant,
            actor=self.actor,
            account_sid=serializer.validated_data["twilio_account_sid"],
            auth_token=serializer.validated_data["twilio_auth_token"],
            api_key_sid=serializer.validated_data.get("twilio_api_key_sid", ""),
            api_key_secret=serializer.validated_data.get("twilio_api_key_secret", ""),
        )
        return Response(TwilioAccountSerializer.build(sub), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="twilio_account_disconnect",
        summary="Disconnect the tenant's own Twilio account (nothing changes at Twilio)",
        responses={200: TwilioAccountSerializer, **error_responses(409)},
    )
    def delete(self, request):
        sub = call_service(twilio_account_disconnect, tenant=self.tenant, actor=self.actor)
        return Response(TwilioAccountSerializer.build(sub))
