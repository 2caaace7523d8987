"""What the provisioning API views share: service errors turned into the API's (409, 503)."""

from rest_framework import exceptions, status

from isvplatform import gateway
from isvplatform.api.errors import Conflict
from provisioning.errors import ProvisioningConflict


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Twilio is not answering right now; try again shortly."
    default_code = "twilio_unavailable"


class TwilioRejected(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "twilio_rejected"


def call_service(fn, *args, **kwargs):
    """Run a service, turning its errors into the API's: conflicts 409, Twilio refusals 409
    with Twilio's code in the message, Twilio outages 503."""
    try:
        return fn(*args, **kwargs)
    except ProvisioningConflict as err:
        raise Conflict(err.message, code=err.code) from err
    except gateway.RetryableGatewayError as err:
        raise ServiceUnavailable() from err
    except gateway.GatewayError as err:
        raise TwilioRejected(str(err)) from err
