from django.urls import path

from messaging import views, views_templates

app_name = "messaging"

urlpatterns = [
    path("messages/", views.MessageLogView.as_view(), name="log"),
    path("messages/new/", views.ComposeView.as_view(), name="compose"),
    path("messages/estimate/", views.EstimateView.as_view(), name="estimate"),
    path(
        "messages/template-fields/",
        views_templates.TemplateFieldsView.as_view(),
        name="template_fields",
    ),
    path("messages/export.csv", views.MessageExportView.as_view(), name="export"),
    path("messages/<uuid:pk>/", views.MessageDetailView.as_view(), name="message"),
    path(
        "messages/<uuid:pk>/media/<uuid:media_pk>/",
        views.MessageMediaView.as_view(),
        name="media",
    ),
    path("conversations/", views.InboxView.as_view(), name="inbox"),
    path("conversations/<uuid:pk>/", views.ThreadView.as_view(), name="thread"),
    path("opt-outs/", views.OptOutsView.as_view(), name="optouts"),
    path("opt-outs/<uuid:pk>/remove/", views.OptOutRemoveView.as_view(), name="optout_remove"),
    path("opt-outs/import/", views.OptOutImportView.as_view(), name="optouts_import"),
    path("opt-outs/export.csv", views.OptOutExportView.as_view(), name="optouts_export"),
    path("opt-outs/replies/", views.KeywordRepliesView.as_view(), name="keyword_replies"),
]
