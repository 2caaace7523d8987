from django.urls import path, re_path

from sandbox import views
from sandbox.aws import pages as ses_pages
from sandbox.aws import views as aws_views
from sandbox.sentry import views as sentry_views
from sandbox.stripe import views as stripe_views

app_name = "sandbox"

urlpatterns = [
    re_path(r"^twilio/(?P<sub>[a-z0-9-]+)/(?P<path>.+)$", views.twilio_api, name="twilio"),
    re_path(r"^aws(?:/(?P<path>.*))?$", aws_views.aws_api, name="aws"),
    re_path(r"^stripe/v1/(?P<path>.+)$", stripe_views.stripe_api, name="stripe-api"),
    path("stripe/", stripe_views.meters_page, name="stripe-meters"),
    path("sentry/api/<str:project_id>/envelope/", sentry_views.ingest, name="sentry-ingest"),
    path("sentry/", sentry_views.events_page, name="sentry-events"),
    path("handsets/messages", views.handset_send, name="handset-send"),
    path("handsets/numbers", views.handset_numbers, name="handset-numbers"),
    path("handsets/<str:number>/messages", views.handset_messages, name="handset-messages"),
    path(
        "handsets/<str:number>/conversation",
        views.handset_conversation,
        name="handset-conversation",
    ),
    path("handset/", views.handset_page, name="handset"),
    path("handset/thread", views.handset_thread, name="handset-thread"),
    path("handset/tap", views.handset_tap, name="handset-tap"),
    path("mailbox/", views.mailbox_page, name="mailbox"),
    path("mailbox/emails", views.mailbox_list, name="mailbox-emails"),
    path("mailbox/ses/<str:message_id>/", ses_pages.email_page, name="ses-email"),
    path("mailbox/ses/<str:message_id>/click/<int:index>", ses_pages.click, name="ses-click"),
    path(
        "mailbox/ses/<str:message_id>/unsubscribe",
        ses_pages.one_click_unsubscribe,
        name="ses-unsubscribe",
    ),
    path("mailboxes/<str:address>/emails", views.mailbox_emails, name="mailbox-json"),
    path("clock", views.clock_view, name="clock"),
    path("faults", views.faults_view, name="faults"),
    path("callbacks", views.callback_log, name="callbacks"),
    path("templates/<str:sid>/events", views.template_event, name="template-event"),
]
