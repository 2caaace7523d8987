"""A local Stripe: the few endpoints of the Billing meters API the platform uses."""
