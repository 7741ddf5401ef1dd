"""Settings read from the environment: the proxy's HTTPS header, the database's time limit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from pma_governance.lib.envconf import database_from_url, env_header


def test_proxy_header_reads_the_wsgi_name_and_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", " HTTP_X_FORWARDED_PROTO , https ")

    assert env_header("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")


def test_proxy_header_is_none_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECURE_PROXY_SSL_HEADER", raising=False)

    assert env_header("SECURE_PROXY_SSL_HEADER") is None


@pytest.mark.parametrize("raw", ["X-Forwarded-Proto: https", "HTTP_X_FORWARDED_PROTO", "a,b,c"])
def test_proxy_header_refuses_another_form(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", raw)

    with pytest.raises(ImproperlyConfigured, match="HTTP_<HEADER>,<value>"):
        env_header("SECURE_PROXY_SSL_HEADER")


def test_database_connection_gives_up_after_ten_seconds_unless_the_url_says() -> None:
    default = database_from_url("postgresql://pma@db.example.fr/pma")
    chosen = database_from_url("postgresql://pma@db.example.fr/pma?connect_timeout=3")

    assert default["OPTIONS"] == {"connect_timeout": "10"}
    assert chosen["OPTIONS"] == {"connect_timeout": "3"}
