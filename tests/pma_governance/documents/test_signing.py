"""Signing the acts of 13 June 2023 through the services: PAdES signatures that pyHanko
validates, the PDF stored with its SHA-256 and served as stored, and afterwards a database
that refuses to change the act or the facts it states."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from deliberations import storage
from deliberations.models import Deliberation, SignatureConsent, SignedDocument, Vote
from meetings.models import Attendance, ProcesVerbal, Proxy, Session
from pma_governance.documents import catalog
from pma_governance.documents.consents import Hand, deliberation_sign, pv_sign
from pma_governance.lib.certificates import root_pem_path
from pma_governance.lib.db import frozen_refusal
from pma_governance.lib.pades import validate_pdf
from pma_governance.lib.roles import ADMINISTRATOR, ensure_roles
from tests.conftest import Council
from tests.factories import UserFactory, login_as
from tests.signatories import SIGNATORY_PASSPHRASE, Signatories

NUMBER = "2023/PMA00192"
FROZEN = "Acte signé : les faits qu'il constate ne peuvent plus être modifiés"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sign_with_test_certificate(signing_certificate: Path) -> Path:
    return signing_certificate


@pytest.fixture
def aula(seed_session: Session) -> Deliberation:
    return Deliberation.objects.get(number=NUMBER)


@pytest.fixture
def hands(seed_session: Session, signatories: Callable[[Session], Signatories]) -> Signatories:
    """Alain Bavay (president) and François Lemaire (secretary), each with his certificate."""
    return signatories(seed_session)


@pytest.fixture
def signed_aula(aula: Deliberation, hands: Signatories) -> SignedDocument:
    return deliberation_sign(deliberation=aula, **hands._asdict())


def refused(action: Callable[[], Any]) -> str:
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        action()
    message = frozen_refusal(excinfo.value) or ""
    assert FROZEN in message, excinfo.value
    return message


def _check_signatures(pdf: bytes, certificate: Path) -> None:
    reports = validate_pdf(pdf, trust_roots=[root_pem_path(certificate)])
    assert [(r.field_name, r.signer_name) for r in reports] == [
        ("president", "Alain Bavay"),
        ("secretaire", "François Lemaire"),
    ]
    # Two certificates, each in the name of its signatory, trusted through the demo root.
    assert [r.certificate_subject for r in reports] == ["Alain Bavay", "François Lemaire"]
    assert all(r.intact and r.valid and r.trusted and r.ok for r in reports)
    # The secretary's signature, the last one, covers the whole file; the president's covers
    # its revision, which the secretary only extended with a signature (form filling).
    assert reports[-1].covers_whole_file
    assert (reports[0].coverage, reports[0].modification_level) == (
        "ENTIRE_REVISION",
        "FORM_FILLING",
    )


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- Signing -------------------------------------------------------------------------------


def test_deliberation_and_pv_signed_validated_and_stored(
    aula: Deliberation, hands: Signatories, signing_certificate: Path
) -> None:
    act = deliberation_sign(deliberation=aula, **hands._asdict())
    session = Session.objects.get(pk=aula.item.session_id)  # type: ignore[union-attr]
    minutes = pv_sign(pv=session.pv, **hands._asdict())

    for document in (act, minutes):
        pdf = bytes(SignedDocument.objects.get(pk=document.pk).pdf)
        _check_signatures(pdf, signing_certificate)
        assert document.sha256 == hashlib.sha256(pdf).hexdigest()
        assert [s["field"] for s in document.signatories] == ["president", "secretaire"]
        subjects = [s["certificate"]["subject"] for s in document.signatories]
        assert "CN=Alain Bavay" in subjects[0] and "CN=François Lemaire" in subjects[1]
    assert NUMBER in _text(bytes(act.pdf))
    assert "PROCÈS-VERBAL" in _text(bytes(minutes.pdf)).upper()

    aula.refresh_from_db()
    session.refresh_from_db()
    pv = ProcesVerbal.objects.get(session=session)
    assert aula.status == Deliberation.Status.SIGNED
    assert pv.status == ProcesVerbal.Status.SIGNED
    assert aula.signed_at == act.signed_at
    # The session froze with the first signed act; the PV's signature keeps that date.
    assert session.facts_frozen_at == act.signed_at


def test_projet_on_every_page_until_the_pv_is_signed_and_none_after(
    seed_session: Session, hands: Signatories
) -> None:
    draft = PdfReader(io.BytesIO(catalog.document_pdf("pv", session=seed_session)))
    assert len(draft.pages) > 1
    for number, page in enumerate(draft.pages, start=1):
        assert "PROJET — DOCUMENT NON SIGNÉ" in page.extract_text(), number
    minutes = pv_sign(pv=seed_session.pv, **hands._asdict())
    signed = PdfReader(io.BytesIO(bytes(minutes.pdf)))
    for page in signed.pages:
        assert "DOCUMENT NON SIGNÉ" not in page.extract_text().upper()


def test_frozen_facts_state_the_roll_the_figures_and_the_vote(
    signed_aula: SignedDocument,
) -> None:
    facts = Deliberation.objects.get(number=NUMBER).frozen_facts
    assert facts is not None
    computed = facts["session"]["computed"]
    assert (computed["in_office"], computed["quorum"], computed["counted_for_quorum"]) == (
        22,
        12,
        17,
    )
    (item,) = facts["session"]["items"]
    assert item["number"] == NUMBER
    assert item["not_voting"] == ["laversin"]
    assert item["computed"]["result"] == "adopted"
    assert (
        facts["deliberation"]["title"]
        == "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)"
    )
    assert len(facts["session"]["proxies"]) == 4


def test_a_signed_pdf_is_served_as_stored_never_rendered_again(
    signed_aula: SignedDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_rendering(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a signed document was rendered again")

    monkeypatch.setattr(catalog, "render_pdf", no_rendering)
    deliberation = Deliberation.objects.get(number=NUMBER)

    stored = storage.stored_pdf("deliberation", deliberation=deliberation)

    assert stored == bytes(signed_aula.pdf)
    assert hashlib.sha256(stored).hexdigest() == signed_aula.sha256


# --- After the signature, the database refuses -------------------------------------------------


def test_the_signed_deliberation_cannot_change(signed_aula: SignedDocument) -> None:
    deliberation = Deliberation.objects.get(number=NUMBER)
    deliberation.title = "Partenariat 2024"
    refused(deliberation.save)
    refused(
        lambda: Deliberation.objects.filter(pk=deliberation.pk).update(title="Partenariat 2024")
    )
    # Django refuses the delete first (the signed PDF protects its act)…
    with pytest.raises(ProtectedError):
        Deliberation.objects.filter(pk=deliberation.pk).delete()
    # …and a DELETE that skips Django's collector is refused by the database.
    refused(lambda: Deliberation.objects.filter(pk=deliberation.pk)._raw_delete("default"))


def test_the_attendance_and_proxies_it_states_cannot_change(signed_aula: SignedDocument) -> None:
    session = Session.objects.get(body__short_name="PMA", date=dt.date(2023, 6, 13))
    attendance = Attendance.objects.filter(session=session, seated=False).first()
    assert attendance is not None
    attendance.status = Attendance.Status.ABSENT
    refused(attendance.save)
    refused(lambda: Attendance.objects.filter(pk=attendance.pk).update(status="absent"))
    refused(lambda: Attendance.objects.filter(pk=attendance.pk).delete())

    proxy = Proxy.objects.filter(session=session).first()
    assert proxy is not None
    proxy.holder = proxy.giver
    refused(proxy.save)
    refused(lambda: Proxy.objects.filter(pk=proxy.pk).update(illness=True))
    refused(lambda: Proxy.objects.filter(pk=proxy.pk).delete())


def test_the_vote_tallies_cannot_change(signed_aula: SignedDocument) -> None:
    vote = Vote.objects.get(item__deliberation__number=NUMBER)
    vote.unanimous, vote.votes_for, vote.votes_against = False, vote.votes_for - 1, 1
    refused(vote.save)
    refused(lambda: Vote.objects.filter(pk=vote.pk).update(votes_for=0, votes_against=15))
    refused(lambda: Vote.objects.filter(pk=vote.pk).delete())
    refused(lambda: Vote.objects.get(pk=vote.pk).not_voting.clear())


# --- What signing refuses ------------------------------------------------------------------------


def test_signing_twice_or_before_the_vote_is_refused(
    signed_aula: SignedDocument, hands: Signatories, council: Council
) -> None:
    aula = Deliberation.objects.get(number=NUMBER)
    with pytest.raises(ValidationError, match=f"La délibération n° {NUMBER} est déjà signée"):
        deliberation_sign(deliberation=aula, **hands._asdict())
    draft = Deliberation.objects.get(item=council.items[1])
    with pytest.raises(ValidationError, match="n'a pas été votée"):
        deliberation_sign(deliberation=draft, **hands._asdict())
    assert SignedDocument.objects.count() == 1


def test_an_incomplete_pv_is_refused(council: Council, admin_user: AbstractBaseUser) -> None:
    hand = Hand(admin_user, SIGNATORY_PASSPHRASE)
    with pytest.raises(ValidationError) as excinfo:
        pv_sign(pv=council.session.pv, president=hand, secretary=hand)
    messages = excinfo.value.messages
    assert messages[0] == "Le procès-verbal de la séance du 13/06/2023 est incomplet."
    assert "La séance n'a pas de secrétaire de séance." in messages
    assert (
        "Le vote du point 2 « Subvention 2023 à l'office de tourisme » n'est pas enregistré."
        in messages
    )
    assert ProcesVerbal.objects.get(session=council.session).status == "draft"


def test_only_the_signatorys_own_account_signs_even_with_the_sign_permission(
    aula: Deliberation, hands: Signatories, admin_user: AbstractBaseUser
) -> None:
    # A superuser, and an administrator holding « sign_deliberation », are refused: the
    # signature is accepted only from the account linked to the signatory's person.
    administrator = UserFactory(groups=[ensure_roles()[ADMINISTRATOR]])
    assert administrator.has_perm("deliberations.sign_deliberation")
    for stranger in (admin_user, administrator):
        with pytest.raises(ValidationError, match="ne peut signer en qualité de président"):
            deliberation_sign(
                deliberation=aula,
                president=Hand(stranger, SIGNATORY_PASSPHRASE),
                secretary=hands.secretary,
            )
    assert not SignatureConsent.objects.exists()

    document = deliberation_sign(deliberation=aula, **hands._asdict())
    assert [s["user"] for s in document.signatories] == [
        hands.president.user.get_username(),
        hands.secretary.user.get_username(),
    ]


def test_a_wrong_passphrase_is_refused_and_nothing_is_written(
    aula: Deliberation, hands: Signatories
) -> None:
    wrong = Hand(hands.president.user, "pas-la-bonne")

    with pytest.raises(ValidationError) as excinfo:
        deliberation_sign(deliberation=aula, president=wrong, secretary=hands.secretary)

    assert excinfo.value.messages == [
        "Phrase secrète du certificat incorrecte : rien n'a été signé."
    ]
    aula.refresh_from_db()
    assert aula.status == Deliberation.Status.VOTED
    assert not SignedDocument.objects.exists()
    assert not SignatureConsent.objects.exists()
    assert Session.objects.get(pk=aula.item.session_id).facts_frozen_at is None  # type: ignore[union-attr]


def test_admins_download_the_signed_pdf_as_stored(
    signed_aula: SignedDocument, client: Client
) -> None:
    login_as(client, "superuser")
    page = client.get(reverse("admin:deliberations_signeddocument_change", args=[signed_aula.pk]))
    pdf = client.get(reverse("admin:deliberations_signeddocument_pdf", args=[signed_aula.pk]))
    deliberation_page = client.get(
        reverse("admin:deliberations_deliberation_change", args=[signed_aula.deliberation_id])
    )

    assert signed_aula.sha256 in page.content.decode()
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(signed_aula.pdf)
    assert 'name="_save"' not in deliberation_page.content.decode()
    assert "Historique des modifications" in deliberation_page.content.decode()
