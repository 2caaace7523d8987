from django.urls import path

from tenants import api

urlpatterns = [
    path("tenant", api.CurrentTenantView.as_view(), name="api-tenant"),
    path("business-profile", api.BusinessProfileView.as_view(), name="api-business-profile"),
    path("members", api.MemberListView.as_view(), name="api-members"),
    path("members/<int:id>", api.MemberDetailView.as_view(), name="api-member"),
    path("api-keys", api.APIKeyListView.as_view(), name="api-api-keys"),
    path("api-keys/<int:id>", api.APIKeyDetailView.as_view(), name="api-api-key"),
    path("audit-events", api.AuditEventListView.as_view(), name="api-audit-events"),
    path("staff/tenants", api.StaffTenantListView.as_view(), name="api-staff-tenants"),
    path("staff/tenants/<int:id>", api.StaffTenantDetailView.as_view(), name="api-staff-tenant"),
    path(
        "staff/tenants/<int:id>/suspend",
        api.StaffTenantSuspendView.as_view(),
        name="api-staff-tenant-suspend",
    ),
    path(
        "staff/tenants/<int:id>/reactivate",
        api.StaffTenantReactivateView.as_view(),
        name="api-staff-tenant-reactivate",
    ),
]
