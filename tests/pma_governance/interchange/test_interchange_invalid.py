"""Invalid session documents are refused whole: every problem by JSON path, nothing written.

Each test imports the seed first, then a broken variant of it: the `refused_import`
fixture checks that the command fails and that every table and the seed's export are
exactly as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from meetings.models import Session
from tests.conftest import Refusal, export_json, import_file, seed_document

pytestmark = pytest.mark.django_db

Refuse = Callable[[Any], Refusal]

AULA, MBM, OSONS = 7, 8, 9  # positions of the three deliberations in the seed's items


@pytest.fixture(autouse=True)
def _seed_imported(seed_session: Session) -> None:
    """A previously imported session the refused documents must leave untouched."""


@pytest.fixture
def doc() -> dict[str, Any]:
    return seed_document()


def _problem(refusal: Refusal, path: str) -> str:
    """The message the command gave for `path` (fails when the path is not listed)."""
    for line in refusal.text.splitlines():
        if line.startswith(f"{path} : "):
            return line
    raise AssertionError(f"{path} absent des problèmes signalés :\n{refusal.text}")


# --- Unknown mandate ids ------------------------------------------------------------


def test_unknown_mandate_in_present(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["present"].append("dupont")

    refusal = refused_import(doc)

    assert "'dupont'" in _problem(refusal, "$.session.present[13]")


def test_unknown_mandate_in_a_proxy(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["proxies"][1]["to"] = "dupont"

    refusal = refused_import(doc)

    assert "inconnu" in _problem(refusal, "$.session.proxies[1].to")


def test_unknown_mandate_as_rapporteur(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["items"][1]["rapporteur"] = "dupont"

    refusal = refused_import(doc)

    assert "'dupont'" in _problem(refusal, "$.session.items[1].rapporteur")


# --- Proxies (CGCT L2121-20) ----------------------------------------------------------


def test_proxy_to_an_absent_member(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["proxies"][1]["to"] = "t15"  # Titulaire 15 is absent

    refusal = refused_import(doc)

    message = _problem(refusal, "$.session.proxies[1].to")
    assert "Titulaire 15" in message
    assert "assister à la séance" in message


def test_proxy_from_a_present_member(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["proxies"][1]["from"] = "robert"  # Sylvain Robert is present

    refusal = refused_import(doc)

    message = _problem(refusal, "$.session.proxies[1].from")
    assert "Sylvain Robert" in message
    assert "seul un membre absent peut donner procuration" in message


def test_proxy_to_oneself(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["proxies"][1]["to"] = "czerwinski"

    refusal = refused_import(doc)

    assert "Bernard Czerwinski ne peut se donner procuration à lui-même" in _problem(
        refusal, "$.session.proxies[1].to"
    )


def test_holder_with_two_proxies(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["proxies"][1]["to"] = "bavay"  # already holds Steve Bossart's proxy

    refusal = refused_import(doc)

    message = _problem(refusal, "$.session.proxies[1].to")
    assert "Alain Bavay détient 2 procurations" in message
    assert "qu'une seule" in message
    assert "$.session.proxies[0].to" not in refusal.paths


def test_proxy_where_a_suppleant_sits_for_the_giver(
    refused_import: Refuse, doc: dict[str, Any]
) -> None:
    doc["session"]["substitutes"][0]["replaces"] = "bossart"  # who gave a proxy to Bavay

    refusal = refused_import(doc)

    assert "Fatima Aït Chikhebbih siège en suppléance de Steve Bossart" in _problem(
        refusal, "$.session.proxies[0].from"
    )
    assert "Steve Bossart a donné procuration à Alain Bavay" in _problem(
        refusal, "$.session.substitutes[0].replaces"
    )


# --- Substitutes (CGCT L5212-7) -------------------------------------------------------


def test_substitute_for_a_present_titulaire(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["substitutes"][0]["replaces"] = "robert"

    refusal = refused_import(doc)

    message = _problem(refusal, "$.session.substitutes[0].replaces")
    assert "Fatima Aït Chikhebbih" in message
    assert "Sylvain Robert" in message
    assert "assiste à la séance" in message


def test_two_substitutes_for_one_titulaire(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["substitutes"][0]["replaces"] = "t15"
    doc["session"]["substitutes"][1]["replaces"] = "t15"

    refusal = refused_import(doc)

    message = _problem(refusal, "$.session.substitutes[1].replaces")
    assert "Fatima Aït Chikhebbih et Patrick Canivez siègent tous deux en suppléance" in message
    assert "$.session.substitutes[0].replaces" not in refusal.paths


def test_substitutes_outnumbering_absent_titulaires_without_proxy(
    refused_import: Refuse, doc: dict[str, Any]
) -> None:
    # Titulaires 15 to 20 attend: only 21 and 22 are absent without a proxy, for 3 suppléants.
    doc["session"]["present"] += [f"t{n}" for n in range(15, 21)]

    refusal = refused_import(doc)

    message = _problem(refusal, "$.session.substitutes[2].member")
    assert "3 suppléants siègent sans titulaire désigné" in message
    assert "seuls 2 titulaires" in message


def test_titulaire_declared_as_seated_substitute(
    refused_import: Refuse, doc: dict[str, Any]
) -> None:
    doc["session"]["substitutes"].append({"member": "robert"})

    refusal = refused_import(doc)

    assert "Sylvain Robert est titulaire" in _problem(refusal, "$.session.substitutes[3].member")


# --- Votes ------------------------------------------------------------------------------


def test_tallies_that_do_not_add_up(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["items"][MBM]["vote"] = {"for": 10, "against": 2, "abstain": 1}

    refusal = refused_import(doc)

    message = _problem(refusal, f"$.session.items[{MBM}].vote")
    assert "ne totalisent pas les 17 votants" in message


def test_negative_counts(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["items"][MBM]["vote"] = {"for": 18, "against": -1}

    refusal = refused_import(doc)

    assert "positif ou nul" in _problem(refusal, f"$.session.items[{MBM}].vote.against")


def test_vote_without_quorum(refused_import: Refuse, doc: dict[str, Any]) -> None:
    session = doc["session"]
    session["present"] = ["bavay", "della-franca", "duporge", "idziak", "lefebvre"]
    session["proxies"] = []
    session["substitutes"] = []
    session["items"][AULA].pop("not_voting")

    refusal = refused_import(doc)

    for index in (0, AULA, MBM, OSONS):
        message = _problem(refusal, f"$.session.items[{index}].vote")
        assert "quorum non atteint" in message
        assert "5 membres présents ou représentés, quorum de 12 non atteint" in message


def test_vote_on_an_information_item(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["items"][1]["vote"] = {"unanimous": True}

    refusal = refused_import(doc)

    assert "n'est pas soumis au vote" in _problem(refusal, "$.session.items[1].vote")


def test_adoption_of_the_pv_of_an_unknown_session(
    refused_import: Refuse, doc: dict[str, Any]
) -> None:
    doc["session"]["items"][0]["adopts_pv_of"] = "2023-04-04"  # not in the database

    refusal = refused_import(doc)

    assert "aucune séance du 04/04/2023" in _problem(refusal, "$.session.items[0].adopts_pv_of")


# --- Numbers ----------------------------------------------------------------------------


def test_duplicate_number_inside_the_document(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["items"][OSONS]["number"] = "2023/PMA00192"

    refusal = refused_import(doc)

    assert "déjà celui du point 8" in _problem(refusal, f"$.session.items[{OSONS}].number")


def test_number_used_by_another_sessions_deliberation(
    refused_import: Refuse, doc: dict[str, Any]
) -> None:
    doc["session"]["date"] = "2023-06-20"
    doc["session"]["items"] = [doc["session"]["items"][AULA]]

    refusal = refused_import(doc)

    message = _problem(refusal, "$.session.items[0].number")
    assert "2023/PMA00192 est déjà attribué" in message
    assert "Agence d'urbanisme de l'Artois" in message
    assert not Session.objects.filter(date=dt.date(2023, 6, 20)).exists()


def test_number_not_matching_the_pattern(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["items"][AULA]["number"] = "2023-PMA-192"

    refusal = refused_import(doc)

    assert "ne suit pas le modèle {year}/PMA{seq:05d}" in _problem(
        refusal, f"$.session.items[{AULA}].number"
    )


# --- Document shape ---------------------------------------------------------------------


def test_malformed_json_names_line_and_column(refused_import: Refuse) -> None:
    refusal = refused_import('{\n  "format": "pma-governance.session/1",\n  "body": \n}\n')

    message = _problem(refusal, "$")
    assert "JSON invalide" in message
    assert "ligne 4, colonne 1" in message


def test_wrong_format_string(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["format"] = "pma-governance.session/2"

    refusal = refused_import(doc)

    assert "pma-governance.session/1" in _problem(refusal, "$.format")


def test_unknown_item_kind(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["items"][1]["kind"] = "motion"

    refusal = refused_import(doc)

    assert "nature inconnue 'motion'" in _problem(refusal, "$.session.items[1].kind")


def test_values_of_the_wrong_json_type_are_listed(
    refused_import: Refuse, doc: dict[str, Any]
) -> None:
    doc["mandates"][0]["civility"] = ["M."]
    doc["mandates"][1]["role"] = {"titulaire": True}
    doc["session"]["items"][1]["kind"] = ["information"]
    doc["session"]["items"][MBM]["matiere"] = ["7.5"]
    doc["session"]["items"][OSONS]["vote"]["president_vote"] = ["for"]

    refusal = refused_import(doc)

    assert {
        "$.mandates[0].civility",
        "$.mandates[1].role",
        "$.session.items[1].kind",
        f"$.session.items[{MBM}].matiere",
        f"$.session.items[{OSONS}].vote.president_vote",
    } <= set(refusal.paths)


def test_every_problem_is_listed_in_one_run(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["format"] = "autre"
    doc["session"]["proxies"][1]["to"] = "czerwinski"
    doc["session"]["items"][1]["kind"] = "motion"
    doc["session"]["items"][MBM]["vote"] = {"for": 3}
    doc["session"]["items"][OSONS]["number"] = "PMA194"

    refusal = refused_import(doc)

    expected = {
        "$.format",
        "$.session.proxies[1].to",
        "$.session.items[1].kind",
        f"$.session.items[{MBM}].vote",
        f"$.session.items[{OSONS}].number",
    }
    assert expected <= set(refusal.paths)
    assert "5 problème(s)" in refusal.error


# --- Contradictory votes and ties (CGCT L2121-20) ----------------------------------------


def _mbm_voters(doc: dict[str, Any]) -> list[str]:
    """The 17 votants of the MBM item: the present, then the proxy givers."""
    session = doc["session"]
    return session["present"] + [p["from"] for p in session["proxies"]]


def test_unanimity_with_votes_against_or_abstentions(
    refused_import: Refuse, doc: dict[str, Any]
) -> None:
    doc["session"]["items"][MBM]["vote"] = {"unanimous": True, "against": 2, "abstain": 1}

    refusal = refused_import(doc)

    message = _problem(refusal, f"$.session.items[{MBM}].vote")
    assert "Un vote « à l'unanimité » ne compte ni voix contre" in message
    assert "ici : 2 contre, 1 abstention" in message


def test_counts_beside_a_roll_call(refused_import: Refuse, doc: dict[str, Any]) -> None:
    doc["session"]["items"][MBM]["vote"] = {"for": 17, "roll_call": {"for": _mbm_voters(doc)}}

    refusal = refused_import(doc)

    message = _problem(refusal, f"$.session.items[{MBM}].vote")
    assert "à la fois par un décompte des voix et par un appel nominal" in message


def test_show_of_hands_tie_without_the_president_vote(
    refused_import: Refuse, doc: dict[str, Any]
) -> None:
    doc["session"]["items"][MBM]["vote"] = {"for": 8, "against": 8, "abstain": 1}

    refusal = refused_import(doc)

    message = _problem(refusal, f"$.session.items[{MBM}].vote")
    assert "Partage égal des voix (8 pour, 8 contre) : indiquez le vote du président" in message


def test_roll_call_tie_contradicting_the_president_vote(
    refused_import: Refuse, doc: dict[str, Any]
) -> None:
    voters = _mbm_voters(doc)  # bavay, who presides, first: he votes for
    doc["session"]["items"][MBM]["vote"] = {
        "roll_call": {"for": voters[:8], "against": voters[8:16], "abstain": voters[16:]},
        "president_vote": "against",
    }

    refusal = refused_import(doc)

    message = _problem(refusal, f"$.session.items[{MBM}].vote.president_vote")
    assert "le président « bavay » a voté « pour » à l'appel nominal" in message


# --- A session reconvened after a failed quorum (CGCT L2121-17) ------------------------


def _failed_session() -> dict[str, Any]:
    """The seed on 1 June, with only 5 members present: nothing could be voted."""
    doc = seed_document()
    session = doc["session"]
    session["date"] = "2023-06-01"
    session["present"] = ["bavay", "della-franca", "duporge", "idziak", "lefebvre"]
    session["proxies"] = []
    session["substitutes"] = []
    for item in session["items"]:
        for key in ("vote", "number", "not_voting", "prefecture"):
            item.pop(key, None)
    return doc


def _reconvened_session(day: str) -> dict[str, Any]:
    """Reconvenes the failed session of 1 June: the AULA item carried over, 5 present."""
    doc = _failed_session()
    session = doc["session"]
    session["date"] = day
    session["reconvened_from"] = "2023-06-01"
    aula = seed_document()["session"]["items"][AULA]
    aula.pop("not_voting")
    aula.pop("prefecture")
    aula["number"] = "2023/PMA00195"
    aula["carried_over"] = True
    session["items"] = [aula]
    return doc


@pytest.fixture
def failed_session(write_doc: Callable[[Any], Path]) -> None:
    import_file(write_doc(_failed_session()))
    assert export_json(day=dt.date(2023, 6, 1))["session"]["computed"]["quorum_met"] is False


@pytest.mark.usefixtures("failed_session")
def test_reconvened_session_votes_carried_over_item_without_quorum(
    write_doc: Callable[[Any], Path],
) -> None:
    import_file(write_doc(_reconvened_session("2023-06-04")))

    export = export_json(day=dt.date(2023, 6, 4))
    assert export["session"]["reconvened_from"] == "2023-06-01"
    item = export["session"]["items"][0]
    assert item["carried_over"] is True
    assert item["computed"]["quorum"] == 0
    assert item["computed"]["quorum_met"] is True
    assert item["computed"]["voters"] == 5
    assert item["computed"]["result"] == "adopted"


@pytest.mark.usefixtures("failed_session")
def test_failed_session_can_be_imported_again_once_reconvened(
    write_doc: Callable[[Any], Path],
) -> None:
    import_file(write_doc(_reconvened_session("2023-06-04")))

    import_file(write_doc(_failed_session()))

    reconvened = Session.objects.get(date=dt.date(2023, 6, 4))
    assert reconvened.reconvenes is not None
    assert reconvened.reconvenes.date == dt.date(2023, 6, 1)
    assert export_json(day=dt.date(2023, 6, 4))["session"]["reconvened_from"] == "2023-06-01"


@pytest.mark.usefixtures("failed_session")
def test_reconvened_session_still_needs_quorum_on_new_items(refused_import: Refuse) -> None:
    doc = _reconvened_session("2023-06-04")
    doc["session"]["items"][0]["carried_over"] = False

    refusal = refused_import(doc)

    assert "quorum de 12 non atteint" in _problem(refusal, "$.session.items[0].vote")


@pytest.mark.usefixtures("failed_session")
def test_reconvened_less_than_three_days_later_is_refused(refused_import: Refuse) -> None:
    refusal = refused_import(_reconvened_session("2023-06-03"))

    assert "au moins trois jours" in _problem(refusal, "$.session.reconvened_from")
    assert not Session.objects.filter(date=dt.date(2023, 6, 3)).exists()


def test_reconvened_from_a_session_that_had_its_quorum_is_refused(
    refused_import: Refuse,
) -> None:
    # The seed session of 13 June met its quorum: nothing of it can be voted without one.
    doc = _reconvened_session("2023-06-20")
    doc["session"]["reconvened_from"] = "2023-06-13"

    refusal = refused_import(doc)

    assert "quorum" in _problem(refusal, "$.session.reconvened_from")
