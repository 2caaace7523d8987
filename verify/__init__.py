"""Phone (and email) verification through each tenant's own Twilio Verify service."""
