"""The session documents as PDFs, read back: PV, liste, convocation, feuille d'émargement.

The demo (`manage.py load_demo`, the seed session of 13 June 2023) is loaded once for the
module inside a transaction rolled back at its end, and each PDF is rendered once.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import font_source_sans_pro
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from pytest_django import DjangoAssertNumQueries

from deliberations.storage import document_filename, stored_pdf
from meetings.models import Session
from members.models import Mandate
from members.selectors import mandates_open_on
from pma_governance.documents.catalog import document_pdf
from pma_governance.documents.contexts import session as documents
from pma_governance.documents.services import pv_preview_html
from pma_governance.lib.pdf import (
    LocalStaticFetcher,
    ResourceRefused,
    html_to_pdf,
    static_path,
)
from tests.conftest import CountQueries

# Every test runs in the test database (which this mark makes pytest-django create), inside
# the module's rolled-back demo transaction.
pytestmark = pytest.mark.django_db

SEED_DAY = dt.date(2023, 6, 13)
EARLIER_DAY = dt.date(2023, 4, 4)


@dataclass(frozen=True)
class ReadPdf:
    """A rendered PDF and its text, whitespace normalised (line breaks, no-break spaces)."""

    data: bytes
    reader: PdfReader
    text: str

    @property
    def font_names(self) -> set[str]:
        names: set[str] = set()
        for page in self.reader.pages:
            resources = cast(DictionaryObject, page["/Resources"].get_object())
            fonts = cast(DictionaryObject, resources.get("/Font", DictionaryObject()).get_object())
            for font in fonts.values():
                # Subset fonts are named « ABCDEF+Source-Sans-Pro »
                base_font = cast(DictionaryObject, font.get_object())["/BaseFont"]
                names.add(str(base_font).split("+")[-1])
        return names


def read_pdf(data: bytes) -> ReadPdf:
    reader = PdfReader(io.BytesIO(data))
    raw = "\n".join(page.extract_text() for page in reader.pages)
    # A word cut at its own hyphen across two lines is one word again.
    raw = re.sub(r"(?<=\w)-\n", "-", raw)
    return ReadPdf(data=data, reader=reader, text=re.sub(r"\s+", " ", raw))


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


def seed_session() -> Session:
    return Session.objects.select_related("body").get(body__short_name="PMA", date=SEED_DAY)


@pytest.fixture(scope="module")
def pdfs(demo: None) -> dict[str, ReadPdf]:
    session = seed_session()
    return {
        kind: read_pdf(document_pdf(kind, session=session))
        for kind in ("pv", "liste", "convocation", "emargement")
    }


@pytest.fixture(scope="module")
def pv(pdfs: dict[str, ReadPdf]) -> ReadPdf:
    return pdfs["pv"]


# --- The PV states every fact of the seed PV ---------------------------------------------


def test_pv_heading(pv: ReadPdf) -> None:
    assert pv.text.startswith(
        "COMITÉ SYNDICAL DU PÔLE MÉTROPOLITAIN DE L'ARTOIS SÉANCE DU MARDI 13 JUIN 2023 "
        "PROCÈS-VERBAL"
    )


def test_pv_opening_sentence(pv: ReadPdf) -> None:
    assert (
        "L'an deux mille vingt-trois, le mardi 13 juin à 14 heures 30, sous la présidence de "
        "Monsieur Alain Bavay, président du Syndicat Mixte, le Comité syndical du Pôle "
        "Métropolitain de l'Artois, après convocation légale, s'est réuni en séance plénière"
    ) in pv.text


def test_pv_members_in_office_quorum_and_present_or_represented(pv: ReadPdf) -> None:
    assert "Nombre de membres du Comité syndical en exercice : 22 titulaires" in pv.text
    assert "Nombre de membres présents ou représentés (quorum = 12) : 17" in pv.text


def test_pv_lists_the_ten_titulaires_present(pv: ReadPdf) -> None:
    names = (
        "Alain Bavay Marcello Della Franca Laurent Duporge Ludovic Idziak Nadine Lefebvre "
        "François Lemaire Emmanuelle Leveugle Christophe Pilch Sylvain Robert Jean-Pascal Scalone"
    )
    assert f"Membres titulaires présents : 10 {names}" in pv.text


def test_pv_lists_the_three_suppleants_present(pv: ReadPdf) -> None:
    assert (
        "Membres suppléants présents : 3 Fatima Aït Chikhebbih Patrick Canivez Corinne Laversin"
    ) in pv.text


def test_pv_lists_the_four_proxies(pv: ReadPdf) -> None:
    assert "Membres titulaires ayant donné procuration : 4" in pv.text
    for phrase in (
        "Steve Bossart ayant donné procuration à Alain Bavay",
        "Bernard Czerwinski ayant donné procuration à Christophe Pilch",
        "Catherine Decourcelle ayant donné procuration à Nadine Lefebvre",
        "Olivier Gacquerre ayant donné procuration à Ludovic Idziak",
    ):
        # Once at the opening, once in each of the three acts.
        assert pv.text.count(phrase) == 4, phrase


def test_pv_secretary_and_quorum_sentence(pv: ReadPdf) -> None:
    assert (
        "Le Comité syndical a choisi pour secrétaire de séance Monsieur François Lemaire. "
        "Ce dernier procède à l'appel des délégués et constate que 17 délégués sont présents "
        "ou représentés, que le quorum de 12 est atteint et que le Comité syndical peut donc "
        "valablement délibérer."
    ) in pv.text


def test_pv_preamble_and_items_with_their_debates(pv: ReadPdf) -> None:
    assert "PRÉAMBULE Monsieur le Président salue l'ensemble des élus présents" in pv.text
    assert "ADOPTION DU PROCÈS-VERBAL DE LA SÉANCE DU 4 AVRIL 2023" in pv.text
    assert "LABEL EURALENS 2023" in pv.text
    assert "Lucy Bizet est la référente du Label Euralens" in pv.text


def test_pv_adoption_of_the_previous_pv(pv: ReadPdf) -> None:
    assert (
        "À l'unanimité Approuve le procès-verbal de la séance du Comité syndical du 4 avril 2023."
    ) in pv.text


def test_pv_states_each_deliberation_in_full(pv: ReadPdf) -> None:
    for number in ("2023/PMA00192", "2023/PMA00193", "2023/PMA00194"):
        assert f"Délibération n°{number}" in pv.text
    assert "PARTENARIAT 2023 AVEC L'AGENCE D'URBANISME DE L'ARTOIS (AULA)" in pv.text
    assert "VU l'arrêté préfectoral du 24 décembre 2015 portant création" in pv.text
    assert pv.text.count("à l'unanimité") == 3
    assert pv.text.count("APRÈS en avoir délibéré ;") == 3
    assert pv.text.count("AUTORISE Monsieur le Président ou son représentant") == 3


def test_pv_names_the_member_not_taking_part(pv: ReadPdf) -> None:
    assert (
        "Madame Corinne Laversin, présidente de l'Agence d'urbanisme de l'Artois (AULA) "
        "ne prenant pas part au vote."
    ) in pv.text
    assert pv.text.count("ne prenant pas part au vote") == 1


# --- The PV's legal content (CGCT L2121-15) ------------------------------------------------


def test_pv_states_mode_and_figures_beside_each_unanimity(pv: ReadPdf) -> None:
    # AULA: 13 present + 4 represented, Mme Laversin (no proxy) takes no part: 16 votants.
    assert (
        "Madame Corinne Laversin, présidente de l'Agence d'urbanisme de l'Artois (AULA) ne "
        "prenant pas part au vote. Vote à main levée — 16 votants : 16 pour, 0 contre, "
        "0 abstention. à l'unanimité AUTORISE"
    ) in pv.text
    assert (
        pv.text.count(
            "Vote à main levée — 17 votants : 17 pour, 0 contre, 0 abstention. à l'unanimité"
        )
        == 2
    )  # MBM and Osons nos talents
    assert (
        "Vote à main levée — 17 votants : 17 pour, 0 contre, 0 abstention. À l'unanimité "
        "Approuve le procès-verbal"
    ) in pv.text
    # « à l'unanimité » never stands alone: each one follows its figures.
    unanimities = re.findall(r"(.{14})[àÀ] l'unanimité", pv.text)
    assert len(unanimities) == 4
    assert all(before.endswith("0 abstention. ") for before in unanimities), unanimities


def test_pv_lists_the_ordre_du_jour_first(pv: ReadPdf, demo: None) -> None:
    titles = list(seed_session().items.order_by("position").values_list("title", flat=True))
    start = pv.text.index("ORDRE DU JOUR 1. ")
    # After the roll call, before the préambule and the first item stated.
    assert pv.text.index("peut donc valablement délibérer") < start
    assert start < pv.text.index("PRÉAMBULE")
    assert start < pv.text.index("ADOPTION DU PROCÈS-VERBAL DE LA SÉANCE DU 4 AVRIL 2023")
    position = start
    for number, title in enumerate(titles, start=1):
        found = pv.text.index(f"{number}. {title}", position)
        position = found
    assert position < pv.text.index("PRÉAMBULE")


def test_unsigned_pv_says_projet_on_every_page(pv: ReadPdf) -> None:
    for number, page in enumerate(pv.reader.pages, start=1):
        assert "PROJET — DOCUMENT NON SIGNÉ" in page.extract_text(), number


def test_pv_preview_carries_the_draft_mark(demo: None) -> None:
    html = pv_preview_html(session=seed_session())
    assert 'class="draft-mark"' in html
    assert "Projet — document non signé" in html


def test_pv_recourse_mention_names_the_court(pv: ReadPdf) -> None:
    mention = (
        "recours pour excès de pouvoir devant le tribunal administratif de Lille dans un "
        "délai de deux mois"
    )
    assert pv.text.count(mention) == 3


def test_pv_calendar_of_the_next_sessions_once(pv: ReadPdf) -> None:
    assert "AGENDA Monsieur le Président rappelle le calendrier des séances" in pv.text
    assert pv.text.count("Vendredi 29 septembre (14h30-16h)") == 1
    assert pv.text.count("Vendredi 8 décembre (14h30-16h)") == 1


def test_pv_closing_done_at_and_signatures(pv: ReadPdf) -> None:
    assert "clôt la séance à 16h." in pv.text
    last_page = re.sub(r"\s+", " ", pv.reader.pages[-1].extract_text())
    # The two signature blocks sit side by side: text extraction reads them column by column.
    assert "Fait à Lens le 13 juin 2023 Le Président," in last_page
    for words in ("Alain Bavay", "Le secrétaire de séance,", "François Lemaire"):
        assert words in last_page


def test_pv_pages_are_numbered_and_headed(pv: ReadPdf) -> None:
    pages = len(pv.reader.pages)
    assert pages > 1
    assert "Page 1/" in pv.text
    for number in (1, pages):
        page_text = re.sub(r"\s+", " ", pv.reader.pages[number - 1].extract_text())
        assert f"Page {number}/{pages}" in page_text
        assert "Pôle Métropolitain de l'Artois" in page_text
        assert "Séance du 13 juin 2023" in page_text


def test_pv_metadata(pv: ReadPdf) -> None:
    metadata = pv.reader.metadata
    assert metadata is not None
    assert metadata.title is not None and metadata.title.startswith("Procès-verbal")
    assert metadata.author == "Pôle Métropolitain de l'Artois"
    catalog = cast(DictionaryObject, pv.reader.trailer["/Root"].get_object())
    assert catalog["/Lang"] == "fr"


def test_every_document_embeds_only_the_bundled_font(pdfs: dict[str, ReadPdf]) -> None:
    for kind, pdf in pdfs.items():
        assert pdf.font_names, kind
        assert all(name.startswith("Source-Sans-Pro") for name in pdf.font_names), (
            kind,
            pdf.font_names,
        )
        assert not any("DejaVu" in name for name in pdf.font_names)


# --- Liste, convocation, émargement ------------------------------------------------------


def test_liste_lists_the_three_deliberations_with_their_result(pdfs: dict[str, ReadPdf]) -> None:
    text = pdfs["liste"].text
    assert "LISTE DES DÉLIBÉRATIONS" in text
    assert "examinées par le Comité syndical en sa séance du mardi 13 juin 2023" in text
    for number in ("2023/PMA00192", "2023/PMA00193", "2023/PMA00194"):
        assert number in text
    assert text.count("Adoptée à l'unanimité") == 3
    # Each unanimity beside its mode and figures, as the PV states them.
    assert "Adoptée à l'unanimité Vote à main levée — 16 votants : 16 pour, 0 contre" in text
    assert text.count("Vote à main levée — 17 votants : 17 pour, 0 contre, 0 abstention.") == 2
    assert "L2121-25" in text


def test_convocation_lists_the_ordre_du_jour(pdfs: dict[str, ReadPdf], demo: None) -> None:
    text = pdfs["convocation"].text
    assert "Convocation à la séance du Comité syndical du mardi 13 juin 2023" in text
    assert "qui se tiendra le mardi 13 juin 2023 à 14 heures 30, au siège du PMA" in text
    assert "L'ordre du jour est le suivant" in text
    titles = list(seed_session().items.order_by("position").values_list("title", flat=True))
    assert len(titles) == 11
    position = 0
    for title in titles:
        found = text.find(title, position)
        assert found > position, title  # every item, in the order of the ordre du jour
        position = found
    assert "L2121-20" in text  # how to give a proxy
    assert "Le Président, Alain Bavay" in text


def test_convocation_not_sent_leaves_the_date_blank_and_says_so(
    pdfs: dict[str, ReadPdf],
) -> None:
    text = pdfs["convocation"].text
    assert "Lens, le …………… CONVOCATION NON ENVOYÉE" in text
    assert "jours francs" not in text


def convocation_sent_at(sent_at: dt.datetime) -> str:
    """The convocation's text had it been sent at `sent_at` (nothing saved)."""
    with transaction.atomic():
        session = seed_session()
        Session.objects.filter(pk=session.pk).update(convocation_sent_at=sent_at)
        text = read_pdf(document_pdf("convocation", session=session)).text
        transaction.set_rollback(True)
    return text


