"""Settings, all read from the environment (see `.env.example` and the README's table).

Nothing is required: without configuration the platform runs on SQLite, an embedded
Celery broker and the Twilio sandbox, with local secrets generated into `var/`.
"""

import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

import environ

from isvplatform.localenv import GENERATED, load_local_defaults
from isvplatform.settings_billing import billing_settings
from isvplatform.settings_broadcasts import broadcast_settings
from isvplatform.settings_database import default_database
from isvplatform.settings_deploy import deploy_settings
from isvplatform.settings_email import email_channel_settings
from isvplatform.settings_failopen import redis_cache
from isvplatform.settings_logging import logging_settings
from isvplatform.settings_metrics import metrics_settings
from isvplatform.settings_ops import ops_settings
from isvplatform.settings_privacy import privacy_settings
from isvplatform.settings_retention import retention_settings
from isvplatform.settings_security import security_settings
from isvplatform.settings_web import web_active_requests, web_capacity_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ISV_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_local = None
if not all(os.environ.get(name) for name in GENERATED):
    _local = load_local_defaults(VAR_DIR / "local-secrets.json")


def _default(name: str) -> str | None:
    return _local.get(name) if _local else None


# --- core -------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default=_default("DJANGO_SECRET_KEY"))
PORT = env.int("PORT", default=8000)
# Every absolute URL the platform sends (emails, Twilio callbacks) is built from this, never
# from the request's Host header.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")
_PUBLIC = urlsplit(PUBLIC_BASE_URL)
_PUBLIC_HOST = f"[{_PUBLIC.hostname}]" if ":" in (_PUBLIC.hostname or "") else _PUBLIC.hostname
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[h for h in (_PUBLIC_HOST, "127.0.0.1", "localhost", "[::1]") if h]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front whose X-Forwarded-For entries name the client (0: REMOTE_ADDR is the client).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# An https public URL turns on secure cookies, the https redirect and HSTS (each overridable).
_HTTPS = _PUBLIC.scheme == "https"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_HTTPS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_HTTPS)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_HTTPS)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    *("django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"),
    "isvplatform",
    "tenants",
    "provisioning",
    "sandbox",
    "messaging",
    "webhooks",
    "compliance",
    "verify",
    "whatsapp",
    "content",
    "contacts",
    "broadcasts",
    "anymail",
    "emails",
    "billing",
    "retention",
    "ops",
    "twofactor",
    "privacy",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # HTTP basics in /metrics
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "isvplatform.static_files.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "isvplatform.request_id.RequestLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenants.middleware.TenantMiddleware",
    "twofactor.middleware.TwoFactorGateMiddleware",
    "axes.middleware.AxesMiddleware",
    "isvplatform.middleware.QueryStringGuardMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "isvplatform.urls"
WSGI_APPLICATION = "isvplatform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.tenant",
            ],
        },
    },
]

# --- database (and a web process's pool: settings_database.py) ---------------------------
DATABASES = {"default": default_database(env, VAR_DIR, web_active_requests(env))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": redis_cache(env, REDIS_URL)}  # fails open: settings_failopen.py
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- auth -------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes refuses sign-in after repeated failures per (account, address) and, with a higher
# limit, per address; never per account alone, so nobody can lock an owner out remotely.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=50)
LOGIN_LOCKOUT_MINUTES = env.float("LOGIN_LOCKOUT_MINUTES", default=15.0)
LOGIN_LOCKOUT_MAX_HOURS = env.float("LOGIN_LOCKOUT_MAX_HOURS", default=24.0)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "tenants.lockout.LoginAttemptHandler"
AXES_COOLOFF_TIME = "tenants.lockout.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "isvplatform.public.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- i18n / static ----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Inbound MMS/WhatsApp media the platform keeps: on disk by default, in S3 (django-storages)
# when MEDIA_S3_BUCKET is set (AWS credentials from the usual boto3 environment).
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    "messaging_media": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": MEDIA_S3_BUCKET,
                "region_name": env("MEDIA_S3_REGION", default="") or None,
                "location": "inbound-media",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if MEDIA_S3_BUCKET
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(Path(MEDIA_ROOT) / "inbound"), "base_url": None},
        }
    ),
}
WHITENOISE_USE_FINDERS = True

