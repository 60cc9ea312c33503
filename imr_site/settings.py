"""Settings, read from the environment with embedded defaults.

With nothing set, the project runs on SQLite with Celery tasks executed in-process (eager), so a
newcomer needs only Python. ``DATABASE_URL`` switches to PostgreSQL and ``CELERY_BROKER_URL`` to real
background workers on Redis. ``IMR_ENV=production`` turns DEBUG off, requires ``DJANGO_SECRET_KEY`` and
enables the secure-cookie / HTTPS settings that ``manage.py check --deploy`` asks for.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

IMR_ENV = env("IMR_ENV", default="development")
PRODUCTION = IMR_ENV == "production"

# DEBUG shows code, settings and data in error pages: never on unless asked for by name (scripts/run
# asks for it on a developer's machine), and never in production whatever is asked.
DEBUG = env.bool("DJANGO_DEBUG", default=False) and not PRODUCTION
if PRODUCTION:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set (50+ random characters) when IMR_ENV=production."
        )
else:
    SECRET_KEY = env(
        "DJANGO_SECRET_KEY", default="django-insecure-development-only-key-never-use-in-production"
    )

if PRODUCTION:
    # A production instance runs real workers on a real database: refuse the zero-setup fallbacks
    # (SQLite, tasks run inside the web request) instead of silently degrading.
    _required = ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOWED_HOSTS")
    _missing = [name for name in _required if not env(name, default="")]
    if _missing:
        raise ImproperlyConfigured(f"IMR_ENV=production needs {', '.join(_missing)} (see DEPLOYING.md).")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "simple_history",
    "django_celery_beat",
    "django_guid",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    # Two-factor authentication: TOTP devices (imr_site/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "audit",
    "cases",
    "reviews",
    "guidelines",
    "reminders",
    "reports",
    "operations",
    "parties",
    "api",
    "imr_site",
]

MIDDLEWARE = [
    # A request id on every log line of a request (X-Request-ID in and out), so an operator can follow
    # one request across the web and worker logs without logging anything about the case.
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session given its second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Protected health information: every page needs a login except the login page itself.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Administrators and security officers (and anyone enrolled) give a TOTP code before any page.
    "imr_site.two_factor.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "imr_site.security.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Every read of a page with health information goes into the audit record (audit/recording.py).
    "audit.recording.AuditMiddleware",
    # Last: it answers a locked-out login before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "imr_site.urls"

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
                "imr_site.context_processors.organisation",
                "imr_site.context_processors.session",
            ],
        },
    },
]

WSGI_APPLICATION = "imr_site.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A zero-setup default; several Celery threads or a dev server plus a worker may touch it at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user or address before any password is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The issuer name an authenticator app shows beside the account (django-otp).
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="IMR workflow")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Idle timeout (automatic logoff, 45 CFR 164.312(a)(2)(iii)): the session ends after this many seconds
# without a request; every request renews it. The page warns two minutes before (static/js/imr.js), and
# the workspace keeps drafts in the browser and autosaves them, so an expired session loses nothing.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login throttling and lockout (django-axes): every failed login is recorded (the axes tables, shown in the
# admin site); after AXES_FAILURE_LIMIT failures in a row for a username or an address, it is locked for
# AXES_COOLOFF_HOURS, even with the right password, and the lockout is recorded. An administrator
# unlocks earlier with ``manage.py axes_reset_username <username>``.
# Counted per username and client address together: guessing one account's password from one place
# locks that account from that place, while a hospital's whole site behind one NAT address is never
# locked out by one person's typos (nor by an attacker spraying names from it). Administrators and
# security officers also need their second factor (imr_site/two_factor.py).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# One row per failed login (who, address, browser, when) kept after a lockout is reset.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind the TLS proxy (DEPLOYING.md) the client address is the first X-Forwarded-For hop.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PRODUCTION else ["REMOTE_ADDR"]

# Content-Security-Policy (django-csp): scripts only from this site, never inline (no inline <script>,
# no on*= or hx-on attributes: static/js/imr.js handles them), nothing framed but our own record PDFs,
# no plugins. Inline styles stay allowed: the letter's print CSS and a progress bar's width use them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The PDF viewer's worker (static/vendor/pdfjs/pdf.worker.min.mjs), a file of this site.
        "worker-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en-us"
# Stored in UTC; shown, and computed for deadlines, in California time.
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Outside production, static files come straight from the source folders (no collectstatic), also with
# DEBUG off.
WHITENOISE_USE_FINDERS = not PRODUCTION
STATICFILES_DIRS = [BASE_DIR / "static"]

# Files (uploaded medical records, letters) are never served from a public URL: there is no MEDIA_URL
# route; every download goes through a permission-checked view.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGE_BACKEND = env("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded medical record PDFs: checked by their bytes and capped in size.
MAX_RECORD_UPLOAD_BYTES = env.int("MAX_RECORD_UPLOAD_BYTES", default=25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587, sets the SMTP host, port, login and TLS.
if env("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST, EMAIL_PORT = _email["EMAIL_HOST"], _email["EMAIL_PORT"]
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_USER"], _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS, EMAIL_USE_SSL = _email.get("EMAIL_USE_TLS", False), _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="imr@example.org")

# Celery: no broker configured means tasks run in-process (the zero-setup default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Cache: figures that may be a minute old (the case list's total past 10,000 cases) are shared by every
# web process through Redis (REDIS_URL, else the broker's Redis); without Redis each process keeps its own.
_CACHE_URL = env("REDIS_URL", default="") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": "imr",
        }
        if _CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# WeasyPrint grows in long-lived processes; recycle a worker child after this many tasks.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=50)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Celery's Django fixup closes the database connection around every task unless told to reuse it;
# a new PostgreSQL connection per letter cost about 8% of a letter's render (bench/bench_letters.py).
# Tasks that hit a connection error close it themselves (reviews.letters.tasks).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=50)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Two queues, each with its own worker pool (Procfile): a burst of letters never delays reminders or
# e-mail on the default queue.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"reviews.render_letter": {"queue": "letters"}}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-letters": {"task": "reviews.sweep_letters", "schedule": 120.0},
    # Reminders and alerts (reminders.services): each is recorded once, so running more often only
    # makes them more punctual.
    "send-reminders": {"task": "reminders.send_reminders", "schedule": 900.0},
    # Records requests past their due date: one reminder each (parties/records.py).
    "remind-overdue-records": {"task": "parties.remind_overdue_records", "schedule": 3600.0},
    # Webhook deliveries whose retry message was lost (a broker restart): handed over again.
    "sweep-webhook-deliveries": {"task": "parties.sweep_webhook_deliveries", "schedule": 300.0},
    # Stored Idempotency-Key answers older than API_IDEMPOTENCY_RETENTION_HOURS (api/idempotency.py).
    "purge-idempotency-keys": {"task": "parties.purge_idempotency_keys", "schedule": 3600.0},
}

# Deadlines and reminders (reminders.services). Hours before the end of the due date (California time)
# at which the assigned reviewer is e-mailed; expedited cases (3 days in all) get earlier, closer points.
IMR_REMINDER_HOURS = {
    "standard": env.list("IMR_REMINDER_HOURS_STANDARD", cast=int, default=[72, 24]),
    "expedited": env.list("IMR_REMINDER_HOURS_EXPEDITED", cast=int, default=[24, 8]),
}
# Administrators are alerted to a case due within this many hours whose determination is not near
# completion (no review in QA or signed, and not every disputed item decided in the draft).
IMR_AT_RISK_HOURS = env.int("IMR_AT_RISK_HOURS", default=48)
# ... and to a reviewer's license or board certification that expires within this many days.
IMR_CREDENTIAL_WARNING_DAYS = env.int("IMR_CREDENTIAL_WARNING_DAYS", default=30)

# The IMR organisation running this instance: its name and address appear in letters; another
# organisation changes these, never a template. The default is a neutral demo letterhead (a fictional
# organisation with a 555-01xx number); production refuses to start until the deployment sets its own.
_LETTERHEAD = ("IMR_ORG_NAME", "IMR_ORG_SHORT_NAME", "IMR_ORG_ADDRESS", "IMR_ORG_PHONE")
if PRODUCTION and any(not env(name, default="") for name in _LETTERHEAD):
    raise ImproperlyConfigured(
        f"IMR_ENV=production prints the organisation's own letterhead: set {', '.join(_LETTERHEAD)}."
    )
IMR_ORGANISATION = {
    "name": env("IMR_ORG_NAME", default="Demo IMR Organization"),
    "short_name": env("IMR_ORG_SHORT_NAME", default="Demo IMR"),
    "address_lines": env.list(
        "IMR_ORG_ADDRESS",
        default=["Independent Medical Review", "100 Example Street", "Sacramento, CA 95800"],
    ),
    "phone": env("IMR_ORG_PHONE", default="(555) 010-0100"),
}
# Labor Code 139.5 accepts a license from any state; an organisation may still require a California
# license for some reviews: "never", "expedited" or "always".
IMR_CALIFORNIA_LICENSE_REQUIRED = env("IMR_CALIFORNIA_LICENSE_REQUIRED", default="never")
# Where links in emails point (e.g. https://imr.example.org); empty gives relative links.
IMR_SITE_URL = env("IMR_SITE_URL", default="")
# Optional second look at a signed draft before the letter is issued (per organisation).
IMR_QA_REQUIRED = env.bool("IMR_QA_REQUIRED", default=False)

# Logs: one JSON object a line in production (LOG_FORMAT=json), with the request id; never a request
# body, a query string or SQL parameters, which can carry health information.
LOG_FORMAT = env("LOG_FORMAT", default="json" if PRODUCTION else "plain")
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": True, "RETURN_HEADER": True}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "correlation_id": "request_id"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING", "propagate": True},
        "django_guid": {"level": "WARNING", "propagate": True},
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
# No page is framed, except record PDFs in the reviewer's embedded viewer (xframe_options_sameorigin).
X_FRAME_OPTIONS = "DENY"

# -- Claims administrators' API (api/, parties/; docs/api.md) -----------------------------------------
# Machine clients use OAuth 2.0 client credentials (django-oauth-toolkit); each client application
# belongs to one claims-administrator organisation through its service user (parties.ApiClient).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER = {
    "SCOPES": {"read": "Read the organisation's cases", "write": "Upload records, manage webhooks"},
    "DEFAULT_SCOPES": ["read", "write"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("API_TOKEN_SECONDS", default=3600),
    # Client secrets are stored hashed; a client shows its secret once, when it is created.
    "PKCE_REQUIRED": True,
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit or password grant, no plain PKCE, tokens only in the
    # Authorization header, hashed at rest, https redirect URIs, refresh tokens never replayed
    # (manage.py check --deploy, tests/test_settings.py).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ClientCredentialsAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.OrganisationClient"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": env("API_RATE_LIMIT", default="600/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CasePagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IMR claims administrator API",
    "DESCRIPTION": "Cases, records requests, record uploads, determinations and webhooks for claims "
    "administrators. Authenticate with OAuth 2.0 client credentials at /o/token/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Webhook deliveries: attempts before a delivery is marked failed (retried with backoff in between), the
# receiver's time limit, and whether plain http:// endpoints are allowed (never in production).
# How long a stored Idempotency-Key answer is kept: a retry within this window gets the first answer back;
# after it the key is forgotten (purged hourly) and may be used again. Stripe keeps keys 24 hours.
API_IDEMPOTENCY_RETENTION_HOURS = env.int("API_IDEMPOTENCY_RETENTION_HOURS", default=24)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=not PRODUCTION)
# Webhook hosts resolving to loopback, private or link-local addresses are refused in production (SSRF).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=not PRODUCTION)
