"""Settings read from the environment: bad values refused with a clear message, the proxy's HTTPS header, the database's time limit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from pma_governance.lib.envconf import database_from_url, env_header, env_int


def test_env_int_reads_the_default_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PMA_TEST_MINUTES", raising=False)
    assert env_int("PMA_TEST_MINUTES", 60, minimum=1) == 60
    monkeypatch.setenv("PMA_TEST_MINUTES", "15")
    assert env_int("PMA_TEST_MINUTES", 60, minimum=1) == 15


@pytest.mark.parametrize(
    ("raw", "message"),
    [("0", "PMA_TEST_MINUTES must be at least 1, got 0"), ("une heure", "must be an integer")],
)
def test_env_int_refuses_a_value_below_its_minimum_or_not_a_number(
    monkeypatch: pytest.MonkeyPatch, raw: str, message: str
) -> None:
    monkeypatch.setenv("PMA_TEST_MINUTES", raw)

    with pytest.raises(ImproperlyConfigured, match=message):
        env_int("PMA_TEST_MINUTES", 60, minimum=1)


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
