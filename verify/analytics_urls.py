"""Portal routes of verify's analytics (namespace `verify_analytics`)."""

from django.urls import path

from verify import views_analytics

app_name = "verify_analytics"

urlpatterns = [
    path("verify/analytics/", views_analytics.AnalyticsView.as_view(), name="analytics"),
]
