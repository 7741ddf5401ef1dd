"""A secretary builds the Comité syndical of 13 June 2023 in the browser, from nothing.

Register, session, ordre du jour and projets; then the roll call of the seed (13 present,
4 proxies: 17 present or represented, 22 in office, quorum 12) and the votes, Corinne
Laversin not taking part in the first deliberation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

import pytest
from playwright.sync_api import Page, expect

from deliberations.models import Deliberation, Vote
from meetings.models import Session
from members.models import Body, Mandate
from tests.browser.conftest import after_swap, counter, login, make_user, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (external id, civility, first name, last name, role, office) as in the seed PV.
MEMBERS = [
    ("bavay", "M.", "Alain", "Bavay", "titulaire", "Président"),
    ("della-franca", "M.", "Marcello", "Della Franca", "titulaire", ""),
    ("duporge", "M.", "Laurent", "Duporge", "titulaire", ""),
    ("idziak", "M.", "Ludovic", "Idziak", "titulaire", ""),
    ("lefebvre", "Mme", "Nadine", "Lefebvre", "titulaire", ""),
    ("lemaire", "M.", "François", "Lemaire", "titulaire", ""),
    ("leveugle", "Mme", "Emmanuelle", "Leveugle", "titulaire", ""),
    ("pilch", "M.", "Christophe", "Pilch", "titulaire", ""),
    ("robert", "M.", "Sylvain", "Robert", "titulaire", ""),
    ("scalone", "M.", "Jean-Pascal", "Scalone", "titulaire", ""),
    ("bossart", "M.", "Steve", "Bossart", "titulaire", ""),
    ("czerwinski", "M.", "Bernard", "Czerwinski", "titulaire", ""),
    ("decourcelle", "Mme", "Catherine", "Decourcelle", "titulaire", ""),
    ("gacquerre", "M.", "Olivier", "Gacquerre", "titulaire", ""),
    *[(f"t{n}", "M.", "", f"Titulaire {n}", "titulaire", "") for n in range(15, 23)],
    ("ait-chikhebbih", "Mme", "Fatima", "Aït Chikhebbih", "suppleant", ""),
    ("canivez", "M.", "Patrick", "Canivez", "suppleant", ""),
    ("laversin", "Mme", "Corinne", "Laversin", "suppleant", ""),
]
PRESENT = [
    "Alain Bavay",
    "Marcello Della Franca",
    "Laurent Duporge",
    "Ludovic Idziak",
    "Nadine Lefebvre",
    "François Lemaire",
    "Emmanuelle Leveugle",
    "Christophe Pilch",
    "Sylvain Robert",
    "Jean-Pascal Scalone",
]
SEATED = ["Fatima Aït Chikhebbih", "Patrick Canivez", "Corinne Laversin"]
PROXIES = [
    ("Steve Bossart", "Alain Bavay"),
    ("Bernard Czerwinski", "Christophe Pilch"),
    ("Catherine Decourcelle", "Nadine Lefebvre"),
    ("Olivier Gacquerre", "Ludovic Idziak"),
]
# (kind, title, rapporteur, deliberation: (matière, dispositif) or None)
AGENDA = [
    ("pv_adoption", "Adoption du procès-verbal de la séance du 4 avril 2023", "", None),
    ("information", "Actualités", "Alain Bavay", None),
    ("information", "Label Euralens 2023", "Sylvain Robert", None),
    (
        "deliberation",
        "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)",
        "Alain Bavay",
        (
            "7.5",
            "AUTORISE Monsieur le Président ou son représentant :\n"
            "- à signer la convention d'objectifs 2023 avec l'Agence d'Urbanisme de l'Artois ;\n"
            "- à verser la subvention de 40.000 euros.",
        ),
    ),
    (
        "deliberation",
        "Partenariat 2023 avec la Mission Bassin Minier",
        "Alain Bavay",
        ("7.5", "AUTORISE Monsieur le Président ou son représentant à verser 30.000 euros."),
    ),
    (
        "deliberation",
        "Édition « Osons nos talents » 2023",
        "Alain Bavay",
        ("7.5", "AUTORISE Monsieur le Président ou son représentant à signer les conventions."),
    ),
    ("information", "Agenda", "Alain Bavay", None),
]


def _label(page: Page, select: str, text: str) -> str:
    """The full label of the option of `select` that starts with `text`."""
    options = page.locator(f"{select} option").all_inner_texts()
    matches = [o for o in options if o.strip().startswith(text)]
    assert matches, f"{text!r} not offered in {select}: {options}"
    return matches[0].strip()


def _row(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator(f'tr[data-member="{name}"]')


def _build_register(page: Page, base: str) -> None:
    for external_id, civility, first, last, role, office in MEMBERS:
        page.goto(f"{base}/membres/elus/nouveau/")
        page.locator("#id_civility").select_option(civility)
        page.locator("#id_first_name").fill(first)
        page.locator("#id_last_name").fill(last)
        page.locator("#id_role").select_option(role)
        page.locator("#id_office").fill(office)
        page.locator("#id_start_date").fill("2020-07-15")
        page.locator("#id_external_id").fill(external_id)
        page.get_by_role("button", name="Inscrire").click()
        expect(page.get_by_role("alert").first).to_contain_text(last)
    page.goto(f"{base}/membres/?date=2023-06-13")
    expect(page.locator("main")).to_contain_text("22 membres titulaires en exercice")
    screenshot(page, "01-registre-des-membres")


def _build_session(page: Page, base: str) -> Session:
    page.goto(f"{base}/seances/nouvelle/")
    page.locator("#id_date").fill("2023-06-13")
    page.locator("#id_start_time").fill("14:30")
    page.locator("#id_end_time").fill("16:00")
    page.locator("#id_place").fill(
        "au siège du PMA, Maison syndicale des Mineurs, 32 rue Casimir Beugnet à Lens"
    )
    page.locator("#id_president").select_option(label=_label(page, "#id_president", "Alain Bavay"))
    page.locator("#id_secretary").select_option(
        label=_label(page, "#id_secretary", "François Lemaire")
    )
    page.get_by_role("button", name="Enregistrer la séance").click()
    expect(page.locator("main")).to_contain_text("Ordre du jour")
    session = Session.objects.get(date="2023-06-13")
    expect(page).to_have_url(re.compile(rf"/seances/{session.pk}/"))
    for kind, title, rapporteur, deliberation in AGENDA:
        page.goto(f"{base}/seances/{session.pk}/ordre-du-jour/ajouter/")
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_title").fill(title)
        if rapporteur:
            page.locator("#id_rapporteur").select_option(
                label=_label(page, "#id_rapporteur", rapporteur)
            )
        if deliberation is None:
            page.get_by_role("button", name="Ajouter le point").click()
            expect(page.locator("main")).to_contain_text(title)
            continue
        matiere, dispositif = deliberation
        page.locator("#id_deliberation").select_option("new")
        page.get_by_role("button", name="Ajouter le point").click()
        expect(page).to_have_url(re.compile(r"/deliberations/nouveau/"))
        page.locator("#id_title").fill(title)
        page.locator("#id_matiere").select_option(matiere)
        page.locator("#id_extra_visas").fill(
            "le Code Général des Collectivités Territoriales et notamment ses articles "
            "L.5721-1 et suivants"
        )
        page.locator("#id_considerants").fill("Le PMA s'appuie sur les structures existantes.")
        page.locator("#id_dispositif").fill(dispositif)
        page.get_by_role("button", name="Enregistrer le projet").click()
        expect(page.locator("main")).to_contain_text(title)
    page.goto(f"{base}/seances/{session.pk}/")
    screenshot(page, "02-seance-ordre-du-jour")
    return session


def _roll_call(page: Page, base: str, session: Session) -> None:
    page.goto(f"{base}/seances/{session.pk}/seance/")
    for name in PRESENT + SEATED:
        after_swap(page, _row(page, name).get_by_role("button", name="Présent", exact=True).click)
        expect(
            _row(page, name).get_by_role("button", name="Présent", exact=True)
        ).to_have_attribute("aria-pressed", "true")
    for name in SEATED:
        after_swap(page, _row(page, name).get_by_role("button", name="Siéger").click)
        expect(_row(page, name)).to_contain_text("siège")
    for giver, holder in PROXIES:
        # Choosing the giver re-renders the holder picker with that giver's legal holders.
        after_swap(page, partial(page.locator("#id_giver").select_option, label=giver))
        expect(page.locator("#id_giver")).to_have_value(
            str(Mandate.objects.get(person__last_name=giver.split(" ", 1)[1]).pk)
        )
        page.locator("#id_holder").select_option(label=holder)
        after_swap(page, page.get_by_role("button", name="Enregistrer le pouvoir").click)
        expect(page.get_by_test_id("proxies")).to_contain_text(
            f"{giver} ayant donné procuration à {holder}"
        )
    expect(page.get_by_test_id("counted")).to_have_text("17")
    assert counter(page, "present") == 13
    assert counter(page, "represented") == 4
    assert counter(page, "in-office") == 22
    assert counter(page, "threshold") == 12
    expect(page.get_by_test_id("quorum-status")).to_contain_text("atteint")
    expect(page.locator("#quorum")).to_have_class(re.compile("quorum-ok"))
    screenshot(page, "03-appel-quorum-atteint")


def _votes(page: Page, session: Session) -> None:
    items = {item.title: item for item in session.items.all()}
    for kind, title, _, _ in AGENDA:
        if kind == "information":
            continue
        item = items[title]
        card = page.locator(f"#item{item.pk}")
        if title.startswith("Partenariat 2023 avec l'Agence"):
            card.locator("summary", has_text="ne prenant pas part").click()
            card.get_by_label("Corinne Laversin").check()
            card.get_by_label("Motif").fill("présidente de l'Agence d'urbanisme de l'Artois (AULA)")
        after_swap(page, card.get_by_role("button", name="Adopté à l'unanimité").click)
        expect(page.locator(f"#item{item.pk}").get_by_test_id("result")).to_contain_text(
            "Adopté à l'unanimité"
        )
    screenshot(page, "04-votes-enregistres")


def test_secretary_builds_and_holds_the_seed_session(
    live_server: object, new_page: Callable[[], Page]
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    body = Body.objects.create(
        name="Pôle Métropolitain de l'Artois",
        short_name="PMA",
        assembly_name="Comité syndical",
        siren="200060358",
        department_code="062",
        seat_city="Lens",
        administrative_court="Lille",
        quorum_counts_proxies=True,  # the PMA's statutes count proxies toward the quorum
        numbering_pattern="{year}/PMA{seq:05d}",
        last_deliberation_sequence=191,  # the PMA's numbering runs across the years
    )
    make_user(body, "lucie", first_name="Lucie", last_name="Martin")
    page = new_page()
    login(page, base, "lucie")

    _build_register(page, base)
    session = _build_session(page, base)
    _roll_call(page, base, session)
    _votes(page, session)

    numbered = Deliberation.objects.filter(body=body).order_by("sequence")
    assert [d.number for d in numbered] == ["2023/PMA00192", "2023/PMA00193", "2023/PMA00194"]
    aula = numbered[0].item.vote  # type: ignore[union-attr]
    assert (aula.voters, aula.votes_for, aula.withheld) == (16, 16, 1)
    assert [m.person.full_name for m in aula.not_voting.all()] == ["Corinne Laversin"]
    for other in numbered[1:]:
        assert (other.item.vote.voters, other.item.vote.votes_for) == (17, 17)  # type: ignore[union-attr]
    assert Vote.objects.filter(item__session=session).count() == 4
    card = page.locator(f"#item{numbered[0].item.pk}")  # type: ignore[union-attr]
    expect(card).to_contain_text("16 votants")
    expect(card.get_by_test_id("not-voting")).to_contain_text("Corinne Laversin")
    expect(card).to_contain_text("2023/PMA00192")
