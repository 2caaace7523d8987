from django.urls import path

from messaging import api, api_optouts

urlpatterns = [
    path("messages", api.MessageListView.as_view(), name="api-messages"),
    path("messages/batch", api.MessageBatchView.as_view(), name="api-messages-batch"),
    path("messages/estimate", api.MessageEstimateView.as_view(), name="api-messages-estimate"),
    path("messages/export", api.MessageExportView.as_view(), name="api-messages-export"),
    path("messages/<uuid:id>", api.MessageDetailView.as_view(), name="api-message"),
    path("media/<uuid:id>", api.MessageMediaContentView.as_view(), name="api-media"),
    path("conversations", api.ConversationListView.as_view(), name="api-conversations"),
    path("conversations/<uuid:id>", api.ConversationDetailView.as_view(), name="api-conversation"),
    path(
        "conversations/<uuid:id>/messages",
        api.ConversationMessagesView.as_view(),
        name="api-conversation-messages",
    ),
    path(
        "conversations/<uuid:id>/read",
        api.ConversationReadView.as_view(),
        name="api-conversation-read",
    ),
    path("opt-outs", api_optouts.OptOutListView.as_view(), name="api-optouts"),
    path("opt-outs/import", api_optouts.OptOutImportView.as_view(), name="api-optouts-import"),
    path("opt-outs/export", api_optouts.OptOutExportView.as_view(), name="api-optouts-export"),
    path("opt-outs/<uuid:id>", api_optouts.OptOutDetailView.as_view(), name="api-optout"),
    path("consent-events", api_optouts.ConsentEventListView.as_view(), name="api-consent-events"),
]