# --- email ------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="isvplatform <no-reply@localhost>")
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))

# --- the email channel (emails/): isvplatform/settings_email.py ---------------------------
_email = email_channel_settings(env, SECRET_KEY)
vars().update(_email)

# --- encryption -------------------------------------------------------------------------
# Ordered "kid:base64(32 bytes)" pairs: the first encrypts, every one decrypts.
ENCRYPTION_KEYS = env.list("ENCRYPTION_KEYS", default=[_default("ENCRYPTION_KEYS")])

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.authentication.APIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "isvplatform.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["isvplatform.api.throttling.TenantRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"tenant": env("API_THROTTLE_RATE", default="6000/min")},
    "DEFAULT_SCHEMA_CLASS": "isvplatform.api.schema.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "isvplatform.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "isvplatform.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# Failed API-key authentications per client address before it gets 429s.
API_AUTH_FAILURE_RATE = env("API_AUTH_FAILURE_RATE", default="20/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "isvplatform API",
    "DESCRIPTION": "Provision Twilio subaccounts and numbers, register A2P 10DLC, and send "
    "SMS and WhatsApp messages for your business customers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# --- Celery -----------------------------------------------------------------------------
# With REDIS_URL the broker is Redis; without it, kombu's filesystem transport, which
# needs no server, so `make run` still runs a real worker and beat.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# The worker acknowledges finished tasks between its polls of the broker, and on the
# filesystem transport a poll with every process's task in hand waits out its 2 s timeout:
# one prefetched task per process caps such a worker at about one task a second, below a
# broadcast's pace. `run_platform` raises it on the filesystem broker; Redis keeps 1.
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=1)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="isvplatform")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {"heartbeat": {"task": "isvplatform.heartbeat", "schedule": 30.0}}

# --- Twilio -----------------------------------------------------------------------------
TWILIO_MODE = env("TWILIO_MODE", default="sandbox")  # "sandbox" or "live"
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default=_default("TWILIO_ACCOUNT_SID"))
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default=_default("TWILIO_AUTH_TOKEN"))
TWILIO_SANDBOX_URL = env("TWILIO_SANDBOX_URL", default="")  # empty: in-process sandbox
TWILIO_TIMEOUT = env.float("TWILIO_TIMEOUT", default=15.0)
TWILIO_MAX_RETRIES = env.int("TWILIO_MAX_RETRIES", default=4)
TWILIO_RETRY_BASE_DELAY = env.float("TWILIO_RETRY_BASE_DELAY", default=0.5)
# Retry a POST after a 5xx or a dropped connection (Twilio may have done it already).
TWILIO_RETRY_AMBIGUOUS_POSTS = env.bool("TWILIO_RETRY_AMBIGUOUS_POSTS", default=False)
TWILIO_MASTER_FALLBACK = env.bool("TWILIO_MASTER_FALLBACK", default=False)
TWILIO_TOKEN_ROTATION_DAYS = env.int("TWILIO_TOKEN_ROTATION_DAYS", default=0)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# --- onboarding: subaccounts, numbers, subscriptions (provisioning/) ---------------------
NUMBER_LIMIT_PER_TENANT = env.int("NUMBER_LIMIT_PER_TENANT", default=5)
# Monthly price shown before buying, per number type (Twilio's US list prices by default).
NUMBER_MONTHLY_PRICES = {
    "local": env("NUMBER_PRICE_LOCAL", default="1.15"),
    "toll_free": env("NUMBER_PRICE_TOLL_FREE", default="2.15"),
    "mobile": env("NUMBER_PRICE_MOBILE", default="1.15"),
}
NUMBER_PRICE_CURRENCY = env("NUMBER_PRICE_CURRENCY", default="USD")
# Where a bought number's SMS webhooks point (under PUBLIC_BASE_URL).
TWILIO_INBOUND_WEBHOOK_PATH = env("TWILIO_INBOUND_WEBHOOK_PATH", default="/webhooks/twilio/inbound")
TWILIO_STATUS_WEBHOOK_PATH = env("TWILIO_STATUS_WEBHOOK_PATH", default="/webhooks/twilio/status")
# After a token rotation, callbacks signed with the previous token still verify this long.
TWILIO_TOKEN_GRACE_MINUTES = env.int("TWILIO_TOKEN_GRACE_MINUTES", default=60)
PROVISIONING_STUCK_MINUTES = env.int("PROVISIONING_STUCK_MINUTES", default=15)
# A worker's claim on a subaccount while it calls Twilio (no row lock is held meanwhile).
PROVISIONING_CLAIM_SECONDS = env.int("PROVISIONING_CLAIM_SECONDS", default=300)
RECONCILE_INTERVAL_MINUTES = env.int("RECONCILE_INTERVAL_MINUTES", default=60)
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
# A deleted subscription closes the subaccount (for good) after this many days.
SUBSCRIPTION_CLOSE_GRACE_DAYS = env.int("SUBSCRIPTION_CLOSE_GRACE_DAYS", default=30)
CELERY_BEAT_SCHEDULE.update(
    {
        "provisioning-reconcile": {
            "task": "provisioning.reconcile_all",
            "schedule": RECONCILE_INTERVAL_MINUTES * 60.0,
        },
        "provisioning-token-rotation": {
            "task": "provisioning.rotate_due_tokens",
            "schedule": 3600.0,
        },
        "provisioning-api-keys": {"task": "provisioning.ensure_api_keys", "schedule": 3600.0},
    }
)