def test_convocation_is_dated_the_day_sent_and_states_the_delay(demo: None) -> None:
    # Sent on Tuesday 6 June at 18:30 in Lens: 6 clear days before the 13th.
    text = convocation_sent_at(dt.datetime(2023, 6, 6, 16, 30, tzinfo=dt.UTC))
    assert "Lens, le 6 juin 2023" in text
    assert "NON ENVOYÉE" not in text
    assert "…" not in text
    assert (
        "Convocation adressée le 6 juin 2023, 6 jours francs avant la séance : le délai légal "
        "de 5 jours francs (article L2121-12 du CGCT) est respecté."
    ) in text


def test_convocation_sent_late_says_the_delay_is_not_met(demo: None) -> None:
    text = convocation_sent_at(dt.datetime(2023, 6, 10, 8, 0, tzinfo=dt.UTC))
    assert "Lens, le 10 juin 2023" in text
    assert "2 jours francs avant la séance : le délai légal de 5 jours francs" in text
    assert "n'est pas respecté." in text


def test_emargement_lists_every_member_in_office_and_every_suppleant(
    pdfs: dict[str, ReadPdf],
) -> None:
    text = pdfs["emargement"].text
    assert "FEUILLE D'ÉMARGEMENT" in text
    assert "Membres en exercice : 22 — quorum : 12" in text
    session = seed_session()
    mandates = list(mandates_open_on(session.body, session.date))
    titulaires = [m for m in mandates if m.role == Mandate.Role.TITULAIRE]
    assert len(titulaires) == 22
    assert "Membres titulaires (22)" in text
    assert "Membres suppléants (3)" in text
    for mandate in mandates:
        assert f"{mandate.person.civility} {mandate.person.full_name}" in text
    assert "Signature" in text
    assert "Pouvoir donné à" in text
    assert "Pouvoir à Alain Bavay" in text


