"""Élus consult past sessions: search in the ordre du jour and the PV, no draft agendas."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from members.models import Body
from tests.factories import login_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def elu() -> Client:
    call_command("load_demo", stdout=io.StringIO())
    client = Client()
    login_as(client, "elu", Body.objects.get(short_name="PMA"))
    return client


def test_search_finds_the_session_whose_pv_speaks_of_it(elu: Client) -> None:
    page = elu.get(reverse("meetings:session_list"), {"q": "ferroviaire"}).content.decode()
    assert "mardi 13 juin 2023" in page
    assert "mardi 4 avril 2023" not in page
    page = elu.get(reverse("meetings:session_list"), {"q": "Huchette"}).content.decode()
    assert "mardi 13 juin 2023" in page  # named only in the debate of « Actualités »
    none = elu.get(reverse("meetings:session_list"), {"q": "aéroport"}).content.decode()
    assert "Aucune séance ne correspond à « aéroport »" in none


def test_another_bodys_sessions_are_not_listed(elu: Client) -> None:
    from tests.factories import BodyFactory, SessionFactory

    other = SessionFactory(body=BodyFactory(short_name="SIVOM"), date="2023-05-02")
    page = elu.get(reverse("meetings:session_list")).content.decode()
    assert "2 mai 2023" not in page
    assert elu.get(reverse("meetings:session_detail", args=[other.pk])).status_code == 404
