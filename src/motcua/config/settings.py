"""Settings for Một Cửa: one module, sane defaults, everything overridable from the environment.

`MOTCUA_ENV=production` turns on the production profile: DEBUG off, secure cookies, HSTS, and
a loud failure when a required secret (`DJANGO_SECRET_KEY`) is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

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
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Background work: Celery on Redis or RabbitMQ; eager in the embedded default.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL" not in os.environ
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
# Periodic jobs (`celery -A motcua beat`): the monthly statistics rollup moves forward once a
# month (1st, 19:00 UTC = 02:00 on the 2nd in Vietnam, after the month's last day is over).
CELERY_BEAT_SCHEDULE = {
    "extend-monthly-rollups": {
        "task": "reports.tasks.extend_monthly_rollups",
        "schedule": crontab(minute=0, hour=19, day_of_month="1"),
    },
}

# Security: secure by default, strict in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("MOTCUA_SESSION_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
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
}
