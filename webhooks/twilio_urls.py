"""Mounted at /webhooks/twilio/: the URLs numbers and messages point Twilio at."""

from django.urls import path

from webhooks import twilio

app_name = "twilio_webhooks"

urlpatterns = [
    path("status", twilio.status_callback, name="status"),
    path("inbound", twilio.inbound_message, name="inbound"),
]
