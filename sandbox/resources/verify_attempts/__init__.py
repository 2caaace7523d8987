"""Verify's attempt log (verify.twilio.com/v2/Attempts and /v2/Attempts/Summary): every send
attempt with its channel, price and whether its verification converted."""
