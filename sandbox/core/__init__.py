"""The sandbox's shared core: routing, auth, SIDs, paging, errors, clock, callbacks.

Resource modules under `sandbox/resources/` plug into it; see `sandbox/README.md`.
"""
