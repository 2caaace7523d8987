"""The only door to the ESP: anymail connections, boto3 clients and the ESP's errors.

Nothing else builds an anymail connection or a boto3 client, so the choice of account and
endpoint lives here once:

- the account: the tenant's own `EspCredentials` when they are active, else the platform's
  (`ANYMAIL` settings, or the local SES's platform keys in sandbox mode);
- the endpoint: the local SES (`sandbox.aws.transport`) in sandbox mode, and always for a
  demo tenant, so demos cost nothing; the ESP itself in live mode.

botocore's own retries are off: a SendEmail retried after a timeout may send twice, so the
send task retries instead, knowing whether the attempt may have reached the ESP. Errors come
out as `EspError` (the ESP refused: retrying changes nothing) or `RetryableEspError`
(throttling, 5xx, network), never as botocore or anymail exceptions.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
from botocore import exceptions as boto_errors
from botocore.config import Config
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from emails.models import EspCredentials

SES = "amazon_ses"
ESP_LABELS = {SES: "Amazon SES"}

# SES's answers that mean "not now": the request was not acted on, so it can be repeated.
RETRYABLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalFailure",
        "InternalServerError",
    }
)
BOTO_ERRORS = (boto_errors.BotoCoreError, boto_errors.ClientError)
# One attempt per call, bounded: the send task's retries take over from there.
_BOTO_CONFIG = Config(
    retries={"total_max_attempts": 1, "mode": "standard"},
    connect_timeout=5,
    read_timeout=30,
)


class EspError(Exception):
    """The ESP refused or failed; `.code` is its error code ("MessageRejected"), `.message`
    its words, `.may_have_sent` whether the request may have been acted on anyway."""

    def __init__(
        self, code: str, message: str, *, status: int | None = None, may_have_sent: bool = False
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.may_have_sent = may_have_sent

    def __str__(self) -> str:
        return f"{self.message} ({self.code})" if self.code else self.message


class RetryableEspError(EspError):
    """Throttling, an ESP-side failure or the network: try again later."""


def esp_label(esp: str | None = None) -> str:
    esp = esp or settings.EMAIL_ESP
    return ESP_LABELS.get(esp, esp.replace("_", " ").title())


def sandboxed(tenant: Any = None) -> bool:
    """Whether calls go to the local SES: sandbox mode, or a demo tenant in any mode."""
    return settings.EMAIL_MODE == "sandbox" or bool(getattr(tenant, "is_demo", False))


def active_credentials(tenant: Any) -> EspCredentials | None:
    """The tenant's own ESP account when it passed its check, else None (the platform's)."""
    if tenant is None:
        return None
    return (
        EspCredentials.objects.for_tenant(tenant)
        .filter(status=EspCredentials.Status.ACTIVE)
        .first()
    )


def _sandbox_wiring() -> tuple[dict, str]:
    # Imported on use: live deployments never load the sandbox.
    from sandbox.aws import transport

    return transport.session_params(), transport.endpoint_url()


def boto_params(
    tenant: Any = None, credentials: EspCredentials | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """boto3's Session and client keyword arguments for this account and endpoint. Keys go to
    the client, never onto a (possibly shared) botocore session."""
    anymail = getattr(settings, "ANYMAIL", {})
    session: dict[str, Any] = {}
    client: dict[str, Any] = {"region_name": settings.AWS_SES_REGION}
    if credentials is not None:
        client.update(
            region_name=credentials.region or settings.AWS_SES_REGION,
            aws_access_key_id=credentials.access_key_id,
            aws_secret_access_key=credentials.secret_access_key.reveal(),
        )
    elif sandboxed(tenant):
        client.update(
            aws_access_key_id=settings.SANDBOX_AWS_ACCESS_KEY_ID,
            aws_secret_access_key=settings.SANDBOX_AWS_SECRET_ACCESS_KEY,
        )
    else:
        session.update(anymail.get("AMAZON_SES_SESSION_PARAMS", {}))
        client.update(anymail.get("AMAZON_SES_CLIENT_PARAMS", {}))
    config = client.get("config")
    if isinstance(config, dict):
        config = Config(**config)
    client["config"] = config.merge(_BOTO_CONFIG) if config is not None else _BOTO_CONFIG
    if sandboxed(tenant):
        sandbox_session, endpoint = _sandbox_wiring()
        session.update(sandbox_session)
        client["endpoint_url"] = endpoint
    return session, client


def ses_client(
    tenant: Any = None, credentials: EspCredentials | None = None, service: str = "sesv2"
) -> Any:
    """A boto3 client ("sesv2" or "sns") of the account that serves `tenant`: `credentials`
    when given (e.g. while checking new ones), else the tenant's active ones, else the
    platform's."""
    credentials = credentials if credentials is not None else active_credentials(tenant)
    session, client = boto_params(tenant, credentials)
    return boto3.session.Session(**session).client(service, **client)


