from __future__ import annotations

import pytest

from meetings.roll import ProxyGrant, RollEntry, RuleProblem
from meetings.substitutes import check_substitutes
from tests.meetings.seed_roll import seed_roll


def _entries() -> list[RollEntry]:
    return [
        RollEntry("bavay", "Alain Bavay", "titulaire", "present", entity="CALL"),
        RollEntry("bossart", "Steve Bossart", "titulaire", "excused", entity="CABBALR"),
        RollEntry("czerwinski", "Bernard Czerwinski", "titulaire", entity="CAHC"),
        RollEntry("gacquerre", "Olivier Gacquerre", "titulaire", entity="CABBALR"),
        RollEntry("robert", "Sylvain Robert", "titulaire", "present", entity="CALL"),
    ]


def _sub(member_id: str, name: str, **kwargs: object) -> RollEntry:
    fields: dict[str, object] = {"status": "present", "seated": True, **kwargs}
    return RollEntry(member_id, name, "suppleant", **fields)  # type: ignore[arg-type]


def test_seed_suppleants_are_legal() -> None:
    entries, proxies = seed_roll()
    assert check_substitutes(entries, substitutes_allowed=True, proxies=proxies) == []


def test_named_suppleant_of_the_same_entity_is_legal() -> None:
    entries = [
        *_entries(),
        _sub("canivez", "Patrick Canivez", entity="CABBALR", replaces="bossart"),
    ]
    assert check_substitutes(entries, substitutes_allowed=True) == []


def test_seated_suppleants_refused_when_the_statutes_have_none() -> None:
    entries = [*_entries(), _sub("canivez", "Patrick Canivez", entity="CABBALR")]
    assert check_substitutes(entries, substitutes_allowed=False) == [
        RuleProblem(
            "substitutes_not_allowed",
            "Les statuts ne prévoient pas de suppléants : Patrick Canivez ne peut siéger "
            "en suppléance.",
            "canivez",
        )
    ]


@pytest.mark.parametrize(
    ("entry", "code", "message"),
    [
        (
            RollEntry("t9", "Titulaire Neuf", "titulaire", "present", seated=True),
            "substitute_not_suppleant",
            "Titulaire Neuf est titulaire : seul un suppléant siège à la place d'un titulaire "
            "absent.",
        ),
        (
            _sub("canivez", "Patrick Canivez", status="excused"),
            "substitute_not_present",
            "Patrick Canivez ne peut siéger en suppléance sans assister à la séance.",
        ),
        (
            _sub("canivez", "Patrick Canivez", replaces="inconnu"),
            "substitute_unknown_titulaire",
            "Patrick Canivez siège en suppléance d'un membre inconnu (« inconnu »).",
        ),
        (
            _sub("canivez", "Patrick Canivez", replaces="laversin"),
            "substitute_replaces_not_titulaire",
            "Patrick Canivez ne peut siéger en suppléance de Corinne Laversin, qui n'est pas "
            "titulaire.",
        ),
        (
            _sub("canivez", "Patrick Canivez", replaces="bavay"),
            "substitute_titulaire_present",
            "Patrick Canivez ne peut siéger en suppléance d'Alain Bavay, qui assiste à la séance.",
        ),
        (
            _sub("canivez", "Patrick Canivez", entity="CALL", replaces="czerwinski"),
            "substitute_other_entity",
            "Patrick Canivez (CALL) ne peut siéger en suppléance de Bernard Czerwinski (CAHC) : "
            "un suppléant ne siège que pour un titulaire de sa collectivité (CGCT L5212-7).",
        ),
    ],
)
def test_each_substitute_problem(entry: RollEntry, code: str, message: str) -> None:
    entries = [*_entries(), RollEntry("laversin", "Corinne Laversin", "suppleant"), entry]
    assert check_substitutes(entries, substitutes_allowed=True) == [
        RuleProblem(code, message, entry.member_id)
    ]


