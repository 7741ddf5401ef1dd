"""Settings of PMA Governance: every value comes from the environment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import django_stubs_ext
import font_source_sans_pro
import xstatic.pkg.bootstrap as xstatic_bootstrap
from csp.constants import NONE, REPORT_SAMPLE, SELF
from whitenoise.compress import Compressor

from pma_governance.lib.envconf import (
    database_from_url,
    env_bool,
    env_header,
    env_int,
    env_list,
    env_secret,
    env_str,
)

# Lets typed generics such as forms.ModelChoiceField[Mandate] run, not only type-check.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PMA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_secret(
    "SECRET_KEY", dev_default="dev-only-insecure-key-pma-governance-0123456789", debug=DEBUG
)
# Former keys, still accepted for sessions and signed values while the new key takes over.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Django's admin, for superusers only (pma_governance/lib/adminsite.py).
    "pma_governance.lib.adminapp.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "pgtrigger",
    "pghistory",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pma_governance",
    "members",
    "meetings",
    "deliberations",
    # Features, each on top of the domain apps (README « Architecture »).
    "pma_governance.documents",
    "pma_governance.live",
    "pma_governance.space",
    "pma_governance.search",
    "pma_governance.prefecture",
    "pma_governance.publication",
    "pma_governance.interchange",
    "pma_governance.accounts",
    "pma_governance.demo",
]

MIDDLEWARE = [
    # Outermost: a HEAD request gets GET's headers, without the body.
    "pma_governance.middleware.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files, before anything that reads the session or the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pma_governance.lib.http.request_size_bounded",
    "pma_governance.lib.http.query_controls_stripped",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session entered a TOTP code.
    "django_otp.middleware.OTPMiddleware",
    # Django's LoginRequiredMiddleware, answering JSON under /api/.
    "pma_governance.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: an expired session says why on the login page.
    "pma_governance.accounts.middleware.SessionLifetimeMiddleware",
    "pma_governance.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # The request being served, for the security journal's author and address.
    "members.security.SecurityRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pma_governance.urls"
WSGI_APPLICATION = "pma_governance.wsgi.application"

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
                "pma_governance.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DATABASE_URL is not set: use `make run` / `make test`, which start the embedded "
        "PostgreSQL, or export DATABASE_URL=postgresql://user@host:5432/name"
    )
DATABASES = {"default": database_from_url(DATABASE_URL)}
# The owner of the tables, for `manage.py migrate` only: the application connects with
# DATABASE_URL, a role with data rights only, which cannot disable or drop the triggers
# that freeze signed acts (README « Base de données »). Same server and database.
DATABASE_MIGRATE_URL = env_str("DATABASE_MIGRATE_URL")
if DATABASE_MIGRATE_URL:
    _owner = database_from_url(DATABASE_MIGRATE_URL)
    if any(_owner[key] != DATABASES["default"][key] for key in ("NAME", "HOST", "PORT")):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DATABASE_MIGRATE_URL must name the server and database of DATABASE_URL; "
            "only the user (the tables' owner) differs"
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Accounts and login (README « Comptes et connexion ») ---------------------------------
# django-axes first: it refuses a locked-out username+IP before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout lasts the cool-off from the moment it began, as the page says: retrying
# during it (even with the right password) does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "pma_governance.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "pma_governance.accounts.lockout.client_ip"
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For
# (0: the app is reached directly and REMOTE_ADDR is the client).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# A session ends after this much inactivity, and at the latest this long after the login.
SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 60, minimum=1))
SESSION_MAX_LIFETIME = dt.timedelta(hours=env_int("SESSION_MAX_HOURS", 12, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_MAX_LIFETIME.total_seconds())
PASSWORD_RESET_TIMEOUT = 60 * env_int("PASSWORD_RESET_MINUTES", 60, minimum=1)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "PMA Governance")
# The admin never shows a TOTP secret (nor its QR code) once the device is enrolled.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# French for every user, whatever the browser asks for: no LocaleMiddleware.
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Bootstrap comes from the XStatic-Bootstrap package installed with the project.
# The PDF fonts too, so that the browser preview of a document uses the same glyphs.
STATICFILES_DIRS: list[object] = [
    BASE_DIR / "static",
    ("bootstrap", xstatic_bootstrap.BASE_DIR),
    ("fonts/source-sans-pro", font_source_sans_pro.font_directory),
]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# `collectstatic` writes each file under a name carrying its hash, with gzip and brotli copies;
# WhiteNoise serves them with a one-year cache (README « Mise en production »). With DEBUG on,
# `{% static %}` gives the plain names, and the files come from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Not worth compressing (collectstatic's time): source maps, read by developer tools only, and
# the PDF fonts (16 MB in all), of which the document preview fetches four, once.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map", "otf", "ttf"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# History events of one transaction keep the order in which they happened.
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"

# Content-Security-Policy on every response: scripts, styles, fonts, frames and requests from
# this site only, nothing inline (no <script>, <style>, style="…" or on…= in any page: a
# script typed into a text field cannot run), no eval. Bootstrap's CSS draws its icons
# with data: SVG images. 'report-sample' puts the start of a refused inline text in the
# violation report. A page shown in the app's own frame (the PV preview) relaxes
# frame-ancestors with @csp_update; tests/pma_governance/test_templates_escape.py and
# tests/browser/test_injection.py keep it so.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, REPORT_SAMPLE],
        "style-src": [SELF, REPORT_SAMPLE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Widgets render with the project's templates (templates/widgets/), Django's from django.forms.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "secretariat@pma-governance.localhost")

# PAdES signing: the body's PKCS#12 certificate.
SIGNING_PKCS12_PATH = env_str("SIGNING_PKCS12_PATH", str(VAR_DIR / "signing" / "demo.p12"))
SIGNING_PKCS12_PASSPHRASE = env_str("SIGNING_PKCS12_PASSPHRASE", "demo")

# HTTPS and cookies (README « Mise en production »: the table gives the production values,
# which `manage.py check --deploy --fail-level WARNING` accepts).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
# Behind a proxy that terminates TLS: the header it sets, e.g. HTTP_X_FORWARDED_PROTO,https.
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")
# HSTS is remembered by browsers: off until the site is known to work over HTTPS.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = env_str("SECURE_REFERRER_POLICY", "same-origin")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The handler's level, not only the root's: Django's own loggers propagate here too.
    "handlers": {
        "console": {"class": "logging.StreamHandler", "level": env_str("LOG_LEVEL", "WARNING")},
        "security": {"class": "logging.StreamHandler", "level": "INFO"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # The security journal (members/security.py), each event also as one line of the log.
    "loggers": {
        "pma_governance.security": {
            "handlers": ["security"],
            "level": env_str("SECURITY_LOG_LEVEL", "INFO"),
            "propagate": False,
        }
    },
}

# Bounded input (pma_governance/lib/limits.py for the texts): a request body over
# REQUEST_MAX_BYTES is refused (413) before it is read, whatever it carries (the largest
# upload is a 20 Mo annex); form fields over DATA_UPLOAD_MAX_MEMORY_SIZE (a PV's texts in
# full stay far below); an uploaded file over FILE_UPLOAD_MAX_MEMORY_SIZE waits on disk, not
# in memory; a session document over IMPORT_MAX_BYTES (import_session) is refused unread.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 25_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5_000_000)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 2_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5_000_000)
