"""Toll-free verifications (messaging v1 Tollfree/Verifications), their review on the sandbox
clock, and the carriers' rule: US/CA SMS from a toll-free number without an approved
verification fails with 30032."""
