"""Verify v2 verifications and checks: codes delivered to the handset simulator (SMS,
WhatsApp, voice call) or to the sandbox mailbox (email), with Twilio's limits and blocks."""
