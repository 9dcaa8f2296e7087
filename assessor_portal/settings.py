"""Settings for the assessor portal, all read from the environment.

DEBUG defaults to on for a developer's machine; production sets DEBUG=0, SECRET_KEY and
ALLOWED_HOSTS, and then every `check --deploy` rule is switched on.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
import font_source_sans_pro
from django.utils.csp import CSP
from xstatic.pkg import bootstrap as xstatic_bootstrap

from assessor_portal.s3 import s3_download_origin, s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("Set SECRET_KEY when DEBUG is off.")
    SECRET_KEY = "dev-only-secret-key-not-for-production-use-0123456789abcdef"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "assessor_portal",
    "units",
    "evidence",
    "validation",
    "reports",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Puts the signed-in user on every history row a request writes (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Messages live in the session, which signing out flushes: on a tablet shared by an assessor and
# a student, a message meant for one is never shown to the next (a cookie would outlive sign-out).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

ROOT_URLCONF = "assessor_portal.urls"
WSGI_APPLICATION = "assessor_portal.wsgi.application"

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
                "assessor_portal.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The default database must take several writes at once (the upload page sends each chosen
    # file in its own request): WAL lets readers run beside a writer, IMMEDIATE takes the write
    # lock at BEGIN so two transactions never deadlock upgrading a read lock, and the busy
    # timeout makes a writer wait its turn instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "assessor_portal.User"
AUTHENTICATION_BACKENDS = [
    # Student usernames are student IDs, easy to guess: repeated failed sign-ins lock out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "assessor_portal.http.client_ip"
# How many proxies (load balancer, reverse proxy) stand in front and append X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Australian English and formats: DD/MM/YYYY, Australia/Sydney.
LANGUAGE_CODE = "en-au"
LANGUAGES = [("en-au", "English (Australia)")]
TIME_ZONE = "Australia/Sydney"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["assessor_portal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
if DEBUG:
    # WhiteNoise serves from the finders while developing, but expects STATIC_ROOT to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic_bootstrap.BASE_DIR),
    # The forms' typeface, for the pages and the PDFs alike (see assessor_portal/pdf.py).
    ("vendor/source-sans-pro", font_source_sans_pro.font_directory),
]
# Evidence files: local MEDIA_ROOT by default; any S3-compatible store by setting the bucket.
# Either way files are private: MEDIA_URL is never routed, downloads go through a checked view.
# With a bucket, a download is a redirect to a presigned link that works for AWS_QUERYSTRING_EXPIRE
# seconds (assessor_portal/downloads.py); the bucket stays private (assessor_portal/s3.py).
S3_BUCKET = {
    "bucket": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
    "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
    "region": os.environ.get("AWS_S3_REGION_NAME") or None,
    "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
}
if S3_BUCKET["bucket"]:
    DEFAULT_STORAGE = s3_storage(
        **S3_BUCKET,
        url_seconds=int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "60")),
        acl=os.environ.get("AWS_DEFAULT_ACL", "private"),
    )
    EVIDENCE_DOWNLOAD_ORIGINS = [s3_download_origin(**S3_BUCKET)]
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    EVIDENCE_DOWNLOAD_ORIGINS = []
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploaded evidence is private: it lives outside STATIC_ROOT and is never given a public URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/private-media-not-served/"
EVIDENCE_MAX_UPLOAD_BYTES = int(os.environ.get("EVIDENCE_MAX_UPLOAD_BYTES", 100 * 1024 * 1024))
# Uploads larger than this go to a temporary file, not memory, as they stream in.
FILE_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email goes to the console while developing, to SMTP (EMAIL_HOST …) in production.
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "assessments@localhost")

# A unit of competency is tens of kilobytes; anything near this size is not a unit.
UNIT_IMPORT_MAX_BYTES = int(os.environ.get("UNIT_IMPORT_MAX_BYTES", 2 * 1024 * 1024))
# The import preview posts the source back for confirmation, so allow a little more than one unit.
DATA_UPLOAD_MAX_MEMORY_SIZE = UNIT_IMPORT_MAX_BYTES + 512 * 1024

# Work done outside the request (mail now, documents later) goes through Django's tasks framework,
# queued in the database itself (django-tasks-db): `manage.py db_worker` runs it, on SQLite too.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# A cohort's download (evidence/services/exports.py): the worker shows a sign of life at every
# document; with none for this long, its page says the work stopped and offers to ask again.
# Finished files are deleted this long after they were made.
EXPORT_STALLED_AFTER = datetime.timedelta(minutes=int(os.environ.get("EXPORT_STALLED_MINUTES", "10")))
EXPORT_KEEP_FOR = datetime.timedelta(days=int(os.environ.get("EXPORT_KEEP_DAYS", "7")))

# A shared cache for several web processes when REDIS_URL is set; each process's memory otherwise.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions are read from the cache and written through to the database: a request whose
# session is cached (every autosave of a marking page) costs the database nothing for it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

SITE_NAME = os.environ.get("SITE_NAME", "Assessor Portal")
# The portal's public address, printed on record sheets as their verify link.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# With it on, a second assessor approves each judgement before its feedback reaches the student.
MARKING_QUALITY_CHECK = env_bool("MARKING_QUALITY_CHECK", False)
# Submitted work waiting longer than this is marked overdue in the assessors' queue.
MARKING_DUE_DAYS = int(os.environ.get("MARKING_DUE_DAYS", "14"))
# What the RTO reports in every AVETMISS 8.0 training activity (NAT00120) line that the portal does
# not hold per student: its national code, its one delivery location, how it funds and delivers
# units (evidence/services/avetmiss.py names each field). Blank ones are listed as failures.
AVETMISS = {
    "training_organisation_id": os.environ.get("AVETMISS_TRAINING_ORGANISATION_ID", ""),
    "delivery_location_id": os.environ.get("AVETMISS_DELIVERY_LOCATION_ID", ""),
    "funding_source_national": os.environ.get("AVETMISS_FUNDING_SOURCE_NATIONAL", "20"),
    "delivery_mode": os.environ.get("AVETMISS_DELIVERY_MODE", "YNN"),
    "predominant_delivery_mode": os.environ.get("AVETMISS_PREDOMINANT_DELIVERY_MODE", "I"),
    "study_reason": os.environ.get("AVETMISS_STUDY_REASON", "@@"),
    "vet_in_schools": os.environ.get("AVETMISS_VET_IN_SCHOOLS", "N"),
}
# A student may appeal a signed unit result within this many days of its signature.
APPEAL_PERIOD_DAYS = int(os.environ.get("APPEAL_PERIOD_DAYS", "28"))
# Evidence files are kept this long after the judgement that closed their attempt, then
# `manage.py apply_retention` deletes them (the Standards' minimum is six months). Set
# EVIDENCE_RETENTION_DAYS to count in days instead of months.
EVIDENCE_RETENTION_MONTHS = int(os.environ.get("EVIDENCE_RETENTION_MONTHS", "6"))
EVIDENCE_RETENTION_DAYS = (
    int(os.environ["EVIDENCE_RETENTION_DAYS"]) if os.environ.get("EVIDENCE_RETENTION_DAYS") else None
)
# Results and record sheets are kept 30 years; nothing in the portal deletes them.
RECORDS_RETENTION_YEARS = int(os.environ.get("RECORDS_RETENTION_YEARS", "30"))
# New students' invitation links (a password-reset token) stay valid for a fortnight.
PASSWORD_RESET_TIMEOUT = 14 * 24 * 60 * 60

# Scripts, styles, images and frames only from the portal itself (images also from the evidence
# bucket, where an image download redirects); no inline script anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *EVIDENCE_DOWNLOAD_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer checks health over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # `make serve` on a developer's machine speaks plain HTTP and turns these off (SECURE_COOKIES=0).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
