"""Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one
username from one address, the login refuses even the right password until the cool-off
ends — on the app's login page and on the admin's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from members.models import SecurityEvent
from tests.factories import DEFAULT_PASSWORD, SuperUserFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LOCKED = "Trop de tentatives de connexion ont échoué pour ce compte"


def _post(client: Client, url: str, username: str, password: str, **extra: Any) -> Any:
    return client.post(url, {"username": username, "password": password}, **extra)


def _fail_until_locked(client: Client, url: str, username: str) -> Any:
    """Wrong passwords up to the limit; the last answer is the lockout page."""
    responses = [
        _post(client, url, username, f"faux-{n}") for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    for response in responses[:-1]:
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    return responses[-1]


def test_defaults_lock_after_five_failures_for_fifteen_minutes() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_app_login_locks_the_account_and_says_why_in_french(client: Client) -> None:
    UserFactory(username="lucie")
    login = reverse("login")

    with time_machine.travel(START, tick=False) as traveller:
        locked = _fail_until_locked(client, login, "lucie")
        right_password = _post(client, login, "lucie", DEFAULT_PASSWORD)
        home_while_locked = client.get("/")
        traveller.shift(settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=30))
        still_locked = _post(client, login, "lucie", DEFAULT_PASSWORD)
        traveller.shift(dt.timedelta(minutes=1))
        after_cool_off = _post(client, login, "lucie", DEFAULT_PASSWORD)
        logged_in_as = client.session.get("_auth_user_id")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert LOCKED in page and "bloquée pendant 15 minutes" in page
    assert "Mot de passe oublié" in page
    assert right_password.status_code == 429
    assert LOCKED in right_password.content.decode()
    assert home_while_locked.status_code == 302
    assert home_while_locked["Location"].startswith(reverse("login"))
    assert still_locked.status_code == 429
    assert after_cool_off.status_code == 302
    assert logged_in_as == str(User.objects.get(username="lucie").pk)


def test_lockout_is_by_username_and_address(client: Client) -> None:
    UserFactory(username="lucie")
    UserFactory(username="marc")
    login = reverse("login")
    _fail_until_locked(client, login, "lucie")

    other_account = _post(Client(), login, "marc", DEFAULT_PASSWORD)
    other_address = _post(Client(), login, "lucie", DEFAULT_PASSWORD, REMOTE_ADDR="192.0.2.7")

    assert other_account.status_code == 302
    assert other_address.status_code == 302


def test_failure_limit_comes_from_the_settings(client: Client, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="lucie")

    first = _post(client, reverse("login"), "lucie", "faux")
    second = _post(client, reverse("login"), "lucie", "faux")

    assert first.status_code == 200
    assert second.status_code == 429


def test_admin_login_is_throttled_too(client: Client) -> None:
    SuperUserFactory(username="direction")
    admin_login = reverse("admin:login")

    locked = _fail_until_locked(client, admin_login, "direction")
    right_password = _post(client, admin_login, "direction", DEFAULT_PASSWORD)
    admin_index = client.get(reverse("admin:index"))

    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert right_password.status_code == 429
    assert "_auth_user_id" not in client.session
    assert admin_index.status_code == 302
    assert admin_index["Location"].startswith(admin_login)


def test_a_successful_login_forgets_earlier_failures(client: Client) -> None:
    UserFactory(username="lucie")
    login = reverse("login")
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _post(client, login, "lucie", f"faux-{n}")
    assert _post(client, login, "lucie", DEFAULT_PASSWORD).status_code == 302
    client.post(reverse("logout"))

    again = [_post(client, login, "lucie", "faux") for _ in range(settings.AXES_FAILURE_LIMIT - 1)]

    assert all(r.status_code == 200 for r in again)


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client: Client, settings: Any) -> None:
    """With TRUSTED_PROXY_COUNT=1 the proxy's entry of X-Forwarded-For counts; what the
    client wrote before it does not, so forging it does not lift a lockout."""
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="lucie")
    login = reverse("login")
    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        _post(client, login, "lucie", f"faux-{n}", **attacker)

    forged = _post(
        Client(),
        login,
        "lucie",
        DEFAULT_PASSWORD,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5",
    )
    colleague = _post(
        Client(),
        login,
        "lucie",
        DEFAULT_PASSWORD,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )

    assert forged.status_code == 429
    assert colleague.status_code == 302


def test_a_lockout_is_written_in_the_security_journal_with_the_address(client: Client) -> None:
    UserFactory(username="lucie")

    with time_machine.travel(START, tick=False):
        locked = _fail_until_locked(client, reverse("login"), "lucie")

    assert locked.status_code == 429
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKOUT)
    assert (event.username, event.ip) == ("lucie", "127.0.0.1")
    failures = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert failures.count() == settings.AXES_FAILURE_LIMIT
