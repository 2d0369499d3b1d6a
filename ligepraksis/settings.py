"""Settings for the Lige Praksis portal.

Every switch comes from the environment (or a `.env` file beside manage.py) and has a safe embedded
default, so a newcomer needs nothing installed:

- no DATABASE_URL        -> an SQLite file (db.sqlite3)
- no CELERY_BROKER_URL   -> tasks run in process (eager)
- no EMAIL_URL           -> mail is printed to the console

A malformed value raises ImproperlyConfigured at start-up. See .env.example.

Two switches have no silent default:

- SECRET_KEY is required unless DEBUG is on (`python3 dev.py start` writes a random one to .env,
  with DEBUG=true; the test suite sets its own in tests/settings.py).
- DEPLOYED (HTTPS redirect, secure cookies, HSTS, collected static files) defaults to `not DEBUG`:
  a portal with DEBUG off is a deployment unless DEPLOYED=false says otherwise.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")


def _env(fn, name, **kwargs):
    """Read one variable, turning a malformed value into ImproperlyConfigured."""
    try:
        return fn(name, **kwargs)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # a value that does not parse
        raise ImproperlyConfigured(f"The environment variable {name} is malformed: {exc}") from exc


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _strict_bool(name, default=False):
    """A yes/no switch; a misspelt value (SECURE_SSL_REDIRECT=flase) must not quietly mean False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"The environment variable {name} must be true or false, not {raw!r}.")


DEBUG = _strict_bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # Signing with a key that is written in this file would let anyone forge sign-in links.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. A deployment sets a long random SECRET_KEY; for a local portal "
            "`python3 dev.py start` writes one to .env (together with DEBUG=true)."
        )
    # Only with DEBUG on, that is only on a developer's machine; `check --deploy` refuses it.
    SECRET_KEY = "django-insecure-local-development-key"
# A deployment turns every security switch on (HTTPS redirect, secure cookies, HSTS) and serves the
# collected, hashed static files. It is its own switch, on whenever DEBUG is off unless DEPLOYED=false
# says otherwise (the test suite, or a production-like run over plain http on one's own machine).
DEPLOYED = _strict_bool("DEPLOYED", default=not DEBUG)
if DEPLOYED and DEBUG:
    raise ImproperlyConfigured("DEPLOYED=true needs DEBUG off: a deployment never shows debug pages.")

ALLOWED_HOSTS = _env(env.list, "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = _env(env.list, "CSRF_TRUSTED_ORIGINS", default=[])
# The portal's own address (scheme, host and port, no path): every absolute link in e-mails, calendar
# feeds and invitations is made from it (ligepraksis/links.py). `python3 dev.py start` sets it to the
# address it serves; a deployment sets its https address, which `check --deploy` insists on
# (ligepraksis/checks.py).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").strip().rstrip("/")
if not re.fullmatch(r"https?://[^/\s?#]+", SITE_URL):
    raise ImproperlyConfigured(
        f"SITE_URL must be the portal's address such as https://ligepraksis.example.org, not {SITE_URL!r}."
    )

INSTALLED_APPS = [
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
    "import_export",
    "axes",
    "csp",
    "simple_history",
    "ligepraksis",
    "practices",
    "applications",
    "activities",
    "progress",
    "finance",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ligepraksis.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made a change, for the audit history (django-simple-history) of every audited model.
    "simple_history.middleware.HistoryRequestMiddleware",
    "ligepraksis.middleware.PrivatePagesNotCachedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ligepraksis.urls"
WSGI_APPLICATION = "ligepraksis.wsgi.application"

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
                "django.template.context_processors.i18n",
                "ligepraksis.context_processors.portal",
            ],
            "builtins": ["ligepraksis.templatetags.danish", "ligepraksis.templatetags.states"],
        },
    },
]

