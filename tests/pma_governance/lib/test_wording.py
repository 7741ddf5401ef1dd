"""French wording of the official documents: pure functions, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from pma_governance.lib import wording as w

NNBSP = "\u202f"
NBSP = "\u00a0"
SEED_DAY = dt.date(2023, 6, 13)


@dataclass(frozen=True)
class P:
    civility: str
    first_name: str
    last_name: str


LAVERSIN = P("Mme", "Corinne", "Laversin")
BAVAY = P("M.", "Alain", "Bavay")
BOSSART = P("M.", "Steve", "Bossart")
LEMAIRE = P("M.", "François", "Lemaire")


def test_date_in_words_says_the_year_in_words_as_the_seed_pv() -> None:
    assert w.date_in_words(SEED_DAY) == "L'an deux mille vingt-trois, le mardi 13 juin"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2001, 1, 1), "L'an deux mille un, le lundi 1er janvier"),
        (dt.date(2024, 2, 29), "L'an deux mille vingt-quatre, le jeudi 29 février"),
        (dt.date(2080, 8, 15), "L'an deux mille quatre-vingts, le jeudi 15 août"),
    ],
)
def test_date_in_words_other_days(day: dt.date, expected: str) -> None:
    assert w.date_in_words(day) == expected


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        (dt.time(14, 30), "14 heures 30"),
        (dt.time(9, 0), "9 heures"),
        (dt.time(16, 0), "16 heures"),
        (dt.time(18, 5), "18 heures 05"),
        (dt.time(1, 0), "1 heure"),
    ],
)
def test_time_in_words(time: dt.time, expected: str) -> None:
    assert w.time_in_words(time) == expected


def test_dates_and_headings() -> None:
    assert w.long_date(SEED_DAY) == "mardi 13 juin 2023"
    assert w.plain_date(SEED_DAY) == "13 juin 2023"
    assert w.numeric_date(dt.date(2023, 6, 19)) == "19/06/2023"
    assert w.upper_session_heading(SEED_DAY) == "SÉANCE DU MARDI 13 JUIN 2023"
    assert w.long_date(dt.date(2023, 6, 1)) == "jeudi 1er juin 2023"


def test_calendar_line_as_the_seed_agenda() -> None:
    line = w.calendar_line(dt.date(2023, 9, 29), dt.time(14, 30), dt.time(16, 0))
    assert line == "Vendredi 29 septembre (14h30-16h)"
    assert w.calendar_line(dt.date(2023, 12, 8), None, None) == "Vendredi 8 décembre"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (40000, f"40{NNBSP}000{NBSP}euros"),
        (30000, f"30{NNBSP}000{NBSP}euros"),
        (1500000, f"1{NNBSP}500{NNBSP}000{NBSP}euros"),
        (Decimal("342812.83"), f"342{NNBSP}812,83{NBSP}euros"),
        (950, f"950{NBSP}euros"),
        (1, f"1{NBSP}euro"),
        ("19001.00", f"19{NNBSP}001{NBSP}euros"),
    ],
)
def test_amount_groups_thousands_with_a_narrow_no_break_space(value: object, expected: str) -> None:
    assert w.amount(value) == expected  # type: ignore[arg-type]


def test_amount_reads_as_forty_thousand_euros_once_spaces_are_plain() -> None:
    assert w.amount(40000).replace(NNBSP, " ").replace(NBSP, " ") == "40 000 euros"


def test_civility() -> None:
    assert w.civility_title("M.") == "Monsieur"
    assert w.civility_title("Mme") == "Madame"
    with pytest.raises(ValueError, match="Civilité inconnue"):
        w.civility_title("Dr")


def test_people_phrases() -> None:
    assert w.member_phrase(LAVERSIN) == "Madame Corinne Laversin"
    assert w.member_phrase(BAVAY) == "Monsieur Alain Bavay"
    assert w.proxy_phrase(BOSSART, BAVAY) == "Steve Bossart ayant donné procuration à Alain Bavay"
    assert w.proxy_phrase("Steve Bossart", "Alain Bavay") == w.proxy_phrase(BOSSART, BAVAY)
    assert w.president_address("Mme") == "Madame la Présidente"
    assert w.president_signature("M.") == "Le Président,"
    assert w.secretary_signature("Mme") == "La secrétaire de séance,"


def test_not_voting_phrase_names_the_member_and_the_reason() -> None:
    phrase = w.not_voting_phrase(LAVERSIN, "présidente de l'Agence d'urbanisme de l'Artois (AULA)")
    assert phrase == (
        "Madame Corinne Laversin, présidente de l'Agence d'urbanisme de l'Artois (AULA) "
        "ne prenant pas part au vote."
    )
    assert w.not_voting_phrase([LAVERSIN, BAVAY]) == (
        "Madame Corinne Laversin et Monsieur Alain Bavay ne prenant pas part au vote."
    )
    assert w.not_voting_phrase([]) == ""


def test_recourse_mention_names_the_administrative_court() -> None:
    mention = w.RECOURSE_MENTION("Lille")
    assert mention == (
        "RAPPELANT que la présente délibération pourra faire l'objet d'un recours pour excès "
        "de pouvoir devant le tribunal administratif de Lille dans un délai de deux mois à "
        "compter de sa transmission au représentant de l'État et de sa publication ;"
    )
    assert (
        "recours pour excès de pouvoir devant le tribunal administratif de Lille dans un "
        "délai de deux mois" in mention
    )
    assert "tribunal administratif d'Amiens" in w.recourse_mention("Amiens")
    assert "tribunal administratif compétent" in w.recourse_mention("")


def test_opening_sentence_as_the_seed_pv() -> None:
    sentence = w.opening_sentence(
        day=SEED_DAY,
        start=dt.time(14, 30),
        president=BAVAY,
        president_title="président du Syndicat Mixte",
        assembly="Comité syndical",
        body_name="Pôle Métropolitain de l'Artois",
        place="au siège du PMA, Maison syndicale des Mineurs, 32 rue Casimir Beugnet à Lens",
    )
    assert sentence == (
        "L'an deux mille vingt-trois, le mardi 13 juin à 14 heures 30, sous la présidence de "
        "Monsieur Alain Bavay, président du Syndicat Mixte, le Comité syndical du Pôle "
        "Métropolitain de l'Artois, après convocation légale, s'est réuni en séance plénière, "
        "au siège du PMA, Maison syndicale des Mineurs, 32 rue Casimir Beugnet à Lens."
    )


def test_roll_call_sentence_states_the_quorum() -> None:
    sentence = w.roll_call_sentence(
        assembly="Comité syndical",
        secretary=LEMAIRE,
        present_or_represented=17,
        threshold=12,
        met=True,
    )
    assert sentence == (
        "Le Comité syndical a choisi pour secrétaire de séance Monsieur François Lemaire. "
        "Ce dernier procède à l'appel des délégués et constate que 17 délégués sont présents "
        "ou représentés, que le quorum de 12 est atteint et que le Comité syndical peut donc "
        "valablement délibérer."
    )
    failed = w.roll_call_sentence(
        assembly="Comité syndical",
        secretary=LAVERSIN,
        present_or_represented=9,
        threshold=12,
        met=False,
    )
    assert "Cette dernière procède" in failed
    assert "le quorum de 12 n'est pas atteint" in failed
    reconvened = w.roll_call_sentence(
        assembly="Comité syndical",
        secretary=None,
        present_or_represented=5,
        threshold=0,
        met=True,
        reconvened=True,
    )
    assert "sans condition de quorum" in reconvened


def test_act_phrases() -> None:
    assert w.deliberation_heading("2023/PMA00192") == "Délibération n°2023/PMA00192"
    assert w.visa_line("le Code général des collectivités territoriales") == (
        "VU le Code général des collectivités territoriales ;"
    )
    assert w.visa_line("VU l'arrêté préfectoral du 15 avril 2022 ;") == (
        "VU l'arrêté préfectoral du 15 avril 2022 ;"
    )
    assert w.done_at("Lens", SEED_DAY) == "Fait à Lens le 13 juin 2023"
    assert w.pv_approval("Comité syndical", dt.date(2023, 4, 4)) == (
        "Approuve le procès-verbal de la séance du Comité syndical du 4 avril 2023."
    )
    assert w.result_label(True, "à l'unanimité") == "Adoptée à l'unanimité"


def test_prefecture_receipt_never_without_identifier() -> None:
    identifier = "062-200060358-20230613-2023_PMA00192-DE"
    assert w.prefecture_receipt(dt.date(2023, 6, 19), identifier) == (
        "Reçu en préfecture le 19/06/2023"
    )
    assert w.prefecture_receipt(dt.date(2023, 6, 19), "") is None
    assert w.prefecture_receipt(None, identifier) is None


def test_articles_and_elision() -> None:
    assert w.of_the("Pôle Métropolitain de l'Artois") == "du Pôle Métropolitain de l'Artois"
    assert w.of_the("Agglomération de Lens") == "de l'Agglomération de Lens"
    assert w.of_the("Communauté urbaine d'Arras") == "de la Communauté urbaine d'Arras"
    assert w.the("Comité syndical") == "le Comité syndical"
    assert w.join_words(["A", "B", "C"]) == "A, B et C"


def test_calendar_and_closing() -> None:
    assert w.calendar_intro("M.", "Comité syndical", [2023, 2023]) == (
        "Monsieur le Président rappelle le calendrier des séances du Comité syndical "
        "programmées en 2023 et invite chacun à bien vouloir les noter à son agenda :"
    )
    assert w.closing_sentence("M.", dt.time(16, 0)).endswith("clôt la séance à 16 heures.")


# --- How a vote is stated (CGCT L2121-15, L2121-21) ---------------------------------------


def test_vote_figures_state_the_mode_and_every_figure_zeros_included() -> None:
    assert (
        w.vote_figures(ballot="show_of_hands", voters=16, for_=16, against=0, abstain=0)
        == "Vote à main levée — 16 votants : 16 pour, 0 contre, 0 abstention."
    )
    assert (
        w.vote_figures(ballot="roll_call", voters=1, for_=0, against=0, abstain=1)
        == "Vote au scrutin public (appel nominal) — 1 votant : 0 pour, 0 contre, 1 abstention."
    )


def test_vote_figures_of_a_secret_ballot_state_blank_and_spoiled_ballots() -> None:
    assert w.vote_figures(ballot="secret", voters=10, for_=5, against=2, abstain=1, blank=2) == (
        "Vote au scrutin secret — 10 votants : 5 pour, 2 contre, 1 abstention, "
        "2 bulletins blancs ou nuls."
    )
    assert w.vote_figures(ballot="secret", voters=3, for_=3, against=0, abstain=0).endswith(
        "0 bulletin blanc ou nul."
    )


def test_vote_mode_refuses_an_unknown_ballot() -> None:
    with pytest.raises(ValueError, match="Mode de scrutin inconnu « aux dés »"):
        w.vote_mode("aux dés")


def test_convocation_delay_sentence_says_whether_the_delay_is_met() -> None:
    assert w.convocation_delay_sentence(
        sent_on=dt.date(2023, 6, 6), clear_days=6, delay_days=5
    ) == (
        "Convocation adressée le 6 juin 2023, 6 jours francs avant la séance : le délai légal "
        "de 5 jours francs (article L2121-12 du CGCT) est respecté."
    )
    assert w.convocation_delay_sentence(
        sent_on=dt.date(2023, 6, 10), clear_days=1, delay_days=3
    ).endswith(
        "1 jour franc avant la séance : le délai légal de 3 jours francs (article "
        "L2121-11 du CGCT) n'est pas respecté."
    )
