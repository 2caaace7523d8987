"""TrustHub's read-only catalogue: Policies, EndUserTypes and SupportingDocumentTypes, served
from the policies the `trusthub` package evaluates bundles against."""