# --- Database: PostgreSQL in production, an SQLite file by default ------------------------------
DATABASES = {
    "default": _env(env.db_url, "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing with "database is locked" in the dev server.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", _env(env.int, "CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost: on a page's
        # query with a correlated subquery (the waiting-list rank) that spent 100 ms compiling a
        # 19 ms query on the national data. The portal's queries are short: no JIT.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "ligepraksis.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ligepraksis.auth.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AXES_FAILURE_LIMIT = _env(env.int, "AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Lock a username only from the address that guessed its password, so nobody can lock a colleague out
# from elsewhere, and a shared practice network does not lock out everyone behind it.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind the TLS proxy (docker-compose.yml) the client's address is the last X-Forwarded-For entry.
TRUSTED_PROXY_COUNT = _env(env.int, "TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "ligepraksis.middleware.client_ip_address"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "ligepraksis.middleware.login_username"  # one account, whatever the case
# Personal data (practices/personal_data.py): a person who took part in a round is anonymised when
# every such round ended its `retention_months` ago and they no longer belong to a practice. A person
# who took part in no round is anonymised this many months after their last membership ended.
PERSONAL_DATA_RETENTION_MONTHS = _env(env.int, "PERSONAL_DATA_RETENTION_MONTHS", default=36)
if PERSONAL_DATA_RETENTION_MONTHS < 1:
    raise ImproperlyConfigured("PERSONAL_DATA_RETENTION_MONTHS must be at least 1.")

# finance/: the budget page warns once paid plus committed passes this share (per cent) of a line.
FINANCE_BUDGET_WARNING_PERCENT = _env(env.int, "FINANCE_BUDGET_WARNING_PERCENT", default=90)
if not 1 <= FINANCE_BUDGET_WARNING_PERCENT <= 100:
    raise ImproperlyConfigured("FINANCE_BUDGET_WARNING_PERCENT must be between 1 and 100.")

# --- Cache: the throttles count here (ligepraksis/throttle.py) --------------------------------------
# The default counts per process. With several web processes (gunicorn --workers 3) set CACHE_URL to a
# shared cache, e.g. redis://redis:6379/1, or each process allows the full limit.
CACHES = {"default": _env(env.cache_url, "CACHE_URL", default="locmemcache://")}

# --- Throttles (security finding 9): (how many, per seconds), each limit from the environment ------
# THROTTLE_<NAME>=<how many>, e.g. THROTTLE_SIGN_IN_MAIL_PER_ADDRESS=3. They apply to the views only:
# demo and generated data are never throttled.
_THROTTLE_DEFAULTS = {
    "sign_in_mail_per_address": (3, 60 * 60),  # sign-in e-mails to one address
    "sign_in_mail_per_client": (20, 60 * 60),  # sign-in e-mails asked for from one IP address
    "practice_registration_per_user": (3, 60 * 60 * 24),  # practices registered by one login
    "practice_registration_per_client": (10, 60 * 60 * 24),  # ... from one IP address
    "signup_per_user": (20, 60 * 60),  # session sign-ups (each of one or more people) by one login
    "signup_per_client": (60, 60 * 60),  # ... from one IP address
}
THROTTLES = {}
for _name, (_limit, _seconds) in _THROTTLE_DEFAULTS.items():
    _limit = _env(env.int, f"THROTTLE_{_name.upper()}", default=_limit)
    if _limit < 1:
        raise ImproperlyConfigured(f"THROTTLE_{_name.upper()} must be at least 1.")
    THROTTLES[_name] = (_limit, _seconds)
# How many reverse proxies in front of the portal append to X-Forwarded-For (0: none, REMOTE_ADDR is the
# client). Set it to the real number: too high lets a client choose its own address.
THROTTLE_PROXY_COUNT = _env(env.int, "THROTTLE_PROXY_COUNT", default=0)
if THROTTLE_PROXY_COUNT < 0:
    raise ImproperlyConfigured("THROTTLE_PROXY_COUNT must be 0 or more.")
# Sign-in links by e-mail (ligepraksis/signin.py, django-sesame): one use, this many seconds, bound
# to their purpose, and only for accounts without a password, admin flag or role grant.
SIGNIN_LINK_MAX_AGE = _env(env.int, "SIGNIN_LINK_MAX_AGE", default=30 * 60)
if SIGNIN_LINK_MAX_AGE <= 0:
    raise ImproperlyConfigured("SIGNIN_LINK_MAX_AGE must be a positive number of seconds.")
SESAME_MAX_AGE = SIGNIN_LINK_MAX_AGE  # tokens carry their time; signin.py passes the current value
SESAME_ONE_TIME = True  # a token dies when its account logs in (last_login is in its signature)
SESAME_INVALIDATE_ON_PASSWORD_CHANGE = True  # ... or chooses a password
SESAME_INVALIDATE_ON_EMAIL_CHANGE = True  # ... or changes its address

# --- Language, time, formats ------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["ligepraksis.formats"]

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _strict_bool("STATIC_MANIFEST", default=DEPLOYED)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Serve static files straight from static/ unless collected for a deployment.
WHITENOISE_USE_FINDERS = not DEPLOYED
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Mail ---------------------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    _email = _env(env.email_url, "EMAIL_URL")
    EMAIL_BACKEND = _email.get("EMAIL_BACKEND")
    EMAIL_HOST = _email.get("EMAIL_HOST", "")
    EMAIL_PORT = _email.get("EMAIL_PORT", 25)
    EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Lige Praksis <lige-praksis@example.org>")
EMAIL_TIMEOUT = 60
# The outbox (ligepraksis/mail.py): a message being sent is leased this long; after that, a message
# whose worker died is sent again. Must exceed EMAIL_TIMEOUT. Failed sends are retried with backoff.
MAIL_LEASE_SECONDS = _env(env.int, "MAIL_LEASE_SECONDS", default=300)
MAIL_MAX_ATTEMPTS = _env(env.int, "MAIL_MAX_ATTEMPTS", default=8)
if MAIL_LEASE_SECONDS <= 0 or MAIL_MAX_ATTEMPTS <= 0:
    raise ImproperlyConfigured("MAIL_LEASE_SECONDS and MAIL_MAX_ATTEMPTS must be positive.")

# Spreadsheet exports (ligepraksis/exports.py): an XLSX with more rows than this is made in the worker
# (openpyxl write-only, flat memory) on a row with a status; smaller ones at once. CSV always streams.
EXPORT_XLSX_WORKER_ROWS = _env(env.int, "EXPORT_XLSX_WORKER_ROWS", default=2000)
EXPORT_CHUNK_ROWS = 2000  # rows per fetch when an export reads its rows (.iterator(chunk_size=...))
# A file job being made is leased this long (longer than the task's hard time limit); after that a
# job whose worker died is queued again, at most FILE_JOB_MAX_ATTEMPTS times.
FILE_JOB_LEASE_SECONDS = _env(env.int, "FILE_JOB_LEASE_SECONDS", default=360)
FILE_JOB_MAX_ATTEMPTS = _env(env.int, "FILE_JOB_MAX_ATTEMPTS", default=3)
# A finished file (it holds names) is deleted with its row after this many hours.
FILE_JOB_KEEP_HOURS = _env(env.int, "FILE_JOB_KEEP_HOURS", default=48)
if (
    EXPORT_XLSX_WORKER_ROWS < 0
    or min(FILE_JOB_LEASE_SECONDS, FILE_JOB_MAX_ATTEMPTS, FILE_JOB_KEEP_HOURS) <= 0
):
    raise ImproperlyConfigured(
        "EXPORT_XLSX_WORKER_ROWS must not be negative; FILE_JOB_LEASE_SECONDS, FILE_JOB_MAX_ATTEMPTS and "
        "FILE_JOB_KEEP_HOURS must be positive."
    )

# --- Celery: tasks in process unless a broker is configured --------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"  # never used (tasks run in process); keeps kombu from looking for AMQP
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Nothing is lost when a worker dies: acknowledge after the task ran, hand it back if the worker is
# lost, take one long task at a time. Tasks are therefore written to be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = _env(env.int, "CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = _env(env.int, "CELERY_TASK_TIME_LIMIT", default=300)
if not 0 < CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_TASK_SOFT_TIME_LIMIT must be positive and below CELERY_TASK_TIME_LIMIT."
    )
# A file job's lease must outlast the task's hard time limit: a running row is taken again only when its
# worker can no longer be rendering it (ligepraksis/filejobs.py).
if FILE_JOB_LEASE_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("FILE_JOB_LEASE_SECONDS must be longer than CELERY_TASK_TIME_LIMIT.")
# Three queues (README, docker-compose.yml): the outbox on "mail", served by a worker WITHOUT
# --max-tasks-per-child (a mail never waits for a new child process); files (large exports, PDFs) on
# "files", whose worker restarts its child every 50 tasks (WeasyPrint's memory grows); the rest on
# the default "celery" queue, served by the files worker too. The child limit is therefore given on
# the files worker's command line, not here (a setting would apply to every worker).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "ligepraksis.tasks.outbox_send": {"queue": "mail"},
    "ligepraksis.tasks.outbox_retry": {"queue": "mail"},
    "ligepraksis.tasks.file_job_run": {"queue": "files"},
    "ligepraksis.tasks.file_job_retry": {"queue": "files"},
    "ligepraksis.tasks.file_jobs_expire": {"queue": "files"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The visibility timeout must exceed any task's time limit or countdown, or Redis redelivers
# a task that is still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60 * 2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # The outbox: send what is due again, including messages whose worker died mid-send.
    "retry-outbox": {
        "task": "ligepraksis.tasks.outbox_retry",
        "schedule": 60,
    },
    # Large exports and reports: queue again what a dead worker left running (ligepraksis/filejobs.py).
    "retry-file-jobs": {
        "task": "ligepraksis.tasks.file_job_retry",
        "schedule": 60,
    },
    # Finished files (they hold names) are deleted after FILE_JOB_KEEP_HOURS.
    "expire-file-jobs": {
        "task": "ligepraksis.tasks.file_jobs_expire",
        "schedule": crontab(hour=3, minute=45),
    },
    "expire-waitlist-offers": {
        "task": "applications.tasks.expire_offers",
        "schedule": 60 * 15,
    },
    # A day before a session, to those confirmed (each registration once: reminded_at).
    "send-session-reminders": {
        "task": "activities.tasks.send_session_reminders",
        "schedule": crontab(minute=5),
    },
    # Practices under their hour target, in the weeks before the hour deadline (once: HourNudge).
    "nudge-practices-under-target": {
        "task": "activities.tasks.nudge_practices_under_target",
        "schedule": crontab(hour=8, minute=0),
    },
    # One reminder per overdue status-report period (once: StatusReportReminder, written with its mail).
    "remind-overdue-status-reports": {
        "task": "progress.tasks.send_status_report_reminders",
        "schedule": crontab(hour=8, minute=15),
    },
    # One reminder to each questionnaire invitee who has not answered (once: Invitation.reminded_at,
    # set with its mail).
    "remind-questionnaires": {
        "task": "evaluation.tasks.send_questionnaire_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # Milestones: data-fed ones brought up to date from the hours ledger and the records (idempotent).
    "refresh-milestones": {
        "task": "progress.tasks.refresh_milestones",
        "schedule": crontab(hour=2, minute=15),
    },
    # Personal data past its rounds' retention period is anonymised, once a day at night.
    "anonymise-expired-persons": {
        "task": "practices.tasks.anonymise_expired",
        "schedule": crontab(hour=3, minute=30),
    },
}

# --- Security (all on when DEPLOYED) ----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The compose health check asks gunicorn over plain http inside the compose network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# A session ends after this many hours without a request (each request renews it).
SESSION_IDLE_HOURS = _env(env.int, "SESSION_IDLE_HOURS", default=8)
if SESSION_IDLE_HOURS < 1:
    raise ImproperlyConfigured("The environment variable SESSION_IDLE_HOURS must be at least 1.")
SESSION_COOKIE_AGE = SESSION_IDLE_HOURS * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
# No inline script anywhere (templates/ is checked by tests/test_security_headers.py); inline style
# attributes (progress bars, pre-line text) stay allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if DEPLOYED:
    SECURE_SSL_REDIRECT = _strict_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = _strict_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = _strict_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = _env(env.int, "SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _strict_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every step and page of a render at INFO ("Step 5 - Creating layout - Page 12"):
    # a 60-page report would fill the worker's log. Its warnings (a refused URL, bad CSS) still show.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# The largest request body apart from uploaded files; uploads (claim evidence, catalogue imports) are
# checked by size where they are received.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail uniqueness is enforced case-insensitively by a database constraint (Lower(email)), which
# Django's check does not recognise.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AXES_VERBOSE = False

# --- Public notices linked in every page's footer ------------------------------------------------------
# The accessibility statement must be published in Digitaliseringsstyrelsen's WAS-Tool (was.digst.dk);
# /was redirects there. The region gets the address when it creates the statement: set it here.
ACCESSIBILITY_STATEMENT_URL = env.str(
    "ACCESSIBILITY_STATEMENT_URL", default="https://www.was.digst.dk/lige-praksis-i-midt"
)
# The data controller named by the privacy notice (/privatliv/). The defaults are placeholders for
# Region Midtjylland: check them (and the contact of the region's data protection officer) before
# the portal goes live.
DATA_CONTROLLER_NAME = env.str("DATA_CONTROLLER_NAME", default="Region Midtjylland")
DATA_CONTROLLER_CONTACT = env.str(
    "DATA_CONTROLLER_CONTACT",
    default="Region Midtjylland, Skottenborg 26, 8800 Viborg, telefon 7841 0000, kontakt@rm.dk",
)
# A locked-out login gets a Danish page with a way back (ligepraksis/views.py), not axes' bare text.
AXES_LOCKOUT_CALLABLE = "ligepraksis.views.login_locked_out"
