"""Verify Messaging Configurations: a service's SMS to a country (or to `all`) sent from a
number of the account's own Messaging Service instead of Twilio's Verify sender."""
