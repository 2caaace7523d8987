"""Verify Service Rate Limits (`RK…`) and their buckets (`BL…`), enforced on Start
Verification through its `RateLimits` parameter."""
