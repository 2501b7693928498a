"""Rathaus settings: one module, configured by environment variables only (see .env.example)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional local overrides; the environment wins

RATHAUS_ENV = env.str("RATHAUS_ENV", default="development")
if RATHAUS_ENV not in {"production", "development"}:
    raise ImproperlyConfigured("RATHAUS_ENV must be 'production' or 'development'")
PRODUCTION = RATHAUS_ENV == "production"
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789"
TESTING = env.bool("RATHAUS_TESTING", default=False)

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("SECRET_KEY (at least 40 characters) is required in production")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or DEV_SECRET_KEY
# The public development key (it also keys ALTCHA) and DEBUG are for `make run` on this
# machine only: with them, requests from other than loopback are refused (core middleware).
RATHAUS_LOOPBACK_ONLY = not PRODUCTION and SECRET_KEY == DEV_SECRET_KEY
DEBUG = env.bool("DEBUG", default=not PRODUCTION and not TESTING)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS (the site's host names) is required in production")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "rathaus.core",  # first, so its templates (login, password reset) win over the admin's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_htmx",
    "ninja",
    "rathaus.appointments",
    "rathaus.presence",
    "rathaus.elections",
    "rathaus.steering",
    "rathaus.meetings",
    "rathaus.participation",
    "rathaus.staffpool",
    "rathaus.standards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rathaus.core.middleware.LoopbackOnlyMiddleware",
    "rathaus.core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rathaus.core.middleware.TenantMiddleware",
    "axes.middleware.AxesMiddleware",
    "rathaus.core.middleware.NoStoreMiddleware",
    "rathaus.core.middleware.RequestBaseUrlMiddleware",  # links in e-mails: request host
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rathaus.core.context_processors.tenant",
            ],
        },
    }
]

# --- Database: SQLite file under var/ by default, PostgreSQL in production and CI.
(BASE_DIR / "var").mkdir(exist_ok=True)
_database_url = (
    env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'var' / 'rathaus.sqlite3'}"
)
DATABASES = {"default": env.db_url_config(_database_url)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL + busy timeout: the embedded default survives a few concurrent writers.
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# --- Cache: Redis when CACHE_URL/REDIS_URL is set, else process-local memory.
_cache_url = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": _cache_url,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            "KEY_PREFIX": "rathaus",
        }
    }
    # Sessions read from the shared cache and written through to the database: one query less
    # on every signed-in page, and a session survives a flushed cache.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery: with no broker configured, tasks run inline.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_cache_url or "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_TASK_SERIALIZER = "json"
# Solver jobs take minutes and both cores: keep them off the queue that sends e-mails.
CELERY_TASK_ROUTES = {"rathaus.presence.tasks.run_solver_job": {"queue": "solver"}}
CELERY_BEAT_SCHEDULE = {
    "appointments-retention": {
        "task": "rathaus.appointments.tasks.purge_personal_data",
        "schedule": crontab(hour=3, minute=15),
    },
    "appointments-expire-holds": {
        "task": "rathaus.appointments.tasks.release_expired",
        "schedule": 60.0,
    },
    "appointments-reminders": {
        "task": "rathaus.appointments.tasks.send_reminders",
        "schedule": 15 * 60.0,
    },
    "appointments-waiting-list": {
        "task": "rathaus.appointments.tasks.match_waiting_list",
        "schedule": 5 * 60.0,
    },
    "appointments-availability-index": {
        "task": "rathaus.appointments.tasks.refresh_availability_index",
        "schedule": 10 * 60.0,
    },
    "presence-stale-jobs": {
        "task": "rathaus.presence.tasks.fail_stale_jobs",
        "schedule": 60.0,
    },
    "core-audit-retention": {
        "task": "rathaus.core.tasks.purge_old_audit_entries",
        "schedule": crontab(hour=3, minute=45),
    },
    "core-login-attempt-retention": {
        "task": "rathaus.core.tasks.purge_login_attempts",
        "schedule": crontab(hour=3, minute=50),
    },
    "steering-sweep": {
        "task": "rathaus.steering.tasks.sweep",
        "schedule": crontab(hour=5, minute=30),
    },
    "meetings-plan-series": {
        "task": "rathaus.meetings.tasks.plan_series",
        "schedule": crontab(hour=2, minute=30),
    },
    "meetings-carry-overdue-assignments": {
        "task": "rathaus.meetings.tasks.carry_overdue_assignments",
        "schedule": 60 * 60.0,
    },
    "standards-publish-daily": {
        "task": "rathaus.standards.tasks.publish_daily",
        "schedule": crontab(hour=4, minute=30),
    },
    "staffpool-end-reminders": {
        "task": "rathaus.staffpool.tasks.remind_ending",
        "schedule": crontab(hour=7, minute=5),
    },
    "meetings-rhythm-check": {
        "task": "rathaus.meetings.tasks.check_rhythm",
        "schedule": crontab(hour=6, minute=15),
    },
    "meetings-reminders": {
        "task": "rathaus.meetings.tasks.send_reminders",
        "schedule": 15 * 60.0,
    },
    "participation-retention": {
        "task": "rathaus.participation.tasks.purge_personal_data",
        "schedule": crontab(hour=3, minute=25),
    },
    "participation-weekly-digest": {
        "task": "rathaus.participation.tasks.send_weekly_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
    },
}

# --- E-mail: console by default; smtp://, smtp+tls://, file://, locmem:// via EMAIL_URL.
_email_url = env.str("EMAIL_URL", default="" if PRODUCTION else "consolemail://")
_email = env.email_url_config(_email_url) if _email_url else {}
if _email_url.startswith("filemail:///"):
    _email["EMAIL_FILE_PATH"] = "/" + _email["EMAIL_FILE_PATH"].lstrip("/")  # absolute
if PRODUCTION and _email.get("EMAIL_BACKEND", "").rsplit(".", 2)[-2:-1] in (
    [],
    ["console"],
    ["locmem"],
    ["dummy"],
):
    # The console backend prints recipients, names and personal links to the log.
    raise ImproperlyConfigured("EMAIL_URL must name a mail server (smtp://…) in production")
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Rathaus <noreply@rathaus.invalid>")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rathaus.core.login_limits.LoginLimitBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Login throttling (django-axes): lock a username+IP pair after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False  # do not log usernames
# Client address behind a reverse proxy (rathaus.core.clientip; docs/operations.md).
RATHAUS_TRUSTED_PROXIES = env.list("RATHAUS_TRUSTED_PROXIES", default=[])
RATHAUS_CLIENT_IP_HEADER = env.str("RATHAUS_CLIENT_IP_HEADER", default="HTTP_X_FORWARDED_FOR")
AXES_CLIENT_IP_CALLABLE = "rathaus.core.clientip.axes_client_ip"
RATHAUS_LOGIN_IP_LIMIT = env.int("RATHAUS_LOGIN_IP_LIMIT", default=30)
RATHAUS_LOGIN_USERNAME_LIMIT = env.int("RATHAUS_LOGIN_USERNAME_LIMIT", default=20)
RATHAUS_PASSWORD_RESET_FLOOR_SECONDS = env.float(
    "RATHAUS_PASSWORD_RESET_FLOOR_SECONDS", default=1.0
)
RATHAUS_PASSWORD_RESET_IP_LIMIT = env.int("RATHAUS_PASSWORD_RESET_IP_LIMIT", default=10)
RATHAUS_PASSWORD_RESET_EMAIL_LIMIT = env.int("RATHAUS_PASSWORD_RESET_EMAIL_LIMIT", default=3)
# Staff sessions end after a working day (Django's default is two weeks).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=9 * 3600)

# --- Internationalisation: German first, English available.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Security headers. CSP: everything from our own origin, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging: structured to stdout; never personal data (see rathaus.core.logging).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "rathaus.core.logging.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint reports every rendering step at INFO; only its problems matter.
        "weasyprint": {"level": "WARNING"},
    },
}

# --- Domain settings.
RATHAUS_AUDIT_RETENTION_DAYS = env.int("RATHAUS_AUDIT_RETENTION_DAYS", default=730)
RATHAUS_LOGIN_ATTEMPT_RETENTION_DAYS = env.int("RATHAUS_LOGIN_ATTEMPT_RETENTION_DAYS", default=30)
RATHAUS_APPOINTMENT_RETENTION_DAYS = env.int("RATHAUS_APPOINTMENT_RETENTION_DAYS", default=30)
ALTCHA_HMAC_KEY = env.str("ALTCHA_HMAC_KEY", default=SECRET_KEY)
ALTCHA_MAX_NUMBER = env.int("ALTCHA_MAX_NUMBER", default=50000)

# Module tuning knobs: defaults live in each app's conf.py; the environment may override them.
_MODULE_KNOBS = {
    "RATHAUS_APPOINTMENTS_AVAILABILITY_CACHE_SECONDS": int,
    "RATHAUS_APPOINTMENTS_CALL_EARLY_MINUTES": int,
    "RATHAUS_PRESENCE_SOLVER_WORKERS": int,
    "RATHAUS_PRESENCE_PROGRESS_INTERVAL": float,
    "RATHAUS_PRESENCE_SPACE_TIME_LIMIT": float,
    "RATHAUS_PRESENCE_DEMO_SOLVE_SECONDS": float,
    "RATHAUS_PRESENCE_HEARTBEAT_SECONDS": float,
    "RATHAUS_PRESENCE_STALE_SECONDS": float,
    "RATHAUS_PRESENCE_QUEUED_STALE_SECONDS": float,
    "RATHAUS_ELECTIONS_POLL_SECONDS": int,
    "RATHAUS_ELECTIONS_CACHE_SECONDS": int,
    "RATHAUS_ELECTIONS_LOCAL_SECONDS": float,
    "RATHAUS_ELECTIONS_MAX_UPLOAD": int,
}
for _knob, _cast in _MODULE_KNOBS.items():
    if env.str(_knob, default=""):
        globals()[_knob] = _cast(env.str(_knob))

FORM_RENDERER = "rathaus.core.forms.renderer.KernFormRenderer"

# --- Error pages and date formats (core shell).
# A failed CSRF check shows the site's own page, in the user's language.
CSRF_FAILURE_VIEW = "rathaus.core.views.errors.csrf_failure"
# One date and time format per language, here and nowhere else (config/formats/<lang>).
FORMAT_MODULE_PATH = ["config.formats"]

# --- Operations (docs/operations.md): Prometheus metrics and JSON logs.
# Outermost, so that the latency covers every middleware and refused requests count too.
MIDDLEWARE = ["rathaus.core.metrics.MetricsMiddleware", *MIDDLEWARE]
# GET /metrics answers with "Authorization: Bearer <token>" or from these networks only.
RATHAUS_METRICS_TOKEN = env.str("RATHAUS_METRICS_TOKEN", default="")
RATHAUS_METRICS_NETWORKS = env.list("RATHAUS_METRICS_NETWORKS", default=[])
RATHAUS_METRICS_STATE_SECONDS = env.int("RATHAUS_METRICS_STATE_SECONDS", default=15)
# LOG_FORMAT=json: one JSON object per line; the redaction filter runs first, as for text.
LOGGING["formatters"] = {
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    }
}
if env.str("LOG_FORMAT", default="text") == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
# --- Sign-in through the town's directory: LDAP / Active Directory and OpenID Connect, set up
# per municipality in the admin (rathaus.core.signin; docs/core.md). Local accounts stay.
INSTALLED_APPS += ["rathaus.core.signin"]
AUTHENTICATION_BACKENDS += [
    "rathaus.core.signin.directory.DirectoryBackend",
    "rathaus.core.signin.oidc.MunicipalOidcBackend",
]
# --- Two factors (rathaus.core.signin; docs/core.md "Second factor"): TOTP with recovery codes,
# required for election officers, municipality and region admins and the admin site.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "rathaus.core.twofactor.middleware.SecondFactorMiddleware",
)
OTP_TOTP_ISSUER = env.str("RATHAUS_TOTP_ISSUER", default="Rathaus")
# --- Appointments: the citizens' e-mail queue in Redis (rathaus.appointments.selectors.mail_queue);
# a booking's commit wakes the worker at once, this run every minute puts back the jobs of a
# worker that died and sends what is left.
CELERY_BEAT_SCHEDULE["appointments-mail-queue"] = {
    "task": "rathaus.appointments.tasks.send_queued_mails",
    "schedule": 60.0,
}
# --- The session's user and "has a second factor" read from the shared cache, invalidated on
# every change of the user or their devices (rathaus.core.usercache; docs/core.md).
MIDDLEWARE[MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")] = (
    "rathaus.core.middleware.SessionUserMiddleware"
)
# --- The device a verified session passed its second factor with, read from the shared cache
# under the same generation as the user (rathaus.core.usercache.session_device; docs/core.md).
MIDDLEWARE[MIDDLEWARE.index("django_otp.middleware.OTPMiddleware")] = (
    "rathaus.core.middleware.SessionDeviceMiddleware"
)
