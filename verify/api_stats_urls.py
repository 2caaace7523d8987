"""API routes of verify's analytics, included under /api/v1/ (before any
`verifications/<…>` route, so `stats` is not read as an id)."""

from django.urls import path

from verify import api_stats

urlpatterns = [
    path("verifications/stats", api_stats.VerificationStatsView.as_view(), name="api-verify-stats"),
]
