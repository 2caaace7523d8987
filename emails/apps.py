from django.apps import AppConfig


class EmailsConfig(AppConfig):
    name = "emails"
    verbose_name = "Email"

    def ready(self):
        # POST /api/v1/messages with channel "email" goes through the email send service
        # (messaging doesn't import this app).
        from emails.services import email_send
        from messaging import transports
        from messaging.models import Channel

        transports.register_sender(Channel.EMAIL, email_send)
