"""The contrôle de légalité: the ZIP of a signed act, and the recorded transmission and
acknowledgement, whose identifier must be this act's (DESIGN §6)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from typing import Any
from xml.etree import ElementTree

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from deliberations.models import Deliberation
from deliberations.storage import store_signed
from meetings.models import Session
from pma_governance.prefecture.services import (
    ACTES_NAMESPACE,
    annex_add,
    expected_identifier,
    prefecture_record_ack,
    prefecture_record_sent,
    prefecture_zip,
)

NUMBER = "2023/PMA00192"
IDENTIFIER = "062-200060358-20230613-2023PMA00192-DE"
SIGNED_PDF = b"%PDF-1.7\n% the act as signed\n%%EOF\n"
NS = {"actes": ACTES_NAMESPACE}

pytestmark = pytest.mark.django_db


def _sign(deliberation: Deliberation) -> Deliberation:
    """The act signed as the service leaves it (session frozen, PDF stored), without pyHanko."""
    assert deliberation.item is not None
    now = timezone.now()
    Session.objects.filter(pk=deliberation.item.session_id).update(facts_frozen_at=now)
    Deliberation.objects.filter(pk=deliberation.pk).update(status="signed", signed_at=now)
    store_signed(
        kind="deliberation",
        deliberation=deliberation,
        pdf=SIGNED_PDF,
        signed_at=now,
        signatories=[{"name": "Alain Bavay"}, {"name": "François Lemaire"}],
    )
    return Deliberation.objects.get(pk=deliberation.pk)


@pytest.fixture
def voted(seed_session: Session) -> Deliberation:
    """2023/PMA00192, voted, without the acknowledgement the seed already records."""
    Deliberation.objects.filter(number=NUMBER).update(
        prefecture_received_on=None, prefecture_identifier=""
    )
    return Deliberation.objects.get(number=NUMBER)


@pytest.fixture
def signed(voted: Deliberation) -> Deliberation:
    return _sign(voted)


def _zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# --- The ZIP --------------------------------------------------------------------------------


def test_zip_holds_the_signed_pdf_its_annexes_and_the_actes_metadata(
    signed: Deliberation,
) -> None:
    annex_add(
        deliberation=signed,
        title="Convention de partenariat AULA 2023",
        filename="convention AULA 2023.pdf",
        content=b"%PDF convention",
    )
    annex_add(
        deliberation=signed,
        title="Programme de travail",
        filename="programme.pdf",
        content=b"%PDF programme",
    )

    files = _zip(prefecture_zip(signed))

    assert list(files) == [
        "PMA-deliberation-2023-PMA00192.pdf",
        "annexes/01-convention-AULA-2023.pdf",
        "annexes/02-programme.pdf",
        "actes.xml",
        "metadonnees.json",
    ]
    assert files["PMA-deliberation-2023-PMA00192.pdf"] == SIGNED_PDF
    assert files["annexes/01-convention-AULA-2023.pdf"] == b"%PDF convention"

    acte = ElementTree.fromstring(files["actes.xml"])
    attribute = f"{{{ACTES_NAMESPACE}}}"
    assert acte.tag == f"{{{ACTES_NAMESPACE}}}Acte"
    assert acte.get(f"{attribute}Date") == "2023-06-13"
    assert acte.get(f"{attribute}NumeroInterne") == "2023PMA00192"
    assert acte.get(f"{attribute}CodeNatureActe") == "1"
    assert acte.find("actes:CodeMatiere1", NS).get(f"{attribute}CodeMatiere") == "7"  # type: ignore[union-attr]
    assert acte.find("actes:CodeMatiere2", NS).get(f"{attribute}CodeMatiere") == "5"  # type: ignore[union-attr]
    assert acte.findtext("actes:Objet", namespaces=NS) == signed.title
    assert acte.findtext("actes:Document/actes:NomFichier", namespaces=NS) == (
        "PMA-deliberation-2023-PMA00192.pdf"
    )
    assert acte.find("actes:Annexes", NS).get(f"{attribute}Nombre") == "2"  # type: ignore[union-attr]

    metadata = json.loads(files["metadonnees.json"])
    assert {
        k: metadata[k] for k in ("nature", "matiere_code", "numero_interne", "date_decision")
    } == {
        "nature": "DE",
        "matiere_code": "7.5",
        "numero_interne": "2023PMA00192",
        "date_decision": "2023-06-13",
    }
    assert metadata["objet"] == "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)"
    assert metadata["document"]["sha256"] == hashlib.sha256(SIGNED_PDF).hexdigest()
    assert [a["intitule"] for a in metadata["annexes"]] == [
        "Convention de partenariat AULA 2023",
        "Programme de travail",
    ]


def test_the_same_act_always_gives_the_same_zip(signed: Deliberation) -> None:
    assert prefecture_zip(signed) == prefecture_zip(signed)


def test_an_unsigned_act_is_not_exported(voted: Deliberation) -> None:
    with pytest.raises(ValidationError, match=f"La délibération n° {NUMBER} n'est pas signée"):
        prefecture_zip(voted)


# --- Sent, then acknowledged -------------------------------------------------------------------


def test_sent_then_acknowledged(signed: Deliberation) -> None:
    sent = prefecture_record_sent(deliberation=signed, sent_on=dt.date(2023, 6, 15))
    assert (sent.status, sent.prefecture_sent_on) == ("transmitted", dt.date(2023, 6, 15))

    acknowledged = prefecture_record_ack(
        deliberation=signed, received_on=dt.date(2023, 6, 19), identifier=f" {IDENTIFIER} "
    )

    acknowledged.refresh_from_db()
    assert acknowledged.status == Deliberation.Status.TRANSMITTED
    assert acknowledged.prefecture_received_on == dt.date(2023, 6, 19)
    assert acknowledged.prefecture_identifier == IDENTIFIER
    assert expected_identifier(acknowledged) == IDENTIFIER


def test_a_published_act_stays_published(signed: Deliberation) -> None:
    Deliberation.objects.filter(pk=signed.pk).update(
        status="published", published_on=dt.date(2023, 6, 16)
    )
    prefecture_record_sent(deliberation=signed, sent_on=dt.date(2023, 6, 15))
    prefecture_record_ack(
        deliberation=signed, received_on=dt.date(2023, 6, 19), identifier=IDENTIFIER
    )
    assert Deliberation.objects.get(pk=signed.pk).status == Deliberation.Status.PUBLISHED


def test_an_unsigned_act_cannot_be_recorded_as_sent(voted: Deliberation) -> None:
    with pytest.raises(ValidationError, match="n'est pas signée : sa transmission"):
        prefecture_record_sent(deliberation=voted, sent_on=dt.date(2023, 6, 15))
    assert Deliberation.objects.get(pk=voted.pk).prefecture_sent_on is None


@pytest.mark.parametrize(
    ("sent_on", "message"),
    [
        (
            dt.date(2023, 6, 12),
            "La date de transmission (12/06/2023) précède la séance du 13/06/2023.",
        ),
        (dt.date(2031, 1, 1), "La date de transmission (01/01/2031) est dans le futur."),
    ],
)
def test_the_sent_date_is_checked(signed: Deliberation, sent_on: dt.date, message: str) -> None:
    with (
        time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)),
        pytest.raises(ValidationError) as excinfo,
    ):
        prefecture_record_sent(deliberation=signed, sent_on=sent_on)
    assert excinfo.value.messages == [message]


def test_no_acknowledgement_before_the_transmission(signed: Deliberation) -> None:
    with pytest.raises(ValidationError, match="Enregistrez d'abord la date de transmission"):
        prefecture_record_ack(
            deliberation=signed, received_on=dt.date(2023, 6, 19), identifier=IDENTIFIER
        )
    prefecture_record_sent(deliberation=signed, sent_on=dt.date(2023, 6, 15))
    with pytest.raises(ValidationError) as excinfo:
        prefecture_record_ack(
            deliberation=signed, received_on=dt.date(2023, 6, 14), identifier=IDENTIFIER
        )
    assert excinfo.value.messages == [
        "L'accusé de réception (14/06/2023) précède la transmission (15/06/2023)."
    ]
    assert Deliberation.objects.get(pk=signed.pk).prefecture_received_on is None


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("2023PMA00192", "n'a pas la forme attendue, par exemple 062-200060358-20230613"),
        ("062-200060358-20230613-2023/PMA00192-DE", "n'a pas la forme attendue"),
        ("062-200060358-20230613-2023PMA00192-XX", "n'a pas la forme attendue"),
        ("059-200060358-20230613-2023PMA00192-DE", "« 059 » où le département donne « 062 »"),
        (
            "062-200060359-20230613-2023PMA00192-DE",
            "« 200060359 » où le SIREN de la collectivité donne « 200060358 »",
        ),
        (
            "062-200060358-20230614-2023PMA00192-DE",
            "« 20230614 » où la date de la séance donne « 20230613 »",
        ),
        (
            "062-200060358-20230613-2023PMA00193-DE",
            "« 2023PMA00193 » où le numéro de l'acte (sans barre oblique) donne « 2023PMA00192 »",
        ),
        (
            "062-200060358-20230613-2023PMA00192-AR",
            "« AR » où la nature de l'acte donne « DE »",
        ),
    ],
)
def test_the_identifier_must_be_this_acts(
    signed: Deliberation, identifier: str, expected: str
) -> None:
    prefecture_record_sent(deliberation=signed, sent_on=dt.date(2023, 6, 15))

    with pytest.raises(ValidationError) as excinfo:
        prefecture_record_ack(
            deliberation=signed, received_on=dt.date(2023, 6, 19), identifier=identifier
        )

    assert any(expected in message for message in excinfo.value.messages), excinfo.value.messages
    stored: Any = Deliberation.objects.get(pk=signed.pk)
    assert (stored.prefecture_received_on, stored.prefecture_identifier) == (None, "")
