"""Drafting the procès-verbal: saving texts and edit conflicts (its preview is a documents'
page: tests/pma_governance/documents/test_views.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import AgendaItem, ProcesVerbal, Session
from meetings.services import PvConflict, pv_texts, pv_update
from tests.factories import login_as

pytestmark = pytest.mark.django_db


def pv_form_data(pv: ProcesVerbal, **changes: str) -> dict[str, str]:
    """The PV form as the editor posts it: its version and its texts, with `changes`."""
    data = {"version": str(pv.version), **pv_texts(pv)}
    data.update(changes)
    return data


def test_secretariat_saves_debates_as_sanitised_paragraphs(
    seed_session: Session, client: Client
) -> None:
    login_as(client, "secretariat", seed_session.body)
    pv = seed_session.pv
    item = AgendaItem.objects.get(session=seed_session, title="Actualités")
    response = client.post(
        reverse("meetings:pv_edit", args=[seed_session.pk]),
        pv_form_data(
            pv,
            **{
                f"debate_{item.pk}": "Monsieur le Président évoque l'actualité.\n\n"
                "Il salue <strong>Gilles Huchette</strong>.<script>alert(1)</script>"
            },
        ),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.debate_summary.startswith("<p>Monsieur le Président")
    assert "<strong>Gilles Huchette</strong>" in item.debate_summary
    assert "script" not in item.debate_summary
    pv.refresh_from_db()
    assert pv.version == 2


def test_plain_text_becomes_paragraphs(seed_session: Session) -> None:
    pv = seed_session.pv
    pv_update(
        pv=pv,
        texts={"preamble": "Premier paragraphe.\n\nSecond paragraphe."},
        expected_version=pv.version,
    )
    pv.refresh_from_db()
    assert pv.preamble == "<p>Premier paragraphe.</p><p>Second paragraphe.</p>"


def test_stale_version_raises_a_conflict_and_overwrites_nothing(seed_session: Session) -> None:
    pv = seed_session.pv
    opened = pv.version
    pv_update(pv=pv, texts={"preamble": "Texte de Lucie."}, expected_version=opened)
    with pytest.raises(PvConflict) as caught:
        pv_update(pv=pv, texts={"preamble": "Texte de Marc."}, expected_version=opened)
    assert caught.value.theirs["preamble"] == "<p>Texte de Lucie.</p>"
    pv.refresh_from_db()
    assert pv.preamble == "<p>Texte de Lucie.</p>"


def test_conflict_screen_shows_both_texts_and_keeps_mine(seed_session: Session) -> None:
    lucie, marc = Client(), Client()
    login_as(lucie, "secretariat", seed_session.body, first_name="Lucie", last_name="Martin")
    login_as(marc, "secretariat", seed_session.body, first_name="Marc", last_name="Durand")
    url = reverse("meetings:pv_edit", args=[seed_session.pk])
    pv = seed_session.pv
    opened = pv_form_data(pv)
    assert lucie.post(url, opened | {"preamble": "Version de Lucie."}).status_code == 302
    response = marc.post(url, opened | {"preamble": "Version de Marc."})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="pv-conflict"' in html
    assert "Lucie Martin" in html
    assert "Version de Marc." in html  # my text, kept in the form and in the comparison
    assert "&lt;p&gt;Version de Lucie.&lt;/p&gt;" in html  # theirs, shown as stored
    pv.refresh_from_db()
    assert pv.preamble == "<p>Version de Lucie.</p>"
    # Saving again after seeing the conflict is a deliberate choice: it goes through.
    again = marc.post(url, opened | {"preamble": "Version de Marc.", "version": str(pv.version)})
    assert again.status_code == 302
    pv.refresh_from_db()
    assert pv.preamble == "<p>Version de Marc.</p>"


def test_elected_member_cannot_edit_the_pv(seed_session: Session, client: Client) -> None:
    login_as(client, "elu", seed_session.body)
    url = reverse("meetings:pv_edit", args=[seed_session.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Enregistrer le procès-verbal" not in page.content.decode()
    assert client.post(url, pv_form_data(seed_session.pv, preamble="x")).status_code == 403
