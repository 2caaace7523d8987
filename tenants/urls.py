from django.urls import path

from tenants import audit_views, views

app_name = "portal"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("profile/", views.BusinessProfileView.as_view(), name="profile"),
    path("team/", views.TeamView.as_view(), name="team"),
    path("team/<int:pk>/role/", views.MemberRoleView.as_view(), name="member_role"),
    path("team/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path("api-keys/", views.APIKeysView.as_view(), name="api_keys"),
    path("api-keys/new/", views.APIKeyCreatedView.as_view(), name="api_key_created"),
    path("api-keys/<int:pk>/revoke/", views.APIKeyRevokeView.as_view(), name="api_key_revoke"),
    path("audit/", audit_views.AuditLogView.as_view(), name="audit"),
    path("audit/export.csv", audit_views.AuditExportView.as_view(), name="audit_export"),
    path("switch-tenant/", views.SwitchTenantView.as_view(), name="switch_tenant"),
]
