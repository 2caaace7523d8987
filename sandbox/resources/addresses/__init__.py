"""Addresses of an account (api v2010): what TrustHub's address documents point at."""