# --- messaging and tenant webhooks (messaging/, webhooks/) -----------------------------
# Sender of a tenant without numbers while TWILIO_MASTER_FALLBACK sends through the master.
TWILIO_FALLBACK_FROM_NUMBER = env("TWILIO_FALLBACK_FROM_NUMBER", default="")
# The outbox sweeper re-enqueues messages still queued (never handed to Twilio) after this.
MESSAGING_OUTBOX_SWEEP_SECONDS = env.int("MESSAGING_OUTBOX_SWEEP_SECONDS", default=60)
# The reconciler fetches messages whose status has not moved for this long (lost callbacks).
MESSAGING_RECONCILE_AFTER_SECONDS = env.int("MESSAGING_RECONCILE_AFTER_SECONDS", default=900)
MESSAGING_SEND_MAX_RETRIES = env.int("MESSAGING_SEND_MAX_RETRIES", default=8)
# How long a send remembers the tenant's resolved account, sender and 10DLC gate verdict
# (saves to those rows forget it at once; 0 resolves them on every send).
MESSAGING_SENDER_CACHE_SECONDS = env.int("MESSAGING_SENDER_CACHE_SECONDS", default=10)
# A send task's claim on a message: longer than one send with all its HTTP retries.
MESSAGING_SEND_LEASE_SECONDS = env.int("MESSAGING_SEND_LEASE_SECONDS", default=300)
# After a send attempt whose answer was lost, how long Twilio's message list gets to show it
# before "not found" counts as "not sent".
MESSAGING_SEND_DOUBT_SECONDS = env.int("MESSAGING_SEND_DOUBT_SECONDS", default=60)
# Inbound media is stored only up to this size and only of these content types.
MESSAGING_MEDIA_MAX_BYTES = env.int("MESSAGING_MEDIA_MAX_BYTES", default=5 * 1024 * 1024)
MESSAGING_MEDIA_CONTENT_TYPES = env.list(
    "MESSAGING_MEDIA_CONTENT_TYPES",
    default=[
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "audio/*",
        "video/mp4",
        "video/3gpp",
        "video/quicktime",
        "application/pdf",
        "text/vcard",
        "text/x-vcard",
        "text/plain",
        "text/calendar",
    ],
)
# Tenant webhooks: first retry after this many seconds, doubling up to an hour, for a day.
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_RETRY_WINDOW_HOURS = env.float("WEBHOOK_RETRY_WINDOW_HOURS", default=24.0)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Tenant endpoints on private/loopback addresses are refused unless this is on (local demos).
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=DEBUG)
CELERY_BEAT_SCHEDULE.update(
    {
        "messaging-sweep-outbox": {"task": "messaging.sweep_outbox", "schedule": 30.0},
        "messaging-reconcile": {"task": "messaging.reconcile_stale", "schedule": 300.0},
        "messaging-purge-idempotency": {"task": "messaging.purge_idempotency", "schedule": 3600.0},
        "webhooks-retry-due": {"task": "webhooks.retry_due", "schedule": 60.0},
    }
)

