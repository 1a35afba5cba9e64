"""The platform's one settings file, driven by environment variables.

Every setting a deployment may change is read from the environment; the defaults run the
embedded configuration (SQLite under ``var/``) for development and small installations.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GRIDGOV_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("GRIDGOV_REQUIRE_SECRET_KEY", "") == "1":
        raise RuntimeError("SECRET_KEY must be set in production")
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "gridgov.core",
    "gridgov.accounts",
    "gridgov.orgs",
    "gridgov.geo",
    "gridgov.catalogue",
    "gridgov.cases",
    "gridgov.open311",
    "gridgov.enterprises",
    "gridgov.party",
    "gridgov.wishes",
    "gridgov.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gridgov.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gridgov.core.middleware.SessionMarkMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gridgov.accounts.middleware.SessionTimeoutMiddleware",
    "gridgov.accounts.middleware.StaffTotpMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gridgov.core.middleware.ContentSecurityPolicyMiddleware",
    "gridgov.core.middleware.AuditMiddleware",
    "gridgov.core.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gridgov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gridgov.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default (WAL, IMMEDIATE transactions, busy timeout, persistent connections);
# PostgreSQL when DATABASE_URL says so.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
CONN_MAX_AGE = int(os.environ.get("GRIDGOV_CONN_MAX_AGE", "600"))
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "gridgov.core.db.sqlite3",
            "NAME": os.environ.get("GRIDGOV_SQLITE_PATH", str(VAR_DIR / "gridgov.sqlite3")),
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            # Tests use a file too (not SQLite's shared in-memory database, which locks whole
            # tables between threads): concurrent tests then see what production sees.
            "TEST": {
                "NAME": os.environ.get("GRIDGOV_SQLITE_TEST_PATH", str(VAR_DIR / "test-gridgov.sqlite3"))
            },
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": float(os.environ.get("GRIDGOV_SQLITE_BUSY_TIMEOUT", "5")),
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "gridgov.accounts.backends.PhoneCodeBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Argon2id first; a password stored with another hasher is re-hashed with it at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# In force wherever a password is set: the admin, the password change page, createsuperuser.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gridgov.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "gridgov" / "static"]
STATIC_ROOT = Path(os.environ.get("GRIDGOV_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("GRIDGOV_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files (case photos) are never served from MEDIA_URL: a view checks who may see them.
# Local disk by default; S3-compatible object storage when GRIDGOV_S3_BUCKET is set
# (install the "s3" extra: django-storages with boto3).
GRIDGOV_S3_BUCKET = os.environ.get("GRIDGOV_S3_BUCKET", "")
if GRIDGOV_S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": GRIDGOV_S3_BUCKET,
            "endpoint_url": os.environ.get("GRIDGOV_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("GRIDGOV_S3_REGION") or None,
            "access_key": os.environ.get("GRIDGOV_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("GRIDGOV_S3_SECRET_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads up to the photo limit are accepted by Django; the photo service refuses larger ones.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# The cache (rendered cases, placements, the catalogue and calendar, rate limits): each process's
# memory by default; shared by every process when GRIDGOV_CACHE_URL names a Redis server
# (redis://host:6379/0; install the "redis" extra).
GRIDGOV_CACHE_URL = os.environ.get("GRIDGOV_CACHE_URL", "")
if GRIDGOV_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": GRIDGOV_CACHE_URL,
            "KEY_PREFIX": "gridgov",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# --- Background work (Django Tasks API) -------------------------------------------------------
# The database backend by default; `manage.py db_worker` runs the queue. "immediate" runs each
# task in the process that enqueues it (tests, single-process installs). "rq" keeps the queue in
# Redis at GRIDGOV_TASKS_REDIS_URL (install the "rq" extra); `manage.py rqworker` runs it.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "rq": "django_tasks_rq.RQBackend",
}
_tasks_backend = os.environ.get("GRIDGOV_TASKS_BACKEND", "database")
if _tasks_backend not in _TASK_BACKENDS:
    raise RuntimeError(
        f"GRIDGOV_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {_tasks_backend!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks_backend], "QUEUES": ["default"]}}
# The RQ backend's queue (django-rq). Its workers run each job through django-tasks-rq's Job
# class, which calls the task and records its result for the Tasks API.
GRIDGOV_TASKS_REDIS_URL = os.environ.get("GRIDGOV_TASKS_REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": GRIDGOV_TASKS_REDIS_URL}}
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
if _tasks_backend == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

# --- Security ---------------------------------------------------------------------------------
# Production (DJANGO_ENV=production): HTTPS only, with HSTS and secure cookies; a deployment
# that passes `manage.py check --deploy` without a warning (its HTTPS settings are below).
PRODUCTION = os.environ.get("DJANGO_ENV", "").strip().lower() == "production"
if PRODUCTION and DEBUG:
    raise RuntimeError("DEBUG must be off when DJANGO_ENV=production")
if PRODUCTION and not os.environ.get("SECRET_KEY"):
    raise RuntimeError("SECRET_KEY must be set when DJANGO_ENV=production")
# An installation serving people: DJANGO_ENV=production, or DEBUG off and a SECRET_KEY of its own
# (`make run`'s demo has neither): secure cookies and staff two-factor codes by default.
_PRODUCTION = PRODUCTION or (not DEBUG and bool(os.environ.get("SECRET_KEY")))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("GRIDGOV_SECURE_COOKIES", _PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A signed-in session ends after this many minutes without a request, and this many hours after
# the sign-in whatever happens (0: no such limit); GRIDGOV_SESSION_IDLE_MINUTES and ..._MAX_HOURS.
GRIDGOV_SESSION_IDLE_MINUTES = int(os.environ.get("GRIDGOV_SESSION_IDLE_MINUTES", "60"))
GRIDGOV_SESSION_MAX_HOURS = int(os.environ.get("GRIDGOV_SESSION_MAX_HOURS", "24"))
if GRIDGOV_SESSION_MAX_HOURS > 0:
    SESSION_COOKIE_AGE = GRIDGOV_SESSION_MAX_HOURS * 3600
# Two-factor codes (TOTP) for command-centre operators and administrators: "required" (they
# enrol before anything else), "optional" (they may enrol; once enrolled they must use it) or
# "off". Required in production, optional otherwise (the demo's staff sign in with a password).
GRIDGOV_STAFF_TOTP = os.environ.get("GRIDGOV_STAFF_TOTP", "") or ("required" if _PRODUCTION else "optional")
if GRIDGOV_STAFF_TOTP not in ("required", "optional", "off"):
    raise RuntimeError(f"GRIDGOV_STAFF_TOTP must be required, optional or off, not {GRIDGOV_STAFF_TOTP!r}")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Production's HTTPS: behind a reverse proxy that ends TLS, set GRIDGOV_PROXY_SSL_HEADER=1 (the
# proxy must set X-Forwarded-Proto itself).
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("GRIDGOV_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("GRIDGOV_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GRIDGOV_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("GRIDGOV_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    if env_bool("GRIDGOV_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "gridgov": {"handlers": ["console"], "level": os.environ.get("GRIDGOV_LOG_LEVEL", "INFO")},
    },
}

# --- Platform settings (GRIDGOV_*) --------------------------------------------------------------
# SMS: "log" writes each message to the log and to the outbox administrators can read;
# "http" posts it to a gateway (GRIDGOV_SMS_HTTP_URL, GRIDGOV_SMS_HTTP_TOKEN).
GRIDGOV_SMS_BACKEND = os.environ.get("GRIDGOV_SMS_BACKEND", "log")
GRIDGOV_SMS_HTTP_URL = os.environ.get("GRIDGOV_SMS_HTTP_URL", "")
GRIDGOV_SMS_HTTP_TOKEN = os.environ.get("GRIDGOV_SMS_HTTP_TOKEN", "")
GRIDGOV_SMS_HTTP_TIMEOUT = float(os.environ.get("GRIDGOV_SMS_HTTP_TIMEOUT", "5"))
GRIDGOV_LOGIN_CODE_TTL_SECONDS = int(os.environ.get("GRIDGOV_LOGIN_CODE_TTL_SECONDS", "300"))
GRIDGOV_LOGIN_CODE_RESEND_SECONDS = int(os.environ.get("GRIDGOV_LOGIN_CODE_RESEND_SECONDS", "60"))
GRIDGOV_LOGIN_MAX_FAILURES = int(os.environ.get("GRIDGOV_LOGIN_MAX_FAILURES", "5"))
GRIDGOV_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("GRIDGOV_LOGIN_LOCKOUT_SECONDS", "900"))
# Failed sign-ins (any account) from one client address within the lockout window before the
# address is locked out too; login codes one phone number, and one client address, may be sent
# (asked for) in an hour.
GRIDGOV_LOGIN_IP_MAX_FAILURES = int(os.environ.get("GRIDGOV_LOGIN_IP_MAX_FAILURES", "30"))
GRIDGOV_LOGIN_CODES_PER_PHONE_HOUR = int(os.environ.get("GRIDGOV_LOGIN_CODES_PER_PHONE_HOUR", "5"))
GRIDGOV_LOGIN_CODES_PER_IP_HOUR = int(os.environ.get("GRIDGOV_LOGIN_CODES_PER_IP_HOUR", "20"))
# How often (seconds) a process checks whether grid polygons changed and its index must be rebuilt.
GRIDGOV_GEO_RECHECK_SECONDS = float(os.environ.get("GRIDGOV_GEO_RECHECK_SECONDS", "1"))
# Map tiles: empty means grid polygons are drawn on a plain background.
GRIDGOV_MAP_TILE_URL = os.environ.get("GRIDGOV_MAP_TILE_URL", "")
# The content security policy of every page: the site's own scripts, styles and connections
# only (no inline script, style attribute or eval anywhere), images also from the map tiles'
# host and from the page itself (blob: previews of chosen photos). Set by
# core.middleware.ContentSecurityPolicyMiddleware.
_tile = GRIDGOV_MAP_TILE_URL.split("/")
_tile_origin = f"{_tile[0]}//{_tile[2].replace('{s}', '*')}" if "://" in GRIDGOV_MAP_TILE_URL else ""
GRIDGOV_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data: blob: {_tile_origin}".strip(),
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "worker-src 'self'",
        "manifest-src 'self'",
    ]
)
GRIDGOV_API_TOKEN_TTL_DAYS = int(os.environ.get("GRIDGOV_API_TOKEN_TTL_DAYS", "90"))
# Reports a resident may make in an hour, per person and per address (0: no limit).
GRIDGOV_REPORT_RATE_USER = int(os.environ.get("GRIDGOV_REPORT_RATE_USER", "20"))
GRIDGOV_REPORT_RATE_IP = int(os.environ.get("GRIDGOV_REPORT_RATE_IP", "60"))
# A command centre's 待审核 list holds the published reports of the last so many days it has
# not reviewed (what the public sees of them).
GRIDGOV_REVIEW_DAYS = int(os.environ.get("GRIDGOV_REVIEW_DAYS", "30"))

# Case photos: refused before decoding when larger than these.
GRIDGOV_PHOTO_MAX_BYTES = int(os.environ.get("GRIDGOV_PHOTO_MAX_BYTES", str(15 * 1024 * 1024)))
GRIDGOV_PHOTO_MAX_PIXELS = int(os.environ.get("GRIDGOV_PHOTO_MAX_PIXELS", str(40_000_000)))
# Work calendar: working hours of a working day (Asia/Shanghai), as "HH:MM-HH:MM" periods.
GRIDGOV_WORK_HOURS = os.environ.get("GRIDGOV_WORK_HOURS", "08:30-12:00,13:30-17:30")
# Notifications: how far ahead of a deadline (share of the stage's limit) "due soon" is raised
# is set per SLA policy; the sweep that raises it runs every this many seconds under `scheduler`.
GRIDGOV_SWEEP_SECONDS = int(os.environ.get("GRIDGOV_SWEEP_SECONDS", "60"))
# 延期: the most working days one extension may add to a task's deadline.
GRIDGOV_EXTENSION_MAX_DAYS = int(os.environ.get("GRIDGOV_EXTENSION_MAX_DAYS", "10"))
# How often (seconds) a directive's response board reloads itself in the browser.
GRIDGOV_BOARD_REFRESH_SECONDS = int(os.environ.get("GRIDGOV_BOARD_REFRESH_SECONDS", "30"))
# Party building: the most households one central household (党员中心户) looks after.
GRIDGOV_CENTRAL_HOUSEHOLDS_MAX = int(os.environ.get("GRIDGOV_CENTRAL_HOUSEHOLDS_MAX", "15"))
# Micro-wishes: published wishes nobody claimed for this many days are flagged to the branch.
GRIDGOV_WISH_UNCLAIMED_DAYS = int(os.environ.get("GRIDGOV_WISH_UNCLAIMED_DAYS", "14"))
# Volunteer activities: how long an organiser's check-in code holds (seconds), how early before
# the start members may check in (minutes), and wrong codes allowed per member per minute.
GRIDGOV_CHECKIN_CODE_SECONDS = int(os.environ.get("GRIDGOV_CHECKIN_CODE_SECONDS", "120"))
GRIDGOV_CHECKIN_EARLY_MINUTES = int(os.environ.get("GRIDGOV_CHECKIN_EARLY_MINUTES", "30"))
GRIDGOV_CHECKIN_MAX_FAILURES = int(os.environ.get("GRIDGOV_CHECKIN_MAX_FAILURES", "5"))
# KPIs: 基本满意 counts as this share of 满意; the composite score's weights; the longest range.
GRIDGOV_KPI_BASIC_WEIGHT = float(os.environ.get("GRIDGOV_KPI_BASIC_WEIGHT", "0.9"))
GRIDGOV_KPI_WEIGHTS = os.environ.get("GRIDGOV_KPI_WEIGHTS", "response=0.1,resolution=0.5,satisfaction=0.4")
GRIDGOV_KPI_MAX_DAYS = int(os.environ.get("GRIDGOV_KPI_MAX_DAYS", "731"))

# Open311 GeoReport v2 (/open311/v2/): jurisdiction_id names that mean the whole platform (a
# city's or county's division code is always accepted); requests per minute per client key;
# what the discovery document says.
GRIDGOV_OPEN311_JURISDICTIONS = env_list("GRIDGOV_OPEN311_JURISDICTIONS", "")
GRIDGOV_OPEN311_RATE_LIMIT = int(os.environ.get("GRIDGOV_OPEN311_RATE_LIMIT", "600"))
GRIDGOV_OPEN311_CONTACT = os.environ.get("GRIDGOV_OPEN311_CONTACT", "")
GRIDGOV_OPEN311_KEY_SERVICE = os.environ.get("GRIDGOV_OPEN311_KEY_SERVICE", "")
GRIDGOV_OPEN311_ENDPOINT_TYPE = os.environ.get("GRIDGOV_OPEN311_ENDPOINT_TYPE", "production")
