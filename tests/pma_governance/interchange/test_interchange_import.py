"""Importing and exporting a whole session (`pma-governance.session/1`, DESIGN §7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError

from deliberations.models import Deliberation, Vote
from meetings.convening_models import ConvocationDispatch
from meetings.models import AgendaItem, Attendance, Proxy, Session
from members.models import Body, Mandate, Person
from pma_governance.interchange.importer import import_document
from pma_governance.interchange.validation import DocumentError
from tests.conftest import SEED_PATH, export_json, import_file, row_counts, seed_document
from tests.factories import convocation_link

pytestmark = pytest.mark.django_db


def _item(export: dict[str, Any], number: str) -> dict[str, Any]:
    return next(i for i in export["session"]["items"] if i.get("number") == number)


def test_seed_session_figures_match_the_pv() -> None:
    stdout, _ = import_file(SEED_PATH)
    assert "13/06/2023" in stdout

    computed = export_json()["session"]["computed"]

    # « 22 membres en exercice, quorum 12, 13 présents et 4 représentés » (seed PV).
    assert computed == {
        "in_office": 22,
        "quorum": 12,
        "present": 13,
        "represented": 4,
        "counted_for_quorum": 17,
        "quorum_met": True,
    }


def test_a_new_body_without_the_rule_counts_no_proxies_toward_the_quorum(
    write_doc: Callable[[Any], Path],
) -> None:
    # CGCT L2121-17 by default; the PMA's statutes, which count them, are stated in the seed.
    doc = seed_document()
    doc["body"]["short_name"] = "PMB"
    del doc["body"]["rules"]["quorum_counts_proxies"]

    import_file(write_doc(doc))

    assert Body.objects.get(short_name="PMB").quorum_counts_proxies is False
    computed = export_json("PMB")["session"]["computed"]
    assert (computed["present"], computed["represented"]) == (13, 4)
    assert (computed["counted_for_quorum"], computed["quorum_met"]) == (13, True)


def test_roll_call_tie_is_decided_by_the_president_vote_by_his_name(
    write_doc: Callable[[Any], Path],
) -> None:
    doc = seed_document()
    session = doc["session"]
    voters = session["present"] + [p["from"] for p in session["proxies"]]  # bavay first
    mbm = next(i for i in session["items"] if i.get("number") == "2023/PMA00193")
    mbm["vote"] = {
        "roll_call": {"for": voters[:8], "against": voters[8:16], "abstain": voters[16:]}
    }

    import_file(write_doc(doc))

    vote = Vote.objects.get(item__deliberation__number="2023/PMA00193")
    assert (vote.votes_for, vote.votes_against, vote.abstentions) == (8, 8, 1)
    assert (vote.casting_vote, vote.result) == (True, Vote.Result.ADOPTED)
    exported = _item(export_json(), "2023/PMA00193")
    assert exported["vote"]["president_vote"] == "for"
    assert exported["computed"]["result"] == "adopted"


def test_tie_with_the_president_abstaining_is_rejected_and_exported_so(
    write_doc: Callable[[Any], Path],
) -> None:
    doc = seed_document()
    mbm = next(i for i in doc["session"]["items"] if i.get("number") == "2023/PMA00193")
    mbm["vote"] = {"for": 8, "against": 8, "abstain": 1, "president_vote": "abstain"}

    import_file(write_doc(doc))

    exported = _item(export_json(), "2023/PMA00193")
    # Exported with the president's abstention, it imports again to the same result.
    assert exported["vote"]["president_vote"] == "abstain"
    assert exported["computed"]["result"] == "rejected"
    import_file(write_doc(export_json()))
    assert _item(export_json(), "2023/PMA00193")["computed"]["result"] == "rejected"


def test_aula_deliberation_counts_corinne_laversin_as_not_taking_part() -> None:
    import_file(SEED_PATH)

    item = _item(export_json(), "2023/PMA00192")

    assert item["not_voting"] == ["laversin"]
    assert item["computed"]["voters"] == 16
    assert item["computed"]["not_voting"] == 1
    assert item["computed"]["for"] == 16
    assert item["computed"]["against"] == 0
    assert item["computed"]["abstain"] == 0
    assert item["computed"]["result"] == "adopted"
    assert item["computed"]["quorum_met"] is True


@pytest.mark.parametrize("number", ["2023/PMA00193", "2023/PMA00194"])
def test_other_deliberations_are_voted_by_all_seventeen(number: str) -> None:
    import_file(SEED_PATH)

    computed = _item(export_json(), number)["computed"]

    assert computed["voters"] == 17
    assert computed["for"] == 17
    assert computed["not_voting"] == 0
    assert computed["expressed"] == 17
    assert computed["result"] == "adopted"


def test_imported_session_is_in_the_database_as_the_pv_states_it() -> None:
    import_file(SEED_PATH)

    session = Session.objects.get(body__short_name="PMA", date="2023-06-13")
    assert session.president is not None and session.president.person.last_name == "Bavay"
    assert session.secretary is not None and session.secretary.person.last_name == "Lemaire"
    first = session.items.order_by("position").first()
    assert first is not None
    assert first.title == "Adoption du procès-verbal de la séance du 4 avril 2023"
    assert session.items.count() == 11
    assert sorted(
        f"{p.giver.person.last_name}>{p.holder.person.last_name}" for p in session.proxies.all()
    ) == ["Bossart>Bavay", "Czerwinski>Pilch", "Decourcelle>Lefebvre", "Gacquerre>Idziak"]
    numbers = list(
        Deliberation.objects.filter(item__session=session)
        .order_by("sequence")
        .values_list("number", "status")
    )
    assert numbers == [
        ("2023/PMA00192", "voted"),
        ("2023/PMA00193", "voted"),
        ("2023/PMA00194", "voted"),
    ]
    assert Body.objects.get(short_name="PMA").last_deliberation_sequence == 194


def test_import_export_import_export_is_stable(write_doc: Callable[[Any], Path]) -> None:
    import_file(SEED_PATH)
    first = export_json()

    import_file(write_doc(first))
    second = export_json()

    assert second == first


def test_export_keeps_everything_the_seed_states() -> None:
    seed = seed_document()
    import_file(SEED_PATH)

    export = export_json()

    session = export["session"]
    assert session["present"] and set(session["present"]) == set(seed["session"]["present"])
    assert session["proxies"] == seed["session"]["proxies"]
    assert sorted(s["member"] for s in session["substitutes"]) == sorted(
        s["member"] for s in seed["session"]["substitutes"]
    )
    assert [(i["kind"], i["title"]) for i in session["items"]] == [
        (i["kind"], i["title"]) for i in seed["session"]["items"]
    ]
    aula = _item(export, "2023/PMA00192")
    seed_aula = next(i for i in seed["session"]["items"] if i.get("number") == "2023/PMA00192")
    assert aula["visas"] == seed_aula["visas"]
    assert aula["dispositif"] == seed_aula["dispositif"]
    assert aula["prefecture"]["received_on"] == "2023-06-19"
    assert aula["prefecture"]["identifier"] == "062-200060358-20230613-2023_PMA00192-DE"
    assert {m["id"] for m in export["mandates"]} == {m["id"] for m in seed["mandates"]}


def test_reimport_replaces_the_session_without_duplicating_rows() -> None:
    import_file(SEED_PATH)
    counts = row_counts(history=False)
    export = export_json()

    import_file(SEED_PATH)

    assert row_counts(history=False) == counts
    assert export_json() == export
    assert Session.objects.filter(body__short_name="PMA", date="2023-06-13").count() == 1
    assert Person.objects.filter(last_name="Laversin").count() == 1
    assert Mandate.objects.filter(external_id="laversin").count() == 1
    assert Attendance.objects.count() == counts["meetings.Attendance"]
    assert Proxy.objects.count() == 4
    assert AgendaItem.objects.count() == 11
    assert Vote.objects.count() == 4
    assert Deliberation.objects.count() == 3


def test_reimport_of_a_changed_document_replaces_the_old_content(
    write_doc: Callable[[Any], Path],
) -> None:
    import_file(SEED_PATH)
    doc = seed_document()
    doc["session"]["items"] = [i for i in doc["session"]["items"] if i["kind"] != "information"]

    import_file(write_doc(doc))

    export = export_json()
    assert [i["kind"] for i in export["session"]["items"]] == [
        "pv_adoption",
        "deliberation",
        "deliberation",
        "deliberation",
    ]
    assert AgendaItem.objects.count() == 4
    assert Deliberation.objects.count() == 3


def test_export_of_an_unknown_session_fails() -> None:
    import_file(SEED_PATH)

    with pytest.raises(CommandError, match="Aucune séance du 14/06/2023"):
        export_json(day=dt.date(2023, 6, 14))
    with pytest.raises(CommandError, match="Aucune assemblée de sigle XYZ"):
        export_json(short="XYZ")


def test_import_of_a_missing_file_fails(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Lecture impossible"):
        import_file(tmp_path / "absent.json")


def test_a_session_convened_from_the_app_is_not_replaced_by_an_import() -> None:
    import_file(SEED_PATH)
    session = Session.objects.get(body__short_name="PMA", date="2023-06-13")
    convocation_link(session, session.body.mandates.order_by("pk")[0])

    with pytest.raises(DocumentError, match="un import ne peut pas la remplacer"):
        import_document(seed_document())

    assert ConvocationDispatch.objects.filter(session=session).exists()
