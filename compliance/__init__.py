"""A2P 10DLC compliance: versioned registrations taken through TrustHub, the brand, the
messaging service and the campaign (services.py), pre-flight rules (validation.py), polling
state machines (tasks.py), the sending gate (gate.py), and the portal, API and admin faces."""