def connection(tenant: Any) -> BaseEmailBackend:
    """The anymail connection `tenant`'s email goes out through (not yet opened)."""
    credentials = active_credentials(tenant)
    if credentials is None and settings.EMAIL_ESP != SES and not sandboxed(tenant):
        return get_connection(f"anymail.backends.{settings.EMAIL_ESP}.EmailBackend")
    session, client = boto_params(tenant, credentials)
    if credentials is not None:
        configuration_set = credentials.configuration_set or None
    else:
        configuration_set = settings.AWS_SES_CONFIGURATION_SET or None
    return get_connection(
        "anymail.backends.amazon_ses.EmailBackend",
        session_params=session,
        client_params=client,
        configuration_set_name=configuration_set,
    )


def connection_esp(tenant: Any) -> str:
    """The ESP name `connection(tenant)` sends through (stored on the message)."""
    if active_credentials(tenant) is not None or sandboxed(tenant):
        return SES
    return settings.EMAIL_ESP


def _from_boto(err: Exception) -> EspError:
    if isinstance(err, boto_errors.ClientError):
        error = err.response.get("Error", {}) if isinstance(err.response, dict) else {}
        code = str(error.get("Code") or "Unknown")
        message = str(error.get("Message") or code)
        meta = err.response.get("ResponseMetadata", {}) if isinstance(err.response, dict) else {}
        status = meta.get("HTTPStatusCode")
        retryable = code in RETRYABLE_CODES or (isinstance(status, int) and status >= 500)
        cls = RetryableEspError if retryable else EspError
        return cls(code, message, status=status)
    if isinstance(err, boto_errors.ConnectionError):
        # Connecting failed (refused, timed out, TLS, proxy): nothing reached the ESP.
        return RetryableEspError("ConnectionError", f"Could not reach {esp_label(SES)}.")
    if isinstance(err, boto_errors.HTTPClientError):
        # A read timeout or a dropped connection after the request went out.
        return RetryableEspError(
            "ConnectionLost",
            f"The connection to {esp_label(SES)} broke after the request was sent.",
            may_have_sent=True,
        )
    if isinstance(err, boto_errors.NoCredentialsError):
        return EspError("NoCredentials", "No ESP credentials are configured.")
    return EspError(type(err).__name__, f"The ESP call failed: {type(err).__name__}.")


def esp_error(err: Exception) -> EspError:
    """Map an anymail or botocore exception onto `EspError` / `RetryableEspError`."""
    if isinstance(err, EspError):
        return err
    if isinstance(err, AnymailRecipientsRefused):
        return EspError("RecipientsRefused", "The ESP refused every recipient.")
    cause = err.__cause__
    if isinstance(err, AnymailAPIError) and isinstance(cause, BOTO_ERRORS):
        return _from_boto(cause)
    if isinstance(err, BOTO_ERRORS):
        return _from_boto(err)
    if isinstance(err, AnymailAPIError):
        status = err.status_code
        if status is None:
            return RetryableEspError(
                "ConnectionLost", f"The call to {esp_label()} failed.", may_have_sent=True
            )
        cls = RetryableEspError if status == 429 or status >= 500 else EspError
        return cls(f"HTTP{status}", f"{esp_label()} answered HTTP {status}.", status=status)
    if isinstance(err, AnymailError):
        # anymail refused the message itself, before any call (an unsupported feature...).
        return EspError(type(err).__name__, str(err).splitlines()[0][:300])
    return EspError(type(err).__name__, f"The ESP call failed: {type(err).__name__}.")


@contextmanager
def translate_errors() -> Iterator[None]:
    """Re-raise anymail and botocore exceptions as `EspError`s."""
    try:
        yield
    except EspError:
        raise
    except AnymailError as err:
        raise esp_error(err) from err
    except BOTO_ERRORS as err:
        raise esp_error(err) from err
