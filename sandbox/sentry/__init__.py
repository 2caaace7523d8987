"""A local stand-in for Sentry's ingest. The real sentry-sdk, given the DSN
`http://<key>@<platform host>/sandbox/sentry/<project id>`, posts its envelopes to
`/sandbox/sentry/api/<project id>/envelope/`, as it would to sentry.io; they are stored as
received (`SentryEnvelope`), and a staff page at `/sandbox/sentry/` lists the events'
summaries. Served in sandbox mode only."""
