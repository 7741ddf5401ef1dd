"""The open-data file checked against the SCDL « Délibérations » schema (DESIGN §6): exact
header, required fields, formats and patterns, and the schema's cross-column checks — on
every row, for a body's file and for the file of every body."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from deliberations.models import Deliberation, Vote
from meetings.models import Session
from members.models import Body
from tests.factories import SessionFactory
from tests.pma_governance.publication.helpers import IDENTIFIER, NUMBER, publish_fast
from tests.pma_governance.publication.public_world import (
    SIRET,
    hidden_things,
    published_assembly,
    secret_ballot,
    voted_act,
)
from tests.pma_governance.publication.scdl_schema import HEADER, file_problems, row_problems

pytestmark = pytest.mark.django_db

VALID_ROW = {
    "COLL_NOM": "Pôle Métropolitain de l'Artois",
    "COLL_SIRET": SIRET,
    "DELIB_ID": "2023/PMA00192",
    "DELIB_DATE": "2023-06-13",
    "DELIB_MATIERE_CODE": "7.5",
    "DELIB_MATIERE_NOM": "finances locales/subventions",
    "DELIB_OBJET": "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)",
    "BUDGET_ANNEE": "2023",
    "BUDGET_NOM": "Budget principal",
    "PREF_ID": "PREF062",
    "PREF_DATE": "2023-06-19",
    "VOTE_EFFECTIF": "22",
    "VOTE_REEL": "16",
    "VOTE_POUR": "14",
    "VOTE_CONTRE": "1",
    "VOTE_ABSTENTION": "1",
    "DELIB_URL": "https://actes.example.fr/public/PMA/deliberations/1.pdf",
}


# --- The checker itself can fail ------------------------------------------------------------


def test_a_valid_row_passes() -> None:
    assert row_problems(VALID_ROW) == []


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("COLL_SIRET", "", "COLL_SIRET"),
        ("COLL_SIRET", "2000603580001", "COLL_SIRET"),  # 13 digits
        ("COLL_SIRET", "20006035800014", "SIRET valide (clé)"),  # wrong check digit
        ("DELIB_ID", "", "DELIB_ID"),
        ("DELIB_DATE", "13/06/2023", "DELIB_DATE"),
        ("DELIB_DATE", "2023-02-30", "DELIB_DATE"),
        ("DELIB_MATIERE_CODE", "7", "DELIB_MATIERE_CODE"),
        ("DELIB_MATIERE_CODE", "7.5.1", "DELIB_MATIERE_CODE"),
        ("DELIB_MATIERE_NOM", "finances locales", "niveau 1/niveau 2"),
        ("DELIB_MATIERE_NOM", "urbanisme/subventions", "ne correspond pas au code 7.5"),
        ("DELIB_MATIERE_NOM", "finance/subventions", "pas une matière ACTES"),
        ("DELIB_MATIERE_NOM", "Finances locales/Subventions", "minuscules"),
        ("DELIB_OBJET", "", "DELIB_OBJET"),
        ("BUDGET_ANNEE", "23", "BUDGET_ANNEE"),
        ("BUDGET_ANNEE", "2024/2023", "intervalle croissant"),
        ("BUDGET_NOM", "", "BUDGET_ANNEE et BUDGET_NOM ensemble"),
        ("PREF_ID", "PREF62", "PREF_ID"),
        ("PREF_ID", "", "PREF_DATE sans PREF_ID"),
        ("PREF_DATE", "2023-06-12", "PREF_DATE ≥ DELIB_DATE"),  # before the decision
        ("VOTE_EFFECTIF", "vingt-deux", "VOTE_EFFECTIF"),
        ("VOTE_EFFECTIF", "15", "VOTE_EFFECTIF ≥ VOTE_REEL"),
        ("VOTE_REEL", "17", "VOTE_REEL = VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION"),
        ("VOTE_POUR", "-1", "VOTE_POUR"),
        ("VOTE_CONTRE", "", "tous ou aucun"),
        ("DELIB_URL", "/public/PMA/deliberations/1.pdf", "DELIB_URL"),
    ],
)
def test_the_checker_refuses_what_the_schema_forbids(column: str, value: str, reason: str) -> None:
    problems = row_problems({**VALID_ROW, column: value})

    assert any(reason in problem for problem in problems), (column, value, problems)


def test_the_checker_refuses_more_votes_of_one_kind_than_votants() -> None:
    row = {**VALID_ROW, "VOTE_REEL": "16", "VOTE_POUR": "20", "VOTE_CONTRE": "0"}
    row["VOTE_ABSTENTION"] = "0"

    assert "ligne 2 : row-constraint : VOTE_REEL ≥ VOTE_POUR" in row_problems(row)


def test_the_checker_accepts_a_row_without_the_optional_columns() -> None:
    optional = ("BUDGET_ANNEE", "BUDGET_NOM", "PREF_ID", "PREF_DATE", "DELIB_URL")
    votes = ("VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION")

    assert row_problems({**VALID_ROW, **dict.fromkeys(optional + votes, "")}) == []


def test_the_checker_refuses_a_header_out_of_order() -> None:
    swapped = [HEADER[1], HEADER[0], *HEADER[2:]]
    data = ",".join(swapped) + "\r\n" + ",".join(VALID_ROW[c] for c in swapped) + "\r\n"
    _, problems = file_problems(data)
    assert problems and "incorrect-label" in problems[0]


def test_the_checker_refuses_a_missing_or_an_extra_column() -> None:
    missing = ",".join(HEADER[:-1]) + "\r\n" + ",".join(VALID_ROW[c] for c in HEADER[:-1])
    extra = ",".join([*HEADER, "VOTE_BLANC"]) + "\r\n" + ",".join([*VALID_ROW.values(), "0"])

    assert any("missing-label" in p for p in file_problems(missing + "\r\n")[1])
    assert any("extra-label" in p for p in file_problems(extra + "\r\n")[1])


# --- The files the app serves -------------------------------------------------------------------


@pytest.fixture
def published(seed_session: Session) -> Body:
    """The seed's body with a variety of published acts, and things never published."""
    body = seed_session.body
    Body.objects.filter(pk=body.pk).update(siret=SIRET)
    aula = Deliberation.objects.get(number=NUMBER)  # acknowledged by the prefecture
    publish_fast(aula, on=dt.date(2023, 6, 20))
    budget = Deliberation.objects.get(number="2023/PMA00193")
    Deliberation.objects.filter(pk=budget.pk).update(budget_year=2023)
    publish_fast(budget, on=dt.date(2023, 6, 20))

    autumn = SessionFactory(body=body, date=dt.date(2023, 9, 26))
    acts = [
        voted_act(
            autumn,
            number="2023/PMA00195",
            sequence=195,
            matiere="8.5",
            title='Politique de la ville : « quartiers », 2023\nconvention "ANRU"',
            vote=secret_ballot(votes_for=5, votes_against=2, abstentions=1, blank=2),
        ),
        voted_act(
            autumn,
            number="2023/PMA00196",
            sequence=196,
            matiere="7.9",
            vote={
                "unanimous": False,
                "votes_for": 3,
                "votes_against": 6,
                "abstentions": 1,
                "result": Vote.Result.REJECTED,
            },
        ),
        voted_act(autumn, number="2023/PMA00197", sequence=197, matiere="1.5"),
    ]
    for act in acts:
        publish_fast(act, on=dt.date(2023, 10, 2))
    hidden_things(body)
    return body


