"""« Mes courriels »: an élu chooses which e-mails he receives (convocations always) and
whether the convocation also comes by post; the secretariat sets the latter on his record."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Body, Mandate, NotificationPreference, Person
from members.notifications import preferences_of
from pma_governance.lib.history import history_for
from tests.factories import MandateFactory, PersonFactory, login_as

pytestmark = pytest.mark.django_db

URL = reverse("space:notifications")


def _text(response: Any) -> str:
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(page).split())


def _checkbox(response: Any, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.content.decode())
    assert found, f"no checkbox {name}"
    return found.group(0)


@pytest.fixture
def mandate(body: Body) -> Mandate:
    person = PersonFactory(
        civility="Mme", first_name="Corinne", last_name="Laversin", email="c.laversin@example.fr"
    )
    return MandateFactory(body=body, person=person)


@pytest.fixture
def elu(client: Client, body: Body, mandate: Mandate) -> Client:
    login_as(client, "elu", body, mandate=mandate, first_name="Corinne", last_name="Laversin")
    return client


def test_the_page_shows_every_kind_with_the_convocation_locked_on(
    elu: Client, mandate: Mandate
) -> None:
    response = elu.get(URL)

    page = _text(response)
    assert response.status_code == 200
    assert "Mes courriels" in page and "c.laversin@example.fr" in page
    for label in ("Convocations aux séances", "Pouvoirs donnés ou reçus", "Rappels", "Déports"):
        assert label in page
    convocation = _checkbox(response, "convocation")
    assert " checked" in convocation and " disabled" in convocation
    for kind in ("proxy", "reminder", "deport"):
        assert " checked" in _checkbox(response, kind) and "disabled" not in _checkbox(
            response, kind
        )
    assert "Recevoir aussi la convocation sur papier" in page
    assert " checked" not in _checkbox(response, "paper_convocation")


def test_the_elu_changes_his_choices_and_finds_them_again(elu: Client, mandate: Mandate) -> None:
    response = elu.post(URL, {"deport": "on", "paper_convocation": "on"}, follow=True)

    assert "Vos choix de courriels sont enregistrés." in _text(response)
    assert preferences_of(mandate.person) == {"proxy": False, "reminder": False, "deport": True}
    mandate.person.refresh_from_db()
    assert mandate.person.paper_convocation is True
    again = elu.get(URL)
    assert " checked" not in _checkbox(again, "proxy")
    assert " checked" not in _checkbox(again, "reminder")
    assert " checked" in _checkbox(again, "deport")
    assert " checked" in _checkbox(again, "paper_convocation")

    elu.post(URL, {"proxy": "on", "reminder": "on", "deport": "on"})

    assert preferences_of(mandate.person) == {"proxy": True, "reminder": True, "deport": True}
    mandate.person.refresh_from_db()
    assert mandate.person.paper_convocation is False


def test_the_convocation_cannot_be_turned_off(elu: Client, mandate: Mandate) -> None:
    # A forged POST: the disabled field keeps its value, nothing is stored for it.
    elu.post(URL, {"convocation": "", "proxy": "on"})
    elu.post(URL, {"proxy": "on"})

    assert not NotificationPreference.objects.filter(kind="convocation").exists()
    assert " checked" in _checkbox(elu.get(URL), "convocation")


def test_unknown_and_oversized_fields_are_ignored(elu: Client, mandate: Mandate) -> None:
    forged = {f"publicite{n}": "on" for n in range(200)}
    forged.update({"deport": "on" * 5000, "person": "1", "email": "pirate@example.fr"})

    response = elu.post(URL, forged)

    assert response.status_code == 302
    kinds = set(NotificationPreference.objects.values_list("kind", flat=True))
    assert kinds == {"proxy", "reminder", "deport"}
    mandate.person.refresh_from_db()
    assert mandate.person.email == "c.laversin@example.fr"


def test_the_choice_changes_only_the_users_own_record(elu: Client, body: Body) -> None:
    other = MandateFactory(body=body).person

    elu.post(URL, {"person": other.pk, "paper_convocation": "on"})

    other.refresh_from_db()
    assert not NotificationPreference.objects.filter(person=other).exists()
    assert other.paper_convocation is False


def test_a_post_without_the_csrf_token_is_refused(body: Body, mandate: Mandate) -> None:
    client = Client(enforce_csrf_checks=True)
    login_as(client, "elu", body, mandate=mandate)

    response = client.post(URL, {"paper_convocation": "on"})

    assert response.status_code == 403
    assert not NotificationPreference.objects.exists()
    mandate.person.refresh_from_db()
    assert mandate.person.paper_convocation is False


def test_a_user_without_a_person_gets_the_french_note(client: Client, body: Body) -> None:
    login_as(client, "secretariat", body)

    page = _text(client.get(URL))
    posted = client.post(URL, {"proxy": "on"})

    assert "Votre compte n'est rattaché à aucune fiche d'élu" in page
    assert "Enregistrer mes choix" not in page
    assert posted.status_code == 200
    assert not NotificationPreference.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_is_in_the_navigation_and_on_the_space_index(
    elu: Client, mandate: Mandate
) -> None:
    index = elu.get(reverse("space:index")).content.decode()
    own = elu.get(URL).content.decode()

    assert index.count(f'href="{URL}"') == 2  # the navigation bar and the index's buttons
    assert f'aria-current="page" href="{URL}">Mes courriels</a>' in own


def test_the_elus_paper_choice_is_kept_in_his_history(elu: Client, mandate: Mandate) -> None:
    elu.post(URL, {"paper_convocation": "on"})

    latest = history_for(mandate.person)[0]
    assert latest.user == "Corinne Laversin"
    assert [(c.field, c.before, c.after) for c in latest.changes] == [
        ("convocation sur papier", "non", "oui")
    ]


# --- The secretariat, on the member's record in the register ---------------------------


def test_the_secretariat_sets_the_paper_convocation_on_the_record(
    client: Client, body: Body, mandate: Mandate
) -> None:
    login_as(client, "secretariat", body, first_name="Lucie", last_name="Martin")
    person = mandate.person
    edit = reverse("members:person_edit", args=[person.pk])

    form = client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "civility": "Mme",
            "first_name": "Corinne",
            "last_name": "Laversin",
            "email": "c.laversin@example.fr",
            "paper_convocation": "on",
        },
        follow=True,
    )

    assert 'name="paper_convocation"' in form
    assert "par courriel et sur papier" in _text(response)
    person.refresh_from_db()
    assert person.paper_convocation is True
    latest = history_for(person)[0]
    assert latest.user == "Lucie Martin"
    assert ("convocation sur papier", "non", "oui") in [
        (c.field, c.before, c.after) for c in latest.changes
    ]


def test_the_secretariat_registers_a_new_member_who_wants_paper(client: Client, body: Body) -> None:
    login_as(client, "secretariat", body)

    client.post(
        reverse("members:person_create"),
        {
            "civility": "M.",
            "first_name": "Jean",
            "last_name": "Lemaire",
            "paper_convocation": "on",
            "role": "titulaire",
            "start_date": "2024-09-01",
        },
    )

    assert Person.objects.get(last_name="Lemaire").paper_convocation is True
