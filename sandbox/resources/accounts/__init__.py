"""Accounts (v2010 subaccounts) and Accounts v1 AuthTokens (rotation)."""