# --- Twilio sandbox (sandbox/) -----------------------------------------------------------
# Deliver sandbox callbacks whose URL starts with PUBLIC_BASE_URL through Django in-process
# (tests) instead of over HTTP.
SANDBOX_CALLBACKS_INPROCESS = env.bool("SANDBOX_CALLBACKS_INPROCESS", default=False)
# Refuse request parameter names Twilio's OpenAPI spec doesn't list with 400 / 20001 (the test
# suite, to catch typos); off: log and ignore them, as Twilio ignores them.
SANDBOX_STRICT_PARAMS = env.bool("SANDBOX_STRICT_PARAMS", default=False)
# Serve the handset simulator and the sandbox's control pages to everyone, not only to staff
# and to loopback clients (a demo shared over the network).
SANDBOX_PUBLIC = env.bool("SANDBOX_PUBLIC", default=False)
# The sandbox's own master account. In sandbox mode it is the configured master; in live mode
# (where the sandbox serves only demo tenants) one derived from SECRET_KEY, so the real
# master token is never stored in the sandbox.
_derived = hashlib.sha256(f"sandbox-master:{SECRET_KEY}".encode()).hexdigest()
SANDBOX_ACCOUNT_SID = env(
    "SANDBOX_ACCOUNT_SID", default="" if TWILIO_MODE == "sandbox" else f"AC{_derived[:32]}"
)
SANDBOX_AUTH_TOKEN = env(
    "SANDBOX_AUTH_TOKEN", default="" if TWILIO_MODE == "sandbox" else _derived[32:]
)
# The sandbox clock moves in live mode too: demo tenants' messages live in the sandbox.
CELERY_BEAT_SCHEDULE["sandbox-advance"] = {
    "task": "sandbox.tasks.advance_clock_task",
    "schedule": env.float("SANDBOX_ADVANCE_SECONDS", default=3.0),
}

