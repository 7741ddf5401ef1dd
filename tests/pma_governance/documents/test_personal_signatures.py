"""Each signatory signs with his own certificate: the first signature is applied when it
is given and kept with his consent; changed facts void it; no certificate, no signature."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from deliberations.models import SignatureConsent, SignedDocument
from meetings.models import ProcesVerbal, Session
from members.certificates import certificate_revoke
from members.models import SigningCertificate
from pma_governance.documents.consents import (
    Hand,
    SignatureOutcome,
    pv_sign,
    signature_give,
)
from pma_governance.lib.pades import validate_pdf
from tests.signatories import Signatories, registrar

pytestmark = pytest.mark.django_db


@pytest.fixture
def hands(seed_session: Session, signatories: Callable[[Session], Signatories]) -> Signatories:
    return signatories(seed_session)


def _give(session: Session, role: str, hand: Hand) -> SignatureOutcome:
    return signature_give(
        kind="pv", role=role, user=hand.user, passphrase=hand.passphrase, session=session
    )


def test_changed_facts_void_the_first_signature_which_is_given_again(
    seed_session: Session, hands: Signatories
) -> None:
    _give(seed_session, "president", hands.president)
    first = SignatureConsent.objects.get(role="president")
    assert first.partial_pdf is not None
    (report,) = validate_pdf(bytes(first.partial_pdf))
    assert report.certificate_subject == "Alain Bavay" and report.valid
    assert len(first.facts_sha256) == 64

    # The secretariat rewrites the preamble after the president signed.
    ProcesVerbal.objects.filter(session=seed_session).update(preamble="Un autre préambule.")
    outcome = _give(seed_session, "secretary", hands.secretary)
    assert outcome.signed is None
    assert outcome.voided.startswith(
        "Les faits que constate l'acte ont changé depuis la signature du président de séance : "
        "elle est annulée et doit être donnée à nouveau."
    )
    # The secretary's signature is now the first one, on the PV as it now reads.
    (consent,) = SignatureConsent.objects.all()
    assert consent.role == "secretary" and consent.partial_pdf is not None
    assert not SignedDocument.objects.exists()

    sealed = _give(seed_session, "president", hands.president)
    assert sealed.signed is not None
    reports = validate_pdf(bytes(sealed.signed.pdf))
    assert [(r.field_name, r.certificate_subject) for r in reports] == [
        ("secretaire", "François Lemaire"),
        ("president", "Alain Bavay"),
    ]
    assert all(r.intact and r.valid and r.trusted for r in reports)
    pv = ProcesVerbal.objects.get(session=seed_session)
    assert pv.status == "signed" and pv.frozen_facts is not None
    assert pv.frozen_facts["session"]["preamble"] == "Un autre préambule."
    # The partial PDF is inside the signed one: not kept twice.
    assert not SignatureConsent.objects.filter(partial_pdf__isnull=False).exists()


def test_a_signatory_without_a_certificate_is_told_who_must_register_one(
    seed_session: Session, hands: Signatories
) -> None:
    certificate = SigningCertificate.objects.get(person__last_name="Lemaire")
    certificate_revoke(certificate=certificate, by=registrar())

    with pytest.raises(ValidationError) as excinfo:
        pv_sign(pv=seed_session.pv, **hands._asdict())

    assert excinfo.value.messages == [
        "François Lemaire n'a pas de certificat de signature enregistré : un administrateur "
        "doit l'enregistrer sur sa fiche d'élu avant qu'il puisse signer."
    ]
    assert not SignedDocument.objects.exists()
    assert not SignatureConsent.objects.exists()  # the president's was rolled back with it


def test_the_passphrase_is_never_logged_nor_kept(
    seed_session: Session, hands: Signatories, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = Hand(hands.president.user, "phrase-fausse-123")
    with pytest.raises(ValidationError) as excinfo:
        pv_sign(pv=seed_session.pv, president=wrong, secretary=hands.secretary)
    assert "phrase-fausse-123" not in str(excinfo.value.messages)
    signed = pv_sign(pv=seed_session.pv, **hands._asdict())

    for secret in ("phrase-fausse-123", hands.president.passphrase):
        assert all(secret not in record.getMessage() for record in caplog.records)
        assert secret.encode() not in bytes(signed.pdf)
        assert secret not in str(signed.signatories)
