"""A session ends after SESSION_IDLE_TIMEOUT without activity (1 hour by default) and
SESSION_MAX_LIFETIME after the login (12 hours), whatever the activity; the login page
then says why. Time is moved with time-machine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
PAGE = "/compte/"  # « Mon compte »: a page every logged-in account opens


def _login(client: Client) -> None:
    UserFactory(username="lucie")
    response = client.post(reverse("login"), {"username": "lucie", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def _sent_to_login(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_defaults_one_hour_idle_and_twelve_hours_in_all() -> None:
    assert dt.timedelta(hours=1) == settings.SESSION_IDLE_TIMEOUT
    assert dt.timedelta(hours=12) == settings.SESSION_MAX_LIFETIME
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_an_hour_without_activity_ends_the_session(client: Client) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        _login(client)
        traveller.shift(dt.timedelta(minutes=59))
        active = client.get(PAGE)
        traveller.shift(dt.timedelta(minutes=59))
        still_active = client.get(PAGE)  # 118 minutes after the login, 59 after the last page
        traveller.shift(dt.timedelta(minutes=61))
        idle = client.get(PAGE)
        login_page = client.get(idle["Location"])

    assert active.status_code == 200
    assert still_active.status_code == 200
    assert _sent_to_login(idle)
    assert "_auth_user_id" not in client.session
    assert "Votre session a expiré après 1 heure d&#x27;inactivité" in login_page.content.decode()


def test_twelve_hours_after_the_login_the_session_ends_even_if_active(client: Client) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        _login(client)
        answers = []
        for _ in range(14):  # a page every 50 minutes: never idle
            traveller.shift(dt.timedelta(minutes=50))
            answers.append(client.get(PAGE))
        traveller.shift(dt.timedelta(minutes=50))  # 12 h 30 after the login
        expired = client.get(PAGE)
        login_page = client.get(expired["Location"])

    assert [a.status_code for a in answers] == [200] * 14  # 11 h 40 after the login
    assert _sent_to_login(expired)
    assert "une connexion dure au plus 12 heures" in login_page.content.decode()


def test_the_durations_come_from_the_settings(client: Client, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=10)
    with time_machine.travel(START, tick=False) as traveller:
        _login(client)
        traveller.shift(dt.timedelta(minutes=9))
        active = client.get(PAGE)
        traveller.shift(dt.timedelta(minutes=11))
        idle = client.get(PAGE)
        login_page = client.get(idle["Location"])

    assert active.status_code == 200
    assert _sent_to_login(idle)
    assert "après 10 minutes d&#x27;inactivité" in login_page.content.decode()


def test_a_session_without_its_clocks_is_over(client: Client) -> None:
    """A session opened before the clocks existed (or tampered with) logs in again."""
    with time_machine.travel(START, tick=False):
        _login(client)
        session = client.session
        del session["accounts_logged_in_at"]
        session.save()
        response = client.get(PAGE)

    assert _sent_to_login(response)
