"""Messages (SMS, MMS, WhatsApp), their Media, opt-outs and delivery lifecycle."""
