"""Usage Records (aggregated from the usage ledger) and Usage Triggers."""