# --- Facts gathered in a fixed number of queries -----------------------------------------


@pytest.mark.parametrize(
    "builder",
    [
        documents.pv_context,
        documents.liste_context,
        documents.convocation_context,
        documents.emargement_context,
    ],
)
def test_query_count_does_not_grow_with_the_session(
    demo: None,
    builder: Any,
    count_queries: CountQueries,
    django_assert_num_queries: DjangoAssertNumQueries,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    earlier = Session.objects.get(body__short_name="PMA", date=EARLIER_DAY)  # 2 deliberations
    seed = Session.objects.get(body__short_name="PMA", date=SEED_DAY)  # 3 and more items
    with count_queries() as few:
        builder(earlier)
    with django_assert_num_queries(len(few)), django_assert_max_num_queries(15):
        builder(seed)


# --- The URL fetcher serves our static files and nothing else ----------------------------


def test_fetcher_serves_static_files_and_the_bundled_fonts() -> None:
    css = static_path("file:///static/css/print.css")
    assert css is not None and css == Path(str(finders.find("css/print.css")))
    font = static_path("file:///static/fonts/source-sans-pro/SourceSansPro-Regular.ttf")
    assert font is not None and font.parent == Path(font_source_sans_pro.font_directory)
    response = LocalStaticFetcher().fetch("file:///static/css/print.css")
    assert b"@font-face" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://fonts.googleapis.com/css?family=Roboto",
        "http://127.0.0.1:9/logo.png",
        "file:///etc/passwd",
        "file:///static/../etc/passwd",
        "file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ],
)
def test_fetcher_refuses_anything_else(url: str) -> None:
    with pytest.raises(ResourceRefused):
        LocalStaticFetcher().fetch(url)


