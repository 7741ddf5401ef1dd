"""The documents' pages in the app: the PV preview, and signing, where the president and
the secretary each sign from their own account."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberations.models import Deliberation, SignatureConsent, SignedDocument
from meetings.models import ProcesVerbal, Session
from members.models import Mandate
from pma_governance.lib.certificates import root_pem_path
from pma_governance.lib.pades import validate_pdf
from tests.factories import Role, login_as
from tests.meetings.test_views_pv import pv_form_data
from tests.signatories import SIGNATORY_PASSPHRASE, with_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _certificate(signing_certificate: Path) -> Path:
    return signing_certificate


PASS = SIGNATORY_PASSPHRASE


def _logged_in(session: Session, role: Role, mandate_id: str | None = None) -> tuple[User, Client]:
    """A logged-in client of `role` on the session's body, as the holder of `mandate_id`,
    whose own certificate is registered."""
    mandate = Mandate.objects.get(body=session.body, external_id=mandate_id) if mandate_id else None
    client = Client()
    user = login_as(client, role, session.body, mandate=mandate)
    if mandate is not None:
        mandate.person.refresh_from_db()
        with_certificate(mandate.person)
    return user, client


@pytest.fixture
def aula(seed_session: Session) -> Deliberation:
    return Deliberation.objects.get(number="2023/PMA00192")


def test_president_then_secretary_seal_the_deliberation(
    seed_session: Session, aula: Deliberation, signing_certificate: Path
) -> None:
    _, president = _logged_in(seed_session, "administrator", "bavay")
    _, secretary = _logged_in(seed_session, "elu", "lemaire")
    url = reverse("deliberations:signature", args=[aula.pk])

    page = president.post(url, {"role": "president", "passphrase": PASS}, follow=True)
    assert "Signature du président de séance apposée avec votre certificat" in page.content.decode()
    assert not SignedDocument.objects.filter(deliberation=aula).exists()
    aula.refresh_from_db()
    assert aula.status == "voted"

    sealed = secretary.post(url, {"role": "secretary", "passphrase": PASS}, follow=True)
    assert "est signé électroniquement et scellé" in sealed.content.decode()
    aula.refresh_from_db()
    assert aula.status == "signed"
    stored = SignedDocument.objects.get(deliberation=aula)
    reports = validate_pdf(bytes(stored.pdf), trust_roots=[root_pem_path(signing_certificate)])
    assert [r.signer_name for r in reports] == ["Alain Bavay", "François Lemaire"]
    assert [r.certificate_subject for r in reports] == ["Alain Bavay", "François Lemaire"]
    assert all(r.intact and r.valid and r.trusted for r in reports)
    assert reports[-1].covers_whole_file

    download = secretary.get(reverse("deliberation_document", args=[aula.pk]))
    body = b"".join(download.streaming_content) if download.streaming else download.content  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == stored.sha256
    assert download["ETag"] == f'"{stored.sha256}"'
    cached = secretary.get(
        reverse("deliberation_document", args=[aula.pk]), HTTP_IF_NONE_MATCH=f'"{stored.sha256}"'
    )
    assert cached.status_code == 304


def test_an_account_with_the_sign_permission_signs_for_no_one_else(
    seed_session: Session, aula: Deliberation
) -> None:
    _, director = _logged_in(seed_session, "administrator")  # may sign, is neither of them
    url = reverse("deliberations:signature", args=[aula.pk])
    for role, label in (("president", "président"), ("secretary", "secrétaire de séance")):
        page = director.post(url, {"role": role, "passphrase": PASS}, follow=True)
        assert f"ne peut signer en qualité de {label}" in page.content.decode()
    assert not SignatureConsent.objects.exists()
    assert not SignedDocument.objects.exists()
    # The panel offers him no button either.
    detail = director.get(reverse("deliberations:detail", args=[aula.pk])).content.decode()
    assert "Signer en qualité de" not in detail


def test_a_wrong_passphrase_is_refused_in_french_and_nothing_is_kept(
    seed_session: Session, aula: Deliberation
) -> None:
    _, president = _logged_in(seed_session, "administrator", "bavay")
    url = reverse("deliberations:signature", args=[aula.pk])
    page = president.post(url, {"role": "president", "passphrase": "faux"}, follow=True)
    html = page.content.decode()
    assert "Phrase secrète du certificat incorrecte : rien n&#x27;a été signé." in html
    assert "faux" not in html.split("<main", 1)[-1].split("Phrase secrète du certificat")[0]
    assert not SignatureConsent.objects.exists()
    page = president.post(url, {"role": "president"}, follow=True)
    assert "Saisissez la phrase secrète de votre certificat" in page.content.decode()
    assert not SignatureConsent.objects.exists()


def test_an_elected_member_signs_only_for_himself(
    seed_session: Session, aula: Deliberation
) -> None:
    _, robert = _logged_in(seed_session, "elu", "robert")
    page = robert.post(
        reverse("deliberations:signature", args=[aula.pk]), {"role": "secretary"}, follow=True
    ).content.decode()
    assert "ne peut signer en qualité de secrétaire de séance" in page
    assert not SignatureConsent.objects.exists()


def test_a_signature_can_be_withdrawn_before_the_seal(
    seed_session: Session, aula: Deliberation
) -> None:
    user, president = _logged_in(seed_session, "administrator", "bavay")
    president.post(
        reverse("deliberations:signature", args=[aula.pk]),
        {"role": "president", "passphrase": PASS},
    )
    consent = SignatureConsent.objects.get(user=user)
    # His signature is applied at once: the PDF he signed alone is kept with his consent…
    assert consent.partial_pdf is not None
    (report,) = validate_pdf(bytes(consent.partial_pdf))
    assert (report.certificate_subject, report.intact, report.valid) == ("Alain Bavay", True, True)
    president.post(reverse("deliberations:signature_withdraw", args=[consent.pk]))
    # …and discarded with it.
    assert not SignatureConsent.objects.exists()


def test_the_pv_is_signed_from_its_page_and_then_frozen(seed_session: Session) -> None:
    _, president = _logged_in(seed_session, "administrator", "bavay")
    _, secretary = _logged_in(seed_session, "elu", "lemaire")
    url = reverse("deliberations:pv_signature", args=[seed_session.pk])
    editor = reverse("meetings:pv_edit", args=[seed_session.pk])
    editor_page = president.get(editor).content.decode()
    assert "Signer en qualité de président de séance" in editor_page
    assert 'type="password" name="passphrase"' in editor_page
    president.post(url, {"role": "president", "passphrase": PASS})
    secretary.post(url, {"role": "secretary", "passphrase": PASS})
    pv = ProcesVerbal.objects.get(session=seed_session)
    assert pv.status == "signed"
    page = president.get(editor).content.decode()
    assert 'data-testid="signed"' in page
    assert "Enregistrer le procès-verbal" not in page
    seed_session.refresh_from_db()
    assert seed_session.facts_frozen_at is not None


def test_unsigned_copies_are_marked_as_drafts(seed_session: Session, aula: Deliberation) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    _, client = _logged_in(seed_session, "elu")
    response = client.get(reverse("session_document", args=[seed_session.pk, "pv"]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "document non signé" in " ".join(text.split()).lower()
    assert response["Cache-Control"] == "private, no-cache"


def test_a_signed_act_is_corrected_by_an_erratum_not_edited(
    seed_session: Session, aula: Deliberation
) -> None:
    from deliberations.models import Erratum
    from pma_governance.documents.consents import Hand, deliberation_sign

    president, _ = _logged_in(seed_session, "administrator", "bavay")
    secretary, _ = _logged_in(seed_session, "elu", "lemaire")
    deliberation_sign(
        deliberation=aula, president=Hand(president, PASS), secretary=Hand(secretary, PASS)
    )
    _, admin = _logged_in(seed_session, "administrator")
    url = reverse("deliberations:erratum_add", args=["deliberation", aula.pk])
    refused = admin.post(url, {"date": "2020-01-01", "text": "Lire « 40 000 euros »."})
    page = refused.content.decode()
    assert "ne peut être daté d&#x27;avant la signature" in page
    assert "Lire « 40 000 euros »." in page  # what was typed is kept
    aula.refresh_from_db()
    # The day of signature in Paris: after 23:00 UTC it is already the next day there.
    today = timezone.localdate(aula.signed_at).isoformat()
    done = admin.post(url, {"date": today, "text": "Lire « 40 000 euros »."}, follow=True)
    assert "Erratum enregistré" in done.content.decode()
    assert 'data-testid="errata"' in done.content.decode()
    assert Erratum.objects.get(deliberation=aula).text == "Lire « 40 000 euros »."
    _, reader = _logged_in(seed_session, "elu")
    assert reader.post(url, {"date": today, "text": "x"}).status_code == 403


def test_preview_is_laid_out_like_the_pv_and_saves_nothing(
    seed_session: Session, client: Client
) -> None:
    login_as(client, "secretariat", seed_session.body)
    pv = seed_session.pv
    response = client.post(
        reverse("meetings:pv_preview", args=[seed_session.pk]),
        pv_form_data(pv, preamble="Texte en cours de rédaction."),
    )
    html = response.content.decode()
    assert "Texte en cours de rédaction." in html
    assert "PROCÈS-VERBAL" in html
    assert "ayant donné procuration à" in html
    pv.refresh_from_db()
    assert "Texte en cours de rédaction." not in pv.preamble
    assert pv.version == 1
