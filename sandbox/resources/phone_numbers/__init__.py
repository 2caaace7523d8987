"""AvailablePhoneNumbers (search) and IncomingPhoneNumbers (buy, configure, release)."""
