"""API keys (v2010 `Accounts/{AccountSid}/Keys`): standard keys, the secret shown once."""