def test_remote_resources_are_never_fetched(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        pdf = html_to_pdf('<p>Texte</p><img src="http://127.0.0.1:9/logo.png">')
    assert pdf.startswith(b"%PDF")
    assert "Ressource refusée" in caplog.text


# --- manage.py render_pdf -----------------------------------------------------------------


def run_render(*args: str) -> str:
    stdout = io.StringIO()
    call_command("render_pdf", *args, stdout=stdout, stderr=io.StringIO())
    return stdout.getvalue()


def test_render_pdf_command_writes_the_liste(demo: None, tmp_path: Path) -> None:
    out = tmp_path / "liste.pdf"
    run_render("--body", "PMA", "--date", "2023-06-13", "--doc", "liste", "--out", str(out))
    text = read_pdf(out.read_bytes()).text
    assert out.read_bytes().startswith(b"%PDF")
    assert "2023/PMA00194" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--body", "XYZ", "--date", "2023-06-13", "--doc", "pv"], "Aucune assemblée"),
        (["--body", "PMA", "--date", "2023-06-14", "--doc", "pv"], "Aucune séance du 14/06/2023"),
        (["--body", "PMA", "--date", "13/06/2023", "--doc", "pv"], "Date invalide"),
        (["--body", "PMA", "--date", "2023-06-13", "--doc", "compte-rendu"], "Document inconnu"),
        (["--body", "PMA", "--doc", "pv"], "Indiquez la date"),
    ],
)
def test_render_pdf_command_errors_in_french(
    demo: None, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out.pdf"
    with pytest.raises(CommandError, match=message):
        run_render(*args, "--out", str(out))
    assert not out.exists()


def test_render_pdf_command_gives_a_stored_document_as_stored(
    demo: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = b"%PDF-1.7 signed bytes, never rendered again"
    seen: list[tuple[str, Any, Any]] = []

    def fake_stored(kind: str, session: Any, deliberation: Any) -> bytes:
        seen.append((kind, session, deliberation))
        return signed

    monkeypatch.setattr(
        "pma_governance.documents.management.commands.render_pdf.stored_pdf", fake_stored
    )
    out = tmp_path / "pv.pdf"
    run_render("--body", "PMA", "--date", "2023-06-13", "--doc", "pv", "--out", str(out))
    assert out.read_bytes() == signed
    assert seen[0][0] == "pv" and seen[0][1].date == SEED_DAY


def test_an_unsigned_pv_has_nothing_stored_and_file_names(demo: None) -> None:
    session = seed_session()
    assert stored_pdf("pv", session, None) is None
    assert document_filename("pv", session=session) == "PMA-2023-06-13-proces-verbal.pdf"
