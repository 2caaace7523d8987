"""Mounted at /webhooks/twilio/: the URLs numbers, messages and usage triggers point Twilio at
(the usage trigger's is `BILLING_USAGE_TRIGGER_PATH`)."""

from django.urls import path

from webhooks import twilio

app_name = "twilio_webhooks"

urlpatterns = [
    path("status", twilio.status_callback, name="status"),
    path("inbound", twilio.inbound_message, name="inbound"),
    path("usage-trigger", twilio.usage_trigger, name="usage_trigger"),
]
