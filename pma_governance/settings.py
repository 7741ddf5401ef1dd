"""Settings of PMA Governance: every value comes from the environment."""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext
import font_source_sans_pro
import xstatic.pkg.bootstrap as xstatic_bootstrap

from pma_governance.lib.envconf import (
    database_from_url,
    env_bool,
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
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "pgtrigger",
    "pghistory",
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
    "pma_governance.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pma_governance.lib.http.request_size_bounded",
    "pma_governance.lib.http.query_controls_stripped",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# History events of one transaction keep the order in which they happened.
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"

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

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The handler's level, not only the root's: Django's own loggers propagate here too.
    "handlers": {
        "console": {"class": "logging.StreamHandler", "level": env_str("LOG_LEVEL", "WARNING")}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
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