def _csv(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return bytes(response.content).decode("utf-8")


def test_every_row_of_a_body_file_follows_the_schema(published: Body) -> None:
    rows, problems = file_problems(_csv(Client(), reverse("public:open_data", args=["PMA"])))

    assert problems == []
    assert [row["DELIB_ID"] for row in rows] == [
        "2023/PMA00192",
        "2023/PMA00193",
        "2023/PMA00195",
        "2023/PMA00196",
        "2023/PMA00197",
    ]
    by_id = {row["DELIB_ID"]: row for row in rows}
    assert (by_id[NUMBER]["PREF_ID"], by_id[NUMBER]["PREF_DATE"]) == ("PREF062", "2023-06-19")
    assert by_id["2023/PMA00195"]["DELIB_MATIERE_NOM"] == (
        "domaines de compétences par thèmes/politique de la ville habitat logement"
    )
    # One line per act: the objet's line break and quotes stay inside its cell.
    assert by_id["2023/PMA00195"]["DELIB_OBJET"] == (
        'Politique de la ville : « quartiers », 2023 convention "ANRU"'
    )


def test_blank_ballots_count_with_abstentions_so_that_the_votes_add_up(published: Body) -> None:
    rows, _ = file_problems(_csv(Client(), reverse("public:open_data", args=["PMA"])))
    secret = next(row for row in rows if row["DELIB_ID"] == "2023/PMA00195")
    # 10 votants: 5 pour, 2 contre, 1 abstention and 2 bulletins blancs ou nuls.
    assert [secret[c] for c in ("VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION")] == [
        "10",
        "5",
        "2",
        "3",
    ]
    rejected = next(row for row in rows if row["DELIB_ID"] == "2023/PMA00196")
    assert [rejected[c] for c in ("VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE")] == ["10", "3", "6"]


def test_the_file_of_every_body_follows_the_schema(published: Body) -> None:
    other = published_assembly("AUTRE", sessions=2, acts=2)
    hidden_things(other)

    rows, problems = file_problems(_csv(Client(), reverse("public:open_data_all")))

    assert problems == []
    names = {row["COLL_NOM"] for row in rows}
    assert names == {published.name, other.name}
    assert len(rows) == 5 + 4
    # Nothing unpublished, from either body.
    ids = {row["DELIB_ID"] for row in rows}
    assert not any(number.endswith(("00900", "00901", "00902")) for number in ids)
    assert IDENTIFIER not in "".join(row["PREF_ID"] for row in rows)  # the code, not the AR


# --- The writer never emits a row the schema refuses ---------------------------------------


def _body_file() -> str:
    return _csv(Client(), reverse("public:open_data", args=["PMA"]))


def test_an_acknowledgement_dated_before_the_session_is_left_out(published: Body) -> None:
    # The prefecture services refuse it; an import or an edit in the admin might not.
    Deliberation.objects.filter(number=NUMBER).update(
        prefecture_sent_on=dt.date(2023, 6, 1), prefecture_received_on=dt.date(2023, 6, 2)
    )

    rows, problems = file_problems(_body_file())

    assert problems == []
    aula = next(row for row in rows if row["DELIB_ID"] == NUMBER)
    assert (aula["PREF_ID"], aula["PREF_DATE"]) == ("PREF062", "")


def test_more_votants_than_members_in_office_leaves_the_effectif_out(published: Body) -> None:
    winter = SessionFactory(body=published, date=dt.date(2023, 11, 14))
    crowded = voted_act(
        winter, number="2023/PMA00198", sequence=198, vote={"present": 40, "votes_for": 40}
    )
    publish_fast(crowded, on=dt.date(2023, 11, 20))

    rows, problems = file_problems(_body_file())

    assert problems == []
    row = next(row for row in rows if row["DELIB_ID"] == "2023/PMA00198")
    assert (row["VOTE_EFFECTIF"], row["VOTE_REEL"], row["VOTE_POUR"]) == ("", "40", "40")


def test_an_act_classified_at_the_first_level_only_is_left_out(published: Body) -> None:
    winter = SessionFactory(body=published, date=dt.date(2023, 11, 14))
    act = voted_act(winter, number="2023/PMA00198", sequence=198, matiere="7")
    publish_fast(act, on=dt.date(2023, 11, 20))

    rows, problems = file_problems(_body_file())

    assert problems == []
    assert "2023/PMA00198" not in {row["DELIB_ID"] for row in rows}
    assert len(rows) == 5


def test_a_body_whose_siret_is_wrong_publishes_no_row(
    published: Body, caplog: pytest.LogCaptureFixture
) -> None:
    # Saved before the check existed: the validator refuses it now.
    Body.objects.filter(pk=published.pk).update(siret="20006035800014")

    rows, problems = file_problems(_body_file())

    assert (rows, problems) == ([], [])
    assert "2023/PMA00192 omise (SIRET 20006035800014 invalide (clé de contrôle))" in caplog.text


def test_the_demo_file_follows_the_schema(signing_certificate: Path) -> None:
    call_command("load_demo", "--sign", stdout=io.StringIO())

    rows, problems = file_problems(_body_file())
    all_rows, all_problems = file_problems(_csv(Client(), reverse("public:open_data_all")))

    assert problems == all_problems == []
    assert {row["COLL_SIRET"] for row in rows} == {"20006035800013"}
    assert len(rows) == len(all_rows) == Deliberation.objects.count() > 0
    aula = next(row for row in rows if row["DELIB_ID"] == NUMBER)
    assert (aula["PREF_ID"], aula["PREF_DATE"], aula["DELIB_DATE"]) == (
        "PREF062",
        "2023-06-19",
        "2023-06-13",
    )
