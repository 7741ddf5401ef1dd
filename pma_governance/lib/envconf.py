"""Tiny typed readers of the environment, shared by settings and commands."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

CONNECT_TIMEOUT = "10"  # seconds
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_header(name: str) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER as `HTTP_X_FORWARDED_PROTO,https`: the request header (in
    its WSGI name) and the value that means HTTPS; None when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, _, value = (part.strip() for part in raw.partition(","))
    if not header.startswith("HTTP_") or not value or "," in value:
        raise ImproperlyConfigured(
            f"{name} must read HTTP_<HEADER>,<value> (e.g. HTTP_X_FORWARDED_PROTO,https), "
            f"got {raw!r}"
        )
    return header, value


def env_secret(name: str, *, dev_default: str, debug: bool) -> str:
    """A secret: required outside debug mode, a fixed value for development."""
    raw = os.environ.get(name)
    if raw:
        return raw
    if debug:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")


def database_from_url(url: str) -> dict[str, object]:
    """Django DATABASES entry from postgresql://user:pass@host:port/name?host=/socket."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgresql:// URL (PostgreSQL is the only engine), got {url!r}"
        )
    query = parse_qs(parts.query)
    host = query.pop("host", [parts.hostname or ""])[0]
    # A server that does not answer fails a request in seconds (the health check answers
    # 503) rather than holding a worker; `?connect_timeout=` in the URL overrides it.
    query.setdefault("connect_timeout", [CONNECT_TIMEOUT])
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {key: values[0] for key, values in query.items()},
    }
