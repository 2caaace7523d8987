"""`POST /webhooks/billing/stripe`: Stripe events, verified, recorded once, then acted on."""

import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from provisioning.billing import InvalidStripeEvent, stripe_event_receive

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """400 (and nothing done) for a bad, missing or stale signature; 200 otherwise, also for
    a replayed event or one the platform doesn't use, so Stripe stops retrying."""
    try:
        outcome = stripe_event_receive(request.body, request.headers.get("Stripe-Signature", ""))
    except InvalidStripeEvent as err:
        logger.warning("stripe webhook refused: %s", err)
        return JsonResponse({"error": {"code": "invalid_event", "message": str(err)}}, status=400)
    return JsonResponse(
        {"received": True, "duplicate": outcome.duplicate, "outcome": outcome.outcome}
    )
