"""A local, stateful Twilio that the official SDK talks to; `README.md` says what lives where."""
