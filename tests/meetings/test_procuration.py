"""The procuration (CGCT L2121-20): rendered with what it states, signed by the mandant
with his own certificate, or sealed by the app stating his two-factor login; pyHanko
validates the signature."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from meetings.answers import answer_give
from meetings.models import AttendanceAnswer
from meetings.procuration import procuration_render, procuration_sign
from members.models import SecurityEvent
from pma_governance.lib.pades import validate_pdf
from tests.factories import UserFactory
from tests.meetings.answers_setup import Assembly, make_assembly
from tests.pdf_stamps import stamp_text
from tests.signatories import SIGNATORY_PASSPHRASE, with_certificate

pytestmark = pytest.mark.django_db

Answer = AttendanceAnswer.Answer


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def assembly(signing_certificate: Path) -> Assembly:
    return make_assembly()


@pytest.fixture
def pouvoir(assembly: Assembly) -> AttendanceAnswer:
    alice = assembly["Alice"].person
    alice.user = UserFactory(username="alice-martin")
    alice.save(update_fields=["user"])
    return answer_give(
        assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"]
    )


def test_the_procuration_states_mandant_mandataire_and_session(
    assembly: Assembly, pouvoir: AttendanceAnswer
) -> None:
    text = pdf_text(procuration_render(pouvoir, assembly.session.date.replace(day=1)))

    assert "Pouvoir (procuration)" in text
    assert (
        "Je soussignée, Mme Alice Martin (Communauté d'agglomération de Lens-Liévin), membre "
        "titulaire du comité syndical du Syndicat mixte des Collines"
    ) in text
    assert "donne pouvoir à M. Bernard Durand, membre titulaire" in text
    assert "d'assister à la séance du comité syndical du Syndicat mixte des Collines du" in text
    assert "à 18 h (Salle du conseil)" in text
    assert re.search(r"Fait à Lens, le 1er \w+ \d{4} Le mandant Mme Alice Martin", text)
    assert "{#" not in text
    assert "CGCT L2121-20" in text


def test_the_mandant_signs_with_his_own_certificate(
    assembly: Assembly, pouvoir: AttendanceAnswer
) -> None:
    hand = with_certificate(assembly["Alice"].person)

    signed = procuration_sign(pouvoir, hand.user, passphrase=SIGNATORY_PASSPHRASE)

    pdf = bytes(signed.procuration_pdf)
    assert signed.procuration_signed_at is not None
    (report,) = validate_pdf(pdf)
    assert (report.field_name, report.certificate_subject) == ("mandant", "Alice Martin")
    assert report.intact and report.valid and report.trusted and report.covers_whole_file
    assert "Signé électroniquement par" in stamp_text(pdf, "mandant")
    assert "donne pouvoir à M. Bernard Durand" in pdf_text(pdf)
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.SIGNATURE,
        detail__startswith="Procuration d'Alice Martin à Bernard Durand",
    ).exists()


def test_a_wrong_passphrase_signs_nothing(assembly: Assembly, pouvoir: AttendanceAnswer) -> None:
    hand = with_certificate(assembly["Alice"].person)

    with pytest.raises(ValidationError, match="Phrase secrète du certificat incorrecte"):
        procuration_sign(pouvoir, hand.user, passphrase="pas-la-bonne")

    pouvoir.refresh_from_db()
    assert (bytes(pouvoir.procuration_pdf), pouvoir.procuration_signed_at) == (b"", None)


def test_without_a_certificate_the_app_seals_it_after_a_two_factor_login(
    assembly: Assembly, pouvoir: AttendanceAnswer
) -> None:
    user = assembly["Alice"].person.user
    with pytest.raises(ValidationError, match="authentification à deux facteurs"):
        procuration_sign(pouvoir, user, verified=False)

    signed = procuration_sign(pouvoir, user, verified=True)

    pdf = bytes(signed.procuration_pdf)
    (report,) = validate_pdf(pdf)
    assert report.field_name == "mandant" and report.ok and report.covers_whole_file
    mention = stamp_text(pdf, "mandant")
    assert mention.startswith("Signé par Alice Martin, mandant,")
    assert "double" in mention and "authentification vérifiée" in mention


def test_only_the_mandant_signs_and_only_once(
    assembly: Assembly, pouvoir: AttendanceAnswer
) -> None:
    with pytest.raises(ValidationError, match="Seul Alice Martin signe sa procuration"):
        procuration_sign(pouvoir, UserFactory(), verified=True)
    user = assembly["Alice"].person.user
    procuration_sign(pouvoir, user, verified=True)
    with pytest.raises(ValidationError, match="déjà signée"):
        procuration_sign(pouvoir, user, verified=True)


def test_another_holder_voids_the_signed_procuration(
    assembly: Assembly, pouvoir: AttendanceAnswer
) -> None:
    procuration_sign(pouvoir, assembly["Alice"].person.user, verified=True)
    answer_give(assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"])
    pouvoir.refresh_from_db()
    assert pouvoir.procuration_signed_at is not None  # same holder: kept

    answer_give(assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["David"])

    pouvoir.refresh_from_db()
    assert (bytes(pouvoir.procuration_pdf), pouvoir.procuration_signed_at) == (b"", None)
