"""An élu's private notes on the projets (issue 12, point 5): his alone, exportable by him;
and what changed in a projet since the convocation was sent."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberations.models import Deliberation
from meetings.models import Session
from members.models import Body
from pma_governance.space.models import PrivateNote
from tests.factories import (
    AgendaItemFactory,
    DeliberationFactory,
    MandateFactory,
    SessionFactory,
    VoteFactory,
    login_as,
)
from tests.pma_governance.publication.helpers import publish_fast

pytestmark = pytest.mark.django_db

NOTE = "Demander au rapporteur le coût de la convention pour 2024."


def _text(response: Any) -> str:
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(page).split())


@pytest.fixture
def projet(body: Body) -> Deliberation:
    session = SessionFactory(body=body, date=dt.date(2023, 6, 13), convened_on=dt.date(2023, 6, 6))
    item = AgendaItemFactory(session=session, position=3, title="Convention avec l'Agence")
    return DeliberationFactory(item=item, body=body, title="Convention avec l'Agence d'urbanisme")


def _elu(body: Body, name: str) -> Client:
    client = Client()
    login_as(client, "elu", body, mandate=MandateFactory(body=body), username=name)
    return client


def test_an_elu_saves_edits_and_exports_his_note(body: Body, projet: Deliberation) -> None:
    elu = _elu(body, "elu1")
    url = reverse("space:projet", args=[projet.pk])

    saved = elu.post(url, {"text": NOTE + "\x00\u202e"})
    page = _text(elu.get(url))
    session_page = _text(elu.get(reverse("space:session", args=[projet.item.session.pk])))  # type: ignore[union-attr]
    edited = elu.post(url, {"text": "Voter pour.\nCoût : 12 000 €."}, follow=True)
    markdown = elu.get(reverse("space:notes_export"))
    plain = elu.get(reverse("space:notes_export"), {"format": "texte"})

    assert saved.status_code == 302
    assert NOTE in page  # control characters stripped, the note read back
    assert "Ma note" in session_page
    assert "Votre note est enregistrée." in _text(edited)
    assert PrivateNote.objects.get().text == "Voter pour.\nCoût : 12 000 €."
    assert markdown["Content-Type"] == "text/markdown; charset=utf-8"
    assert "attachment" in markdown["Content-Disposition"]
    assert markdown["Content-Disposition"].endswith('.md"')
    exported = markdown.content.decode("utf-8")
    assert (
        "## PMA — séance du 13 juin 2023 — point n° 3 — Projet : "
        "Convention avec l'Agence d'urbanisme\n\nVoter pour.\nCoût : 12 000 €." in exported
    )
    assert plain["Content-Type"] == "text/plain; charset=utf-8"
    assert "Voter pour.\nCoût : 12 000 €." in plain.content.decode("utf-8")
    assert "séance du 13 juin 2023" in plain.content.decode("utf-8")
    # Emptied, the note is deleted.
    elu.post(url, {"text": "   "})
    assert not PrivateNote.objects.exists()


def test_nobody_else_sees_the_note(client: Client, body: Body, projet: Deliberation) -> None:
    _elu(body, "elu1").post(reverse("space:projet", args=[projet.pk]), {"text": NOTE})
    other = _elu(body, "elu2")
    secretariat = Client()
    login_as(secretariat, "secretariat", body, username="secretaire")
    session = projet.item.session  # type: ignore[union-attr]
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CLOSED)
    VoteFactory(item=projet.item)
    Deliberation.objects.filter(pk=projet.pk).update(
        number="2023/PMA00192", sequence=192, status=Deliberation.Status.VOTED
    )
    publish_fast(Deliberation.objects.get(pk=projet.pk))

    pages = [
        other.get(reverse("space:projet", args=[projet.pk])),
        other.get(reverse("space:session", args=[session.pk])),
        other.get(reverse("space:notes_export")),
        secretariat.get(reverse("space:projet", args=[projet.pk])),
        secretariat.get(reverse("deliberations:detail", args=[projet.pk])),
        secretariat.get(reverse("space:notes_export")),
        client.get(reverse("api:deliberations", args=["PMA"])),
    ]

    assert PrivateNote.objects.count() == 1
    assert [p.status_code for p in pages] == [200] * len(pages)
    assert "2023/PMA00192" in pages[-1].content.decode()  # the API lists the act…
    for response in pages:
        assert NOTE not in response.content.decode()  # …never the note
    assert "Aucune note." in pages[2].content.decode()
    assert "Ma note" not in _text(pages[1])


def test_a_projet_of_another_body_is_refused(body: Body) -> None:
    elsewhere = DeliberationFactory(item=AgendaItemFactory(session=SessionFactory()))
    elu = _elu(body, "elu1")
    url = reverse("space:projet", args=[elsewhere.pk])

    assert elu.get(url).status_code == 404
    assert elu.post(url, {"text": NOTE}).status_code == 404
    assert not PrivateNote.objects.exists()


def test_an_over_long_note_is_refused_in_french(body: Body, projet: Deliberation) -> None:
    elu = _elu(body, "elu1")

    response = elu.post(reverse("space:projet", args=[projet.pk]), {"text": "x" * 85_001})

    assert response.status_code == 200
    assert "Rien n'a été enregistré" in _text(response)
    assert "ne peut dépasser 85 000 caractères (il en compte 85 001)" in _text(response)
    assert not PrivateNote.objects.exists()


def test_the_projet_page_shows_what_changed_since_the_convocation(
    body: Body, projet: Deliberation
) -> None:
    elu = _elu(body, "elu1")
    url = reverse("space:projet", args=[projet.pk])
    Session.objects.filter(pk=projet.item.session_id).update(  # type: ignore[union-attr]
        convocation_sent_at=timezone.now()
    )
    unchanged = _text(elu.get(url))

    projet.dispositif = "AUTORISE Monsieur le Président à signer la convention et ses avenants."
    projet.save()
    changed = _text(elu.get(url))

    assert "Les textes n'ont pas changé depuis l'envoi de la convocation" in unchanged
    assert "Les textes de ce projet ont changé depuis l'envoi de la convocation" in changed
    assert "Dispositif" in changed
    assert "-AUTORISE Monsieur le Président ou son représentant à signer la convention." in changed
    assert "+AUTORISE Monsieur le Président à signer la convention et ses avenants." in changed
    assert "Considérants" not in changed.split("Depuis la convocation")[1].split("Ma note")[0]


def test_the_admin_does_not_list_the_notes(body: Body, projet: Deliberation) -> None:
    _elu(body, "elu1").post(reverse("space:projet", args=[projet.pk]), {"text": NOTE})
    superuser = Client()
    login_as(superuser, "superuser")

    index = superuser.get(reverse("admin:index"))

    assert PrivateNote not in admin.site._registry
    assert index.status_code == 200
    assert "notes personnelles" not in index.content.decode().lower()
    assert NOTE not in index.content.decode()