def test_never_two_suppleants_for_one_titulaire() -> None:
    entries = [
        *_entries(),
        _sub("canivez", "Patrick Canivez", replaces="bossart"),
        _sub("ait-chikhebbih", "Fatima Aït Chikhebbih", replaces="bossart"),
    ]
    assert check_substitutes(entries, substitutes_allowed=True) == [
        RuleProblem(
            "substitute_duplicate",
            "Patrick Canivez et Fatima Aït Chikhebbih siègent tous deux en suppléance de "
            "Steve Bossart ; un seul suppléant peut siéger pour un titulaire.",
            "ait-chikhebbih",
        )
    ]


def test_suppleant_cannot_sit_for_a_titulaire_who_gave_a_proxy() -> None:
    entries = [*_entries(), _sub("canivez", "Patrick Canivez", replaces="bossart")]
    problems = check_substitutes(
        entries, substitutes_allowed=True, proxies=[ProxyGrant("bossart", "bavay")]
    )
    assert problems == [
        RuleProblem(
            "substitute_titulaire_gave_proxy",
            "Steve Bossart a donné procuration à Alain Bavay : Patrick Canivez ne peut siéger "
            "en suppléance de ce titulaire.",
            "canivez",
        )
    ]
    revoked = [ProxyGrant("bossart", "bavay", revoked=True)]
    assert check_substitutes(entries, substitutes_allowed=True, proxies=revoked) == []


def test_unnamed_suppleants_may_not_outnumber_absent_titulaires_without_proxy() -> None:
    entries, proxies = seed_roll()
    more = [*proxies, *(ProxyGrant(f"t{n}", "della-franca") for n in range(15, 21))]
    problems = check_substitutes(entries, substitutes_allowed=True, proxies=more)
    assert problems == [
        RuleProblem(
            "substitutes_outnumber",
            "3 suppléants siègent sans titulaire désigné (Fatima Aït Chikhebbih, Patrick "
            "Canivez et Corinne Laversin) alors que seuls 2 titulaires sont absents sans avoir "
            "donné procuration ; un suppléant ne siège que pour un titulaire absent "
            "(CGCT L5212-7).",
            "laversin",
        )
    ]
    # Three free seats: the seed's three suppléants fit again
    assert check_substitutes(entries, substitutes_allowed=True, proxies=more[:-1]) == []


def test_unnamed_suppleants_counted_per_entity() -> None:
    entries = [
        *_entries(),
        _sub("canivez", "Patrick Canivez", entity="CABBALR"),
        _sub("ait-chikhebbih", "Fatima Aït Chikhebbih", entity="CABBALR"),
        _sub("laversin", "Corinne Laversin", entity="CALL"),
    ]
    # Two CABBALR titulaires are absent, but no CALL titulaire is
    assert check_substitutes(entries, substitutes_allowed=True) == [
        RuleProblem(
            "substitutes_outnumber",
            "1 suppléant de CALL siège sans titulaire désigné (Corinne Laversin) alors "
            "qu'aucun titulaire de CALL n'est absent sans avoir donné procuration ; un "
            "suppléant ne siège que pour un titulaire absent (CGCT L5212-7).",
            "laversin",
        )
    ]
    proxy = [ProxyGrant("gacquerre", "bavay")]
    problems = check_substitutes(entries, substitutes_allowed=True, proxies=proxy)
    assert [p.code for p in problems] == ["substitutes_outnumber", "substitutes_outnumber"]
    assert "un seul titulaire de CABBALR est absent" in problems[0].message


def test_named_suppleant_takes_its_titulaire_out_of_the_free_seats() -> None:
    entries = [
        RollEntry("m1", "Membre 1", "titulaire", "present"),
        RollEntry("m2", "Membre 2", "titulaire"),
        _sub("s1", "Suppléant Un", replaces="m2"),
        _sub("s2", "Suppléant Deux"),
    ]
    problems = check_substitutes(entries, substitutes_allowed=True)
    assert [(p.code, p.member_id) for p in problems] == [("substitutes_outnumber", "s2")]
