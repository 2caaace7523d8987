"""TrustHub: customer profiles and trust products (bundles), their end users, supporting
documents, entity assignments and evaluations, reviewed on the sandbox clock."""
