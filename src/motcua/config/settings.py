"""Settings for Một Cửa: one module, sane defaults, everything overridable from the environment.

`MOTCUA_ENV=production` turns on the production profile: DEBUG off, secure cookies, HSTS, and
a loud failure when a required secret (`DJANGO_SECRET_KEY`) is missing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/motcua
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("MOTCUA_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when MOTCUA_ENV=production.")
    SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "motcua.core",
    "motcua.accounts",
    "motcua.organisation",
    "motcua.calendar",
    "motcua.catalogue",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.reports",
    "motcua.backoffice",
    "motcua.demo",
    "motcua.reform",
    "motcua.evaluation",
    "motcua.portal",
    "motcua.api",
    "motcua.privacy",
    "motcua.payments",
    "motcua.feedback",
    "motcua.digitisation",
    "motcua.integrations",
    "motcua.signing",
    "motcua.ops",
]

MIDDLEWARE = [
    "motcua.core.middleware.RequestIdMiddleware",  # X-Request-ID, request_id on log records
    "motcua.ops.middleware.MetricsMiddleware",  # Prometheus request counts and latency
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.language.LanguageMiddleware",  # vi unless chosen (core/language.py)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "motcua.core.input_guard.RejectNulMiddleware",  # NUL in input: 400, not a 500 on PostgreSQL
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "motcua.accounts.middleware.TwoFactorMiddleware",  # no staff page before the 2nd step
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.core.middleware.SecurityHeadersMiddleware",  # CSP + Permissions-Policy
]

if PRODUCTION:
    # Static files are served by the application itself (no CDN); collectstatic fills STATIC_ROOT.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "motcua.config.urls"
WSGI_APPLICATION = "motcua.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.backoffice.context_processors.navigation",  # role-bound nav links
            ],
        },
    }
]

# SQLite is the embedded default; DATABASE_URL switches (anything dj-database-url reads).
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if "DATABASE_URL" not in os.environ:
        VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default lives in ./var
    # Writers wait instead of failing with "database is locked"; WAL lets readers continue.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_SERVER_SIDE_BINDING", True
):
    # Server-side parameter binding: psycopg prepares a statement the connection has run
    # `DATABASE_PREPARE_THRESHOLD` times (default 2) and PostgreSQL skips its parse and plan
    # from then on (docs/deploy.md: behind PgBouncer in transaction mode, use PgBouncer ≥ 1.21
    # with max_prepared_statements, or DATABASE_SERVER_SIDE_BINDING=0).
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "2")),
    }
# Optional read replica for the statistics rollups (motcua.ops.routers, docs/deploy.md): reads
# of the reports app's models go to it; writes and migrations stay on "default".
if os.environ.get("REPORTS_DATABASE_URL"):
    DATABASES["reports"] = dj_database_url.parse(
        os.environ["REPORTS_DATABASE_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["motcua.ops.routers.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "backoffice:login"
# Failed log-in lockout (motcua.accounts.lockout): N failures per username + IP within the
# lock period lock that pair for the period. ModelBackend stays listed for sessions created
# with it explicitly.
AUTHENTICATION_BACKENDS = [
    "motcua.accounts.backends.LockoutModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MOTCUA_LOGIN_MAX_FAILURES = int(os.environ.get("MOTCUA_LOGIN_MAX_FAILURES", "5"))
MOTCUA_LOGIN_LOCK_MINUTES = int(os.environ.get("MOTCUA_LOGIN_LOCK_MINUTES", "15"))
# OpenID Connect sign-in for citizens (VNeID-style, motcua.accounts.oidc, docs/domain/portal.md):
# on only when OIDC_RP_CLIENT_ID and the provider's endpoints are set.
if os.environ.get("OIDC_RP_CLIENT_ID"):
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
    OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT") or None
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile email phone")
    OIDC_USE_PKCE = True
    OIDC_AUTHENTICATION_CALLBACK_URL = "portal:oidc_callback"
    LOGIN_REDIRECT_URL_FAILURE = "/cong-dan/dang-nhap/?dinh-danh=loi"
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "motcua.accounts.oidc.CitizenOIDCBackend"]
# Key of the TOTP secrets at rest (Fernet; "" = derived from SECRET_KEY, see accounts/totp.py).
MOTCUA_TOTP_KEY = os.environ.get("MOTCUA_TOTP_KEY", "")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "motcua.accounts.validators.MinimumLengthValidator",  # Vietnamese message
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English available. Times stored in UTC, shown in Asia/Ho_Chi_Minh.
LANGUAGE_CODE = "vi"
# Pages follow the browser's Accept-Language only when set (default: Vietnamese unless the user
# picks another language in the footer; the API and Open311 always negotiate).
MOTCUA_LANGUAGE_FROM_BROWSER = env_bool("MOTCUA_LANGUAGE_FROM_BROWSER", False)
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["motcua.config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MOTCUA_MEDIA_ROOT", VAR_DIR / "media"))
PRIVATE_STORAGE = (os.environ.get("MOTCUA_STORAGE") or "local").strip().lower()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
    # Private files (uploads, digitised components, the personal store; no public URL):
    # MEDIA_ROOT/private, or an S3-compatible bucket with MOTCUA_STORAGE=s3
    # (docs/domain/digitisation.md). Read through `motcua.portal.storage.get_private_storage`.
    "private": (
        {
            "BACKEND": "motcua.portal.storage_s3.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": os.environ.get("MOTCUA_S3_BUCKET", ""),
                "endpoint_url": os.environ.get("MOTCUA_S3_ENDPOINT_URL") or None,
                "access_key": os.environ.get("MOTCUA_S3_ACCESS_KEY_ID") or None,
                "secret_key": os.environ.get("MOTCUA_S3_SECRET_ACCESS_KEY") or None,
                "region_name": os.environ.get("MOTCUA_S3_REGION") or None,
                "location": os.environ.get("MOTCUA_S3_PREFIX", ""),
            },
        }
        if PRIVATE_STORAGE == "s3"
        else {"BACKEND": "motcua.portal.storage.PrivateStorage"}
    ),
}
if PRIVATE_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured("MOTCUA_STORAGE must be 'local' or 's3'.")
if PRIVATE_STORAGE == "s3" and not os.environ.get("MOTCUA_S3_BUCKET"):
    raise ImproperlyConfigured("MOTCUA_STORAGE=s3 needs MOTCUA_S3_BUCKET.")

# The cache holds what must be the same for every web process: the log-in lockout, the portal
# and API throttles, the counter's double-submit guard. MOTCUA_CACHE_URL=redis://host:6379/1
# shares it (required with several processes: gunicorn workers or machines); unset, each process
# keeps its own (the embedded default; `check --deploy` warns in production, motcua.W001).


def cache_settings(url: str) -> dict[str, dict[str, Any]]:
    """CACHES for MOTCUA_CACHE_URL: ``redis://…``/``rediss://…`` (shared), ``locmem://`` or
    empty (this process only)."""
    scheme = url.partition("://")[0].lower() if "://" in url else url.strip().lower()
    if scheme in {"redis", "rediss"}:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "motcua",
            }
        }
    if scheme in {"", "locmem"}:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    raise ImproperlyConfigured(
        f"MOTCUA_CACHE_URL: redis://, rediss:// or locmem://, not {scheme!r}."
    )


MOTCUA_CACHE_URL = os.environ.get("MOTCUA_CACHE_URL", "")
CACHES = cache_settings(MOTCUA_CACHE_URL)

# Background work: Celery on Redis or RabbitMQ; eager in the embedded default.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL" not in os.environ
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING (JSON, request ids)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# After-commit hooks of dossier events (motcua.dossiers.tasks). With a broker, committed events
# wait up to BATCH_MS to share one message (0: one message per transaction, sent by the
# committing thread; dossiers.handoff). An outbox row still open after STALE_MINUTES is
# re-enqueued by the sweeper, at most MAX_ATTEMPTS dispatches; completed rows are purged after
# KEEP_DAYS.
MOTCUA_DISPATCH_BATCH_MS = int(os.environ.get("MOTCUA_DISPATCH_BATCH_MS", "200"))
MOTCUA_DISPATCH_STALE_MINUTES = int(os.environ.get("MOTCUA_DISPATCH_STALE_MINUTES", "5"))
MOTCUA_DISPATCH_MAX_ATTEMPTS = int(os.environ.get("MOTCUA_DISPATCH_MAX_ATTEMPTS", "10"))
MOTCUA_DISPATCH_KEEP_DAYS = int(os.environ.get("MOTCUA_DISPATCH_KEEP_DAYS", "7"))
# Periodic jobs (`celery -A motcua beat`): the monthly statistics rollup moves forward once a
# month (1st, 19:00 UTC = 02:00 on the 2nd in Vietnam, after the month's last day is over).
CELERY_BEAT_SCHEDULE = {
    "extend-monthly-rollups": {
        "task": "reports.tasks.extend_monthly_rollups",
        "schedule": crontab(minute=0, hour=19, day_of_month="1"),
    },
    # Re-run the after-commit hooks of events a crashed worker left half-done.
    "dossiers-redispatch-stale": {"task": "dossiers.redispatch_stale", "schedule": 300.0},
    # Daily digest of dossiers due within 1 working day or overdue (07:30 in Vietnam).
    "dossiers-remind-deadlines": {
        "task": "dossiers.remind_deadlines",
        "schedule": crontab(minute=30, hour=0),
    },
    # Interoperability: re-send the webhook deliveries and national-portal pushes that are due.
    "integrations-retry-due": {"task": "integrations.retry_due", "schedule": 60.0},
    "integrations-national-sync-due": {"task": "integrations.national_sync_due", "schedule": 300.0},
}

# Security: secure by default, strict in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("MOTCUA_SESSION_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_FAILURE_VIEW = "motcua.config.errors.csrf_failure"  # Vietnamese, says what to do
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy and Permissions-Policy (motcua.core.middleware). Scripts and styles
# only from this origin: no inline <script>, no inline style (docs/domain/security.md).
MOTCUA_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
MOTCUA_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# Behind a reverse proxy: the META key of the header it overwrites with the client address
# (e.g. "HTTP_X_REAL_IP"), used by the personal-data access log; "" = REMOTE_ADDR.
MOTCUA_CLIENT_IP_HEADER = os.environ.get("MOTCUA_CLIENT_IP_HEADER", "")
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Prometheus metrics (/metrics, motcua.ops): answered to these client addresses or networks
# (MOTCUA_CLIENT_IP_HEADER applies), or to `Authorization: Bearer <MOTCUA_METRICS_TOKEN>`.
MOTCUA_METRICS_ALLOWED_IPS = env_list("MOTCUA_METRICS_ALLOWED_IPS", "127.0.0.1,::1")
MOTCUA_METRICS_TOKEN = os.environ.get("MOTCUA_METRICS_TOKEN", "")

# Logs on stderr: plain text by default, one JSON object per line with MOTCUA_LOG_FORMAT=json.
# Every record carries `request_id` (motcua.ops.requestid; "-" outside a request).
MOTCUA_LOG_FORMAT = os.environ.get("MOTCUA_LOG_FORMAT", "text")
if MOTCUA_LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("MOTCUA_LOG_FORMAT must be 'text' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "motcua.ops.requestid.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": MOTCUA_LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "INFO")},
    "loggers": {"celery": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------------------------
# Domain settings. Rules marked ❓ in DOMAIN.md are settings with the recommended default;
# docs/domain/settings.md explains each one and its source.
# ---------------------------------------------------------------------------------------------
MOTCUA = {
    # DOMAIN.md §2.3: dossiers received after this local time count from the next working day
    # for same-day procedures (NĐ61 art. 18(2)-(3); NĐ 23/2015 art. 7). ✅
    "CUTOFF_TIME": os.environ.get("MOTCUA_CUTOFF_TIME", "15:00"),
    # DOMAIN.md §2.3 ❓: the limit units the cut-off applies to (by law: same-day procedures).
    "CUTOFF_APPLIES_TO": env_list("MOTCUA_CUTOFF_APPLIES_TO", "same_day"),
    # DOMAIN.md §2.3 ❓: an online dossier's clock starts at the officer's receipt ("receipt")
    # or at the submission moved to the next working session ("submission").
    "ONLINE_CLOCK_START": os.environ.get("MOTCUA_ONLINE_CLOCK_START", "receipt"),
    # DOMAIN.md §2.5 (a) ❓: compare finish vs due by date for day limits, by instant otherwise.
    "CLASSIFY_DAY_LIMITS_BY_DATE": env_bool("MOTCUA_CLASSIFY_DAY_LIMITS_BY_DATE", True),
    # DOMAIN.md §2.5 (b) ❓: lateness against the original appointment date ("original")
    # or the extended one ("extended").
    "LATENESS_AGAINST": os.environ.get("MOTCUA_LATENESS_AGAINST", "original"),
    # DOMAIN.md §3.4: "strict" (footnote row) or "folded" into on time / within deadline.
    "STATS_POLICY": os.environ.get("MOTCUA_STATS_POLICY", "strict"),
    # DOMAIN.md §3.6 ❓: "calendar" periods or Decree 09/2019 "cutoff_15" (15th–14th).
    "REPORT_PERIOD_CONVENTION": os.environ.get("MOTCUA_REPORT_PERIOD_CONVENTION", "calendar"),
    # Base URL of the public look-up page printed as a QR code on receipts.
    "PUBLIC_BASE_URL": os.environ.get("MOTCUA_PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
    # PAKN deadlines in working days (docs/domain/feedback.md; DOMAIN.md §4.2 indicator 5.2,
    # NĐ 20/2008 article numbers ❓): classify/refuse, ask for information, answer, publish.
    "FEEDBACK_CLASSIFY_DAYS": int(os.environ.get("MOTCUA_FEEDBACK_CLASSIFY_DAYS", "2")),
    "FEEDBACK_INFO_REQUEST_DAYS": int(os.environ.get("MOTCUA_FEEDBACK_INFO_REQUEST_DAYS", "5")),
    "FEEDBACK_ANSWER_DAYS": int(os.environ.get("MOTCUA_FEEDBACK_ANSWER_DAYS", "15")),
    "FEEDBACK_PUBLISH_DAYS": int(os.environ.get("MOTCUA_FEEDBACK_PUBLISH_DAYS", "2")),
    # Open311 (/open311/v2/): also list accepted, still open requests; API keys for POST
    # requests.json (empty: none needed).
    "OPEN311_LIST_OPEN": env_bool("MOTCUA_OPEN311_LIST_OPEN", False),
    "OPEN311_API_KEYS": env_list("MOTCUA_OPEN311_API_KEYS", ""),
    # Online payment of fees (docs/domain/payments.md): dotted path of the PaymentProvider
    # class; "" = online payment off. Default: the local sandbox page (no money moves), off in
    # production. A real gateway (VNPay, Keypay, the national payment platform) is a class
    # with create_payment/verify_callback named here.
    "PAYMENT_PROVIDER": os.environ.get(
        "MOTCUA_PAYMENT_PROVIDER", "" if PRODUCTION else "motcua.payments.providers.SandboxProvider"
    ),
    # HMAC key of the sandbox's signed callbacks ("" = derived from SECRET_KEY).
    "PAYMENT_SANDBOX_SECRET": os.environ.get("MOTCUA_PAYMENT_SANDBOX_SECRET", ""),
    # docs/dev/documents.md: store the forms and result documents each dossier event issues
    # (PDF + DOCX, task documents.tasks.generate_documents after the commit). Off: print only.
    "GENERATE_DOCUMENTS": env_bool("MOTCUA_GENERATE_DOCUMENTS", True),
    # Second factor (TOTP, motcua.accounts.totp): roles that must enrol before using the back
    # office — organisation roles and "superuser". Production: leaders, unit administrators and
    # superusers; embedded default: optional for everyone (the demo log-ins need no phone).
    "TOTP_REQUIRED_ROLES": env_list(
        "MOTCUA_TOTP_REQUIRED_ROLES", "leader,unit_admin,superuser" if PRODUCTION else ""
    ),
    # Digital signatures (docs/dev/signing.md). SIGNER = the signing officer, SEAL_SIGNER = the
    # agency seal ("dấu cơ quan"): BACKEND "pkcs12" (PKCS12_FILE + PASSPHRASE_FILE), "pkcs11"
    # (PKCS11_* token; PASSPHRASE_FILE holds the PIN) or "" (not configured). Secrets in files.
    **{
        group: {
            key: os.environ.get(f"MOTCUA_{group}_{key}", "")
            for key in (
                *("BACKEND", "PKCS12_FILE", "PASSPHRASE_FILE", "PKCS11_MODULE"),
                *("PKCS11_TOKEN_LABEL", "PKCS11_KEY_LABEL", "PKCS11_CERT_LABEL"),
            )
        }
        for group in ("SIGNER", "SEAL_SIGNER")
    },
    # PEM/DER files of the CA roots a signature must chain to to be "trusted" (comma-separated);
    # empty = no signature is trusted. Fetching CRL/OCSP over the network is off by default.
    "SIGNING_TRUST_ROOTS": env_list("MOTCUA_SIGNING_TRUST_ROOTS", ""),
    # Demo keys written by `motcua load-demo` (`motcua signing-demo-keys`): used when SIGNER /
    # SEAL_SIGNER have no BACKEND and the files exist, and their root is then trusted too.
    # Empty in production: a production installation configures real keys or signs nothing.
    "DEMO_SIGNING_DIR": os.environ.get(
        "MOTCUA_DEMO_SIGNING_DIR", "" if PRODUCTION else str(VAR_DIR / "signing")
    ),
    "SIGNING_FETCH_REVOCATION": env_bool("MOTCUA_SIGNING_FETCH_REVOCATION", False),
    # Interoperability (docs/dev/integrations.md). Outgoing webhooks: attempts before a delivery
    # is marked failed (back-off 30 s × 2^n between them) and the HTTP timeout in seconds.
    "WEBHOOK_MAX_ATTEMPTS": int(os.environ.get("MOTCUA_WEBHOOK_MAX_ATTEMPTS", "8")),
    "WEBHOOK_TIMEOUT": float(os.environ.get("MOTCUA_WEBHOOK_TIMEOUT", "5")),
    # National portal (Cổng DVCQG): base URL and bearer credential of the HTTP adapter; empty
    # URL = sync off. NATIONAL_PORTAL_ADAPTER (a dotted class path) replaces the HTTP adapter.
    "NATIONAL_PORTAL_URL": os.environ.get("MOTCUA_NATIONAL_PORTAL_URL", ""),
    "NATIONAL_PORTAL_TOKEN": os.environ.get("MOTCUA_NATIONAL_PORTAL_TOKEN", ""),
    "NATIONAL_PORTAL_ADAPTER": os.environ.get("MOTCUA_NATIONAL_PORTAL_ADAPTER", ""),
    "NATIONAL_PORTAL_MAX_ATTEMPTS": int(
        os.environ.get("MOTCUA_NATIONAL_PORTAL_MAX_ATTEMPTS", "10")
    ),
    # Serve the simulated national endpoint under /tich-hop/dvcqg-gia-lap/ (development only).
    "NATIONAL_PORTAL_FAKE": env_bool("MOTCUA_NATIONAL_PORTAL_FAKE", DEBUG and not PRODUCTION),
    # REST API: requests per minute of a token that does not set its own limit.
    "API_RATE_LIMIT_PER_MINUTE": int(os.environ.get("MOTCUA_API_RATE_LIMIT_PER_MINUTE", "120")),
}
