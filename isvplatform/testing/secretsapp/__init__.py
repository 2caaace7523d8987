"""A test-only app with a model holding an encrypted secret (installed by settings_test)."""
