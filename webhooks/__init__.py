"""Webhooks both ways: tenants' endpoints the platform posts events to, and the endpoints
Twilio calls on the platform.

What lives where: `services.py` (tenant endpoints, emitting, delivery with retries,
redelivery), `tasks.py` (thin Celery tasks, which import the services), `enqueue.py` (how the
services queue those tasks, by name), `http.py` (the one outbound client) and `signing.py`
(signatures tenants verify); for Twilio, `twilio.py` (status callbacks and inbound messages),
`twilio_auth.py` (who may sign a callback) and `twilio_urls.py`; the portal (`views`,
`forms`, `urls`), API (`api`, `serializers`, `api_urls`) and admin faces.
"""
