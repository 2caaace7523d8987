"""Verify's SafeList (verify.twilio.com/v2/SafeList/Numbers): numbers Fraud Guard and geo
permissions never block."""
