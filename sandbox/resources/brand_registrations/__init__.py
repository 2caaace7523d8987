"""A2P 10DLC brand registrations (messaging v1 a2p/BrandRegistrations) and brand vettings,
decided on the sandbox clock once their TrustHub bundles are reviewed."""