# --- A2P 10DLC compliance (compliance/) --------------------------------------------------
# TrustHub, brand and campaign calls per account and second (Twilio advises 1; 0 = unpaced).
TWILIO_A2P_REQUESTS_PER_SECOND = env.float("TWILIO_A2P_REQUESTS_PER_SECOND", default=1.0)
# The vendor's approved primary customer profile (BU...), from the Twilio console. Required
# in live mode (compliance.checks); in sandbox mode the platform registers one itself.
TWILIO_PRIMARY_CUSTOMER_PROFILE_SID = env("TWILIO_PRIMARY_CUSTOMER_PROFILE_SID", default="")
# The vendor's address Twilio writes to about TrustHub reviews (not the tenant's).
A2P_ISV_EMAIL = env("A2P_ISV_EMAIL", default="compliance@isvplatform.example.com")
# Polling of objects under review: first after this many seconds, doubling up to the cap.
A2P_POLL_BASE_SECONDS = env.float("A2P_POLL_BASE_SECONDS", default=60.0)
A2P_POLL_MAX_SECONDS = env.float("A2P_POLL_MAX_SECONDS", default=6 * 3600.0)
# A version waiting on a review is re-checked this often even without a poll result.
A2P_CHAIN_RECHECK_SECONDS = env.float("A2P_CHAIN_RECHECK_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE.update(
    {
        "compliance-poll-due": {"task": "compliance.poll_due", "schedule": 60.0},
        "compliance-run-due": {"task": "compliance.run_due", "schedule": 60.0},
        "compliance-tollfree-due": {"task": "compliance.tollfree_due", "schedule": 60.0},
    }
)
# WhatsApp senders: polled from this many seconds, doubling up to the cap; online ones hourly.
WHATSAPP_POLL_BASE_SECONDS = env.float("WHATSAPP_POLL_BASE_SECONDS", default=5.0)
WHATSAPP_POLL_MAX_SECONDS = env.float("WHATSAPP_POLL_MAX_SECONDS", default=3600.0)
WHATSAPP_ONLINE_POLL_SECONDS = env.float("WHATSAPP_ONLINE_POLL_SECONDS", default=3600.0)
# Meta's Embedded Signup (live mode): the ISV's Meta app and its Embedded Signup configuration.
META_APP_ID = env("META_APP_ID", default="")
META_CONFIG_ID = env("META_CONFIG_ID", default="")
META_GRAPH_VERSION = env("META_GRAPH_VERSION", default="v21.0")
CELERY_BEAT_SCHEDULE["whatsapp-poll-due"] = {"task": "whatsapp.poll_due", "schedule": 10.0}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),
    "SubaccountStatusEnum": "provisioning.models.TwilioSubaccount.Status",
    "PhoneNumberStatusEnum": "provisioning.models.PhoneNumber.Status",
    "PooledNumberStatusEnum": "provisioning.models.PooledNumber.Status",
    "TenantStatusEnum": "tenants.models.Tenant.Status",
    "PhoneNumberOriginEnum": "provisioning.models.PhoneNumber.Origin",
    "SubaccountOriginEnum": "provisioning.models.TwilioSubaccount.Origin",
    "OnboardingStepStateEnum": "provisioning.selectors.ONBOARDING_STATES",
    # Fields of the same name elsewhere: named so that no two choice sets collide.
    "MessageStatusEnum": "messaging.models.Status",
    "MessageOriginEnum": "messaging.models.Message.Origin",
    "WebhookDeliveryStateEnum": "webhooks.models.WebhookDelivery.State",
    "WhatsAppVerificationMethodEnum": "whatsapp.models.VerificationMethod",
    "WhatsAppSenderStatusEnum": "whatsapp.models.SenderStatus",
}
# Self-service sign-ups accepted per client address and hour (each creates a subaccount).
SIGNUPS_PER_HOUR = env.int("SIGNUPS_PER_HOUR", default=20)

# --- WhatsApp message templates (content/) ----------------------------------------------
# Polls of a template under Meta's review: first after this many seconds, doubling to the cap.
TEMPLATE_POLL_BASE_SECONDS = env.float("TEMPLATE_POLL_BASE_SECONDS", default=15.0)
TEMPLATE_POLL_MAX_SECONDS = env.float("TEMPLATE_POLL_MAX_SECONDS", default=3600.0)
# Approved and paused templates are re-read this often (quality pauses, re-categorising).
TEMPLATE_LIVE_POLL_SECONDS = env.float("TEMPLATE_LIVE_POLL_SECONDS", default=900.0)
CELERY_BEAT_SCHEDULE["content-poll-due"] = {"task": "content.poll_due", "schedule": 15.0}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "TemplateStatusEnum": "content.vocab.ApprovalStatus",
        "TemplateCategoryEnum": "content.vocab.Category",
        "TemplateContentTypeEnum": "content.vocab.ContentKind",
    }
)

# --- verification (verify/) --------------------------------------------------------------
CELERY_BEAT_SCHEDULE["verify-reconcile"] = {
    "task": "verify.reconcile_services",
    "schedule": RECONCILE_INTERVAL_MINUTES * 60.0,
}
# The backstop recount of today's and yesterday's analytics rollups (verify.rollups).
CELERY_BEAT_SCHEDULE["verify-rollups-recent"] = {"task": "verify.rollups_recent", "schedule": 600.0}
# Twilio's usage records of Verify, read hourly to reconcile the attempts' prices with.
CELERY_BEAT_SCHEDULE["verify-usage"] = {"task": "verify.sync_usage_all", "schedule": 3600.0}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"],
    "ChannelEnum": "messaging.models.Channel",
    "VerifyChannelEnum": "verify.models.Channel",
    "VerifyLocaleEnum": "verify.serializers.LOCALE_CHOICES",
}

