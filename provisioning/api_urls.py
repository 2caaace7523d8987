from django.urls import path

from provisioning import api

urlpatterns = [
    path("customers", api.CustomerListView.as_view(), name="api-customers"),
    path("subaccount", api.SubaccountView.as_view(), name="api-subaccount"),
    path(
        "subaccount/provision",
        api.SubaccountProvisionView.as_view(),
        name="api-subaccount-provision",
    ),
    path("onboarding", api.OnboardingView.as_view(), name="api-onboarding"),
    path("numbers", api.NumberListView.as_view(), name="api-numbers"),
    path("numbers/available", api.NumberSearchView.as_view(), name="api-numbers-available"),
    path("numbers/<uuid:id>", api.NumberDetailView.as_view(), name="api-number"),
    path("numbers/<uuid:id>/primary", api.NumberPrimaryView.as_view(), name="api-number-primary"),
    path("numbers/<uuid:id>/release", api.NumberReleaseView.as_view(), name="api-number-release"),
    path("staff/subaccounts", api.StaffSubaccountListView.as_view(), name="api-staff-subaccounts"),
    path(
        "staff/subaccounts/<uuid:id>",
        api.StaffSubaccountDetailView.as_view(),
        name="api-staff-subaccount",
    ),
    path(
        "staff/subaccounts/<uuid:id>/provision",
        api.StaffSubaccountProvisionView.as_view(),
        name="api-staff-subaccount-provision",
    ),
    path(
        "staff/subaccounts/<uuid:id>/suspend",
        api.StaffSubaccountSuspendView.as_view(),
        name="api-staff-subaccount-suspend",
    ),
    path(
        "staff/subaccounts/<uuid:id>/reactivate",
        api.StaffSubaccountReactivateView.as_view(),
        name="api-staff-subaccount-reactivate",
    ),
    path(
        "staff/subaccounts/<uuid:id>/close",
        api.StaffSubaccountCloseView.as_view(),
        name="api-staff-subaccount-close",
    ),
    path(
        "staff/subaccounts/<uuid:id>/rotate-token",
        api.StaffSubaccountRotateTokenView.as_view(),
        name="api-staff-subaccount-rotate-token",
    ),
    path(
        "staff/subaccounts/<uuid:id>/reconcile",
        api.StaffSubaccountReconcileView.as_view(),
        name="api-staff-subaccount-reconcile",
    ),
    path("staff/pool", api.StaffPoolListView.as_view(), name="api-staff-pool"),
    path(
        "staff/pool/<uuid:id>/allocate",
        api.StaffPoolAllocateView.as_view(),
        name="api-staff-pool-allocate",
    ),
    path(
        "staff/pool/<uuid:id>/release",
        api.StaffPoolReleaseView.as_view(),
        name="api-staff-pool-release",
    ),
]
