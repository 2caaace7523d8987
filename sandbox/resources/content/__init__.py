"""Content API v1 (content.twilio.com): templates, their WhatsApp approval and Meta's review."""