# --- contacts and audiences (contacts/) ---------------------------------------------------
# The largest CSV a contact import accepts, and how its job works through it: rows per
# chunk (one transaction and checkpoint each), chunks per task run, the claim's lease.
CONTACT_IMPORT_MAX_BYTES = env.int("CONTACT_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
CONTACT_IMPORT_CHUNK_ROWS = env.int("CONTACT_IMPORT_CHUNK_ROWS", default=1000)
CONTACT_IMPORT_CHUNKS_PER_TASK = env.int("CONTACT_IMPORT_CHUNKS_PER_TASK", default=20)
CONTACT_IMPORT_LEASE_SECONDS = env.float("CONTACT_IMPORT_LEASE_SECONDS", default=300.0)
# Contacts' last activity (their latest inbound message) is read from this recent window.
CONTACT_ACTIVITY_WINDOW_MINUTES = env.int("CONTACT_ACTIVITY_WINDOW_MINUTES", default=15)
CELERY_BEAT_SCHEDULE["contacts-refresh-activity"] = {
    "task": "contacts.refresh_activity",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["contacts-resume-imports"] = {
    "task": "contacts.resume_imports",
    "schedule": 60.0,
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"],
    "AudienceKindEnum": "contacts.models.Audience.Kind",
    "ContactFieldTypeEnum": "contacts.models.FieldType",
    "ContactConsentChannelEnum": "contacts.filters.CONSENT_CHANNELS",
    "ContactConsentSourceEnum": "contacts.models.ConsentSource",
}

# --- broadcasts (broadcasts/) ------------------------------------------------------------
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"],
    "BroadcastStatusEnum": "broadcasts.models.BroadcastStatus",
    "BroadcastPurposeEnum": "broadcasts.models.Purpose",
    "BroadcastPauseReasonEnum": "broadcasts.models.PauseReason",
    "BroadcastRecipientStatusEnum": "broadcasts.models.RecipientStatus",
    "BroadcastSkipReasonEnum": "broadcasts.models.SkipReason",
    "BroadcastRecipientOutcomeEnum": "broadcasts.models.RecipientOutcome",
}

# --- the email channel's API (emails/) ----------------------------------------------------
# The email and billing APIs' choice sets, named apart from other apps' "status" and "category".
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),
    "EmailIdentityStatusEnum": "emails.models.EmailIdentity.Status",
    "EmailIdentityKindEnum": "emails.models.EmailIdentity.Kind",
    "EmailTemplateCategoryEnum": "emails.models.EmailTemplate.Category",
    "EspCredentialsStatusEnum": "emails.models.EspCredentials.Status",
    "EmailSendCategoryEnum": "messaging.serializers.EMAIL_CATEGORIES",
    "StatementStatusEnum": "billing.models.Statement.Status",
    "UsageCategoryEnum": "billing.categories.CATEGORY_CHOICES",
}

# --- broadcast dispatch and live progress: isvplatform/settings_broadcasts.py -------------
vars().update(broadcast_settings(env))
CELERY_BEAT_SCHEDULE["broadcasts-tick"] = {
    "task": "broadcasts.tick",
    "schedule": env.float("BROADCAST_TICK_SECONDS", default=5.0),
}

# --- the email channel's beat (emails/) ----------------------------------------------------
CELERY_BEAT_SCHEDULE["emails-poll-identities"] = {
    "task": "emails.poll_identities",
    "schedule": _email["EMAIL_IDENTITY_POLL_SECONDS"],
}

# --- billing, retention, /metrics, logs, Sentry, 2FA, CSP, alerts, privacy, queues, beat --
# Each module's function returns its settings; a `*_BEAT` entry joins the beat schedule.
for _domain in (lambda e: billing_settings(e, TWILIO_MODE), retention_settings,
                metrics_settings, logging_settings, security_settings, ops_settings,
                privacy_settings, deploy_settings, web_capacity_settings):  # fmt: skip
    for _name, _value in _domain(env).items():
        if _name.endswith("_BEAT"):
            CELERY_BEAT_SCHEDULE.update(_value)
        vars()[_name] = _value
