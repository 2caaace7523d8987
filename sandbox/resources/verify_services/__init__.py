"""Verify v2 services (verify.twilio.com/v2/Services) and the template catalogue."""
