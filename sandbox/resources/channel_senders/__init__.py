"""WhatsApp senders (Messaging v2 Channels Senders): which addresses may send and receive
`whatsapp:` messages, their registration with Meta (WABA, OTP verification of the number,
business profile) and their state on the sandbox clock. Demo and test code may still enable a
sender directly from Python (`sandbox.services.enable_whatsapp`)."""
