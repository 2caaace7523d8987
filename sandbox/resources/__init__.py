"""Resource modules: one package per Twilio resource family.

Each package may hold `models.py` (imported by `sandbox.models`), `handlers.py` (routes,
imported by the router), `lifecycle.py` (clock ticks, imported by `sandbox.clock`) and
`tests/`. Nothing outside the package needs editing to add one.
"""
