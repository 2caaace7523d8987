"""The SES tracking webhook: anymail's view, with the basic auth of the account that owns the
email the notification names.

Every tenant with its own SES account subscribes its SNS topic with its own secret
(`EspCredentials.webhook_secret`); the platform's account carries `ANYMAIL["WEBHOOK_SECRET"]`.
A notification about one tenant's email must carry that email's account's secret, so one
tenant can't post events about another's. Bodies are parsed once, bounded, and a malformed
one is a 400, never a 500. Confirming a subscription goes through `emails.esp` with the
owner's keys (or the local SES in sandbox mode).
"""

import json
import time
from typing import Any

from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailWebhookValidationFailure,
)
from anymail.utils import get_request_basic_auth
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare

from emails.models import EspCredentials
from isvplatform import metrics, refusals
from isvplatform.api.errors import error_body
from messaging.models import Message

# SNS messages are at most 256 KB; anything much larger is not SNS.
MAX_BODY_BYTES = 300 * 1024
# The endpoint label of this view in the callback metrics and the refusal tally.
ENDPOINT = "amazon_ses_tracking"
SES_VALIDATED = "Successfully validated SNS topic for Amazon SES event publishing."


def _bad_request(detail: str) -> JsonResponse:
    return JsonResponse(error_body("bad_request", detail), status=400)


def platform_secrets() -> list[str]:
    secrets = settings.ANYMAIL.get("WEBHOOK_SECRET") or []
    return [secrets] if isinstance(secrets, str) else list(secrets)


def _ses_message_id(sns: dict[str, Any]) -> str:
    """`mail.messageId` of the SES event inside a Notification ("" when there is none)."""
    if sns.get("Type") != "Notification":
        return ""
    raw = sns.get("Message")
    if not isinstance(raw, str):
        raise BadRequest("The SNS Notification has no Message string.")
    if raw == SES_VALIDATED:
        return ""
    try:
        ses_event = json.loads(raw)
    except ValueError:
        raise BadRequest("The SNS Message is not JSON.") from None
    if not isinstance(ses_event, dict):
        raise BadRequest("The SNS Message is not a JSON object.")
    mail = ses_event.get("mail")
    message_id = mail.get("messageId") if isinstance(mail, dict) else None
    return message_id if isinstance(message_id, str) else ""


def _credentials_named(request: HttpRequest) -> EspCredentials | None:
    """The tenant's credentials its basic-auth user names (`tenant-<id>-…`), for messages
    that name no email (subscription confirmations, SES's validation notice)."""
    auth = get_request_basic_auth(request) or ""
    user = auth.split(":", 1)[0]
    parts = user.split("-")
    if len(parts) != 3 or parts[0] != "tenant" or not parts[1].isdigit():
        return None
    return EspCredentials.objects.filter(tenant_id=int(parts[1])).first()


def went_through_own_account(message: Message, credentials: EspCredentials | None) -> bool:
    """Whether the email went out through the tenant's own ESP account: the transport stores
    that account's key on the row with the ESP's id (empty: the platform's account)."""
    if credentials is None or not message.account_sid:
        return False
    return message.account_sid == credentials.access_key_id


class SesTrackingView(AmazonSESTrackingWebhookView):
    """/anymail/amazon_ses/tracking/ with per-owner secrets (see the module's docstring)."""

    owner_credentials: EspCredentials | None = None

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        started = time.perf_counter()
        outcome = "error"
        try:
            response = self._post(request, *args, **kwargs)
            outcome = metrics.http_outcome(response.status_code)
            return response
        except SuspiciousOperation:
            outcome = "4xx"  # Django answers it 400
            raise
        finally:
            metrics.observe_callback(ENDPOINT, outcome, time.perf_counter() - started)

    def _post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.META.get("HTTP_AUTHORIZATION"):
            # anymail's 401 challenge, after which SNS sends its basic auth.
            return super().post(request, *args, **kwargs)
        try:
            sns = self._parse(request)
            self.basic_auth, self.owner_credentials = self._allowed(request, sns)
            return super().post(request, *args, **kwargs)
        except BadRequest as err:
            return _bad_request(str(err))

    @staticmethod
    def _parse(request: HttpRequest) -> dict[str, Any]:
        """The SNS body, read once (anymail reads `request._sns_message` after this)."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
            raise BadRequest("The body is larger than an SNS message can be.")
        try:
            sns = json.loads(request.body.decode(request.encoding or "utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("The body is not JSON.") from None
        if not isinstance(sns, dict):
            raise BadRequest("The body is not a JSON object.")
        request._sns_message = sns
        return sns

    def _allowed(
        self, request: HttpRequest, sns: dict[str, Any]
    ) -> tuple[list[str], EspCredentials | None]:
        """The secrets that may sign this body, and the own account they belong to."""
        message_id = _ses_message_id(sns)
        message = (
            Message.objects.filter(esp_message_id=message_id).only(
                "pk", "tenant_id", "account_sid", "created_at", "submitted_at"
            )
            if message_id
            else Message.objects.none()
        ).first()
        if message is not None:
            credentials = EspCredentials.objects.filter(tenant_id=message.tenant_id).first()
            if went_through_own_account(message, credentials):
                return [credentials.webhook_secret.reveal()], credentials
            return platform_secrets(), None
        named = _credentials_named(request)
        if named is not None and named.webhook_secret:
            return [*platform_secrets(), named.webhook_secret.reveal()], named
        return platform_secrets(), None

    def run_validators(self, request: HttpRequest) -> None:
        try:
            super().run_validators(request)
        except AnymailWebhookValidationFailure:
            refusals.record_refusal(ENDPOINT, "invalid_basic_auth")
            raise
        except AnymailAPIError as err:
            raise BadRequest(str(err)) from err
        # Confirm with the keys of the account whose secret the request carried.
        auth = get_request_basic_auth(request) or ""
        if self.owner_credentials is not None and any(
            constant_time_compare(auth, secret) for secret in platform_secrets()
        ):
            self.owner_credentials = None

    def parse_events(self, request: HttpRequest) -> list:
        try:
            return super().parse_events(request)
        except (AnymailAPIError, AnymailConfigurationError) as err:
            raise BadRequest(str(err)[:300]) from err
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise BadRequest(f"The SES event could not be read ({type(err).__name__}).") from err

    def auto_confirm_sns_subscription(self, sns_message: dict[str, Any]) -> None:
        """anymail's confirmation; a refusal (a stale token) is the sender's 400, while a
        passing trouble stays an error so SNS posts the confirmation again."""
        from emails import esp

        try:
            with esp.translate_errors():
                super().auto_confirm_sns_subscription(sns_message)
        except esp.RetryableEspError:
            raise
        except esp.EspError as err:
            raise BadRequest(f"The subscription could not be confirmed ({err.code}).") from err

    def get_boto_client(self, service_name: str, **kwargs: Any):
        """SNS for confirming a subscription: the owner's account, or the platform's."""
        from emails import esp

        return esp.ses_client(credentials=self.owner_credentials, service=service_name)
