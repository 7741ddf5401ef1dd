"""The settings' environment readers refuse a bad value with a clear message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from pma_governance.lib.envconf import env_int


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
