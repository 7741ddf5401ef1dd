"""The extrait du registre des délibérations as a PDF, read back.

The demo (`manage.py load_demo`) is loaded once for the module inside a transaction rolled
back at its end; each extrait is rendered once.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from pypdf import PdfReader

from deliberations.models import Deliberation, Vote
from deliberations.statements import vote_context, votes_with_names
from deliberations.storage import document_filename
from pma_governance.documents.catalog import document_pdf
from pma_governance.documents.contexts.acts import deliberation_context

# Every test runs in the test database (which this mark makes pytest-django create), inside
# the module's rolled-back demo transaction.
pytestmark = pytest.mark.django_db

IDENTIFIER = "062-200060358-20230613-2023_PMA00192-DE"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    raw = "\n".join(page.extract_text() for page in reader.pages)
    raw = re.sub(r"(?<=\w)-\n", "-", raw)  # a word cut at its own hyphen is one word again
    return re.sub(r"\s+", " ", raw)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo data for this module only: loaded once, rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def act(number: str) -> Deliberation:
    return Deliberation.objects.select_related("body").get(body__short_name="PMA", number=number)


@pytest.fixture(scope="module")
def extraits(demo: None) -> dict[str, str]:
    return {
        number: pdf_text(document_pdf("deliberation", deliberation=act(number)))
        for number in ("2023/PMA00192", "2023/PMA00193")
    }


@pytest.fixture(scope="module")
def aula(extraits: dict[str, str]) -> str:
    return extraits["2023/PMA00192"]


def test_extrait_heading_number_and_title(aula: str) -> None:
    assert aula.startswith(
        "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS COMITÉ SYNDICAL DU PÔLE MÉTROPOLITAIN DE "
        "L'ARTOIS SÉANCE DU MARDI 13 JUIN 2023 Délibération n°2023/PMA00192 PARTENARIAT 2023 "
        "AVEC L'AGENCE D'URBANISME DE L'ARTOIS (AULA)"
    )


def test_extrait_attendance_block(aula: str) -> None:
    assert (
        "L'an deux mille vingt-trois, le mardi 13 juin à 14 heures 30, sous la présidence de "
        "Monsieur Alain Bavay"
    ) in aula
    assert "Nombre de membres du Comité syndical en exercice : 22 titulaires" in aula
    assert "Nombre de membres présents ou représentés (quorum = 12) : 17" in aula
    assert (
        "Membres titulaires présents : 10 Alain Bavay ; Marcello Della Franca ; Laurent Duporge"
    ) in aula
    assert (
        "Membres suppléants présents : 3 Fatima Aït Chikhebbih ; Patrick Canivez ; Corinne" in aula
    )
    assert (
        "Steve Bossart ayant donné procuration à Alain Bavay ; Bernard Czerwinski ayant donné "
        "procuration à Christophe Pilch"
    ) in aula


def test_extrait_visas_and_considerants(aula: str) -> None:
    assert (
        "VU le Code Général des Collectivités Territoriales et notamment ses articles L.5721-1 "
        "et suivants ;"
    ) in aula
    assert "VU l'arrêté préfectoral du 15 avril 2022 portant modification des statuts" in aula
    assert "VU sa délibération N°2017/PMA0043 du 15 mai 2017" in aula
    assert "CONSIDERANT ce qui suit" in aula


def test_extrait_recourse_vote_and_dispositif(aula: str) -> None:
    assert (
        "RAPPELANT que la présente délibération pourra faire l'objet d'un recours pour excès "
        "de pouvoir devant le tribunal administratif de Lille dans un délai de deux mois"
    ) in aula
    assert (
        "APRÈS en avoir délibéré ; Madame Corinne Laversin, présidente de l'Agence d'urbanisme "
        "de l'Artois (AULA) ne prenant pas part au vote. Vote à main levée — 16 votants : "
        "16 pour, 0 contre, 0 abstention. à l'unanimité AUTORISE Monsieur le Président ou son "
        "représentant"
    ) in aula
    assert "à verser la subvention de 40.000 euros" in aula


def test_extrait_done_at_and_signatures(aula: str) -> None:
    # The two signature blocks sit side by side: text extraction reads them column by column.
    assert "Fait à Lens le 13 juin 2023 Le Président," in aula
    for words in ("Alain Bavay", "Le secrétaire de séance,", "François Lemaire"):
        assert words in aula
    assert "Page 1/" in aula


def test_extrait_received_in_prefecture_with_its_identifier(aula: str) -> None:
    assert f"Reçu en préfecture le 19/06/2023 Identifiant : {IDENTIFIER}" in aula


def test_extrait_without_acknowledgement_never_says_received(extraits: dict[str, str]) -> None:
    text = extraits["2023/PMA00193"]
    assert "Délibération n°2023/PMA00193" in text
    assert "PARTENARIAT 2023 AVEC LA MISSION BASSIN MINIER" in text
    assert "reçu" not in text.lower()
    assert "ne prenant pas part au vote" not in text
    assert "à l'unanimité" in text


def test_vote_by_counts_is_stated_with_result_phrase(demo: None) -> None:
    deliberation = act("2023/PMA00194")
    vote = votes_with_names(Vote.objects.filter(item=deliberation.item_id)).get()
    # As recorded by counts (not saved: the facts of the demo stay as they are).
    vote.unanimous, vote.votes_for, vote.abstentions = False, 14, 3
    facts = vote_context(vote)
    assert facts["phrase"] == "par 14 voix pour et 3 abstentions"
    assert facts["label"] == "Adoptée par 14 voix pour et 3 abstentions"
    assert facts["not_voting"] == ""
    assert deliberation_context(deliberation)["act"]["receipt"] is None


def test_vote_states_the_mode_and_the_figures(demo: None) -> None:
    deliberation = act("2023/PMA00194")
    vote = votes_with_names(Vote.objects.filter(item=deliberation.item_id)).get()
    facts = vote_context(vote)
    assert facts["figures"] == "Vote à main levée — 17 votants : 17 pour, 0 contre, 0 abstention."
    assert facts["phrase"] == "à l'unanimité"
    assert facts["ballot"] == "À main levée"
    # A secret ballot (not saved): its blank and spoiled ballots are stated too.
    vote.ballot, vote.unanimous = Vote.Ballot.SECRET, False
    vote.votes_for, vote.votes_against, vote.abstentions, vote.blank = 12, 2, 1, 2
    facts = vote_context(vote)
    assert facts["figures"] == (
        "Vote au scrutin secret — 17 votants : 12 pour, 2 contre, 1 abstention, "
        "2 bulletins blancs ou nuls."
    )
    assert facts["phrase"] == (
        "par 12 voix pour, 2 voix contre, 1 abstention et 2 bulletins blancs ou nuls"
    )
    vote.ballot, vote.blank, vote.abstentions = Vote.Ballot.ROLL_CALL, 0, 3
    assert vote_context(vote)["figures"].startswith(
        "Vote au scrutin public (appel nominal) — 17 votants : 12 pour, 2 contre, 3 abstentions"
    )


def test_render_pdf_command_writes_a_deliberation(demo: None, tmp_path: Path) -> None:
    out = tmp_path / "delib.pdf"
    call_command(
        "render_pdf",
        "--body",
        "PMA",
        "--doc",
        "deliberation",
        "--number",
        "2023/PMA00193",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert "Délibération n°2023/PMA00193" in pdf_text(data)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--number", "2023/PMA09999"], "Aucune délibération n°2023/PMA09999"),
        ([], "Indiquez le numéro"),
        (["--number", "2023/PMA00192", "--date", "2023-04-04"], "n'a pas été prise en séance"),
    ],
)
def test_render_pdf_command_deliberation_errors(
    demo: None, tmp_path: Path, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(
            "render_pdf",
            "--body",
            "PMA",
            "--doc",
            "deliberation",
            *args,
            "--out",
            str(tmp_path / "x.pdf"),
            stdout=io.StringIO(),
        )


def test_deliberation_file_name(demo: None) -> None:
    assert (
        document_filename("deliberation", deliberation=act("2023/PMA00192"))
        == "PMA-deliberation-2023-PMA00192.pdf"
    )
