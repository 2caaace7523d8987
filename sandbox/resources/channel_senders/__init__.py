"""WhatsApp senders: which addresses may send and receive `whatsapp:` messages.

For now senders are enabled from Python (`sandbox.services.enable_whatsapp`); the
Messaging v2 Channels Senders API can live here later, on the same table.
"""
