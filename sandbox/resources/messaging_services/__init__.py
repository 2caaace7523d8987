"""Messaging Services (sender pools, inbound/status URLs, Advanced Opt-Out) and their numbers."""
