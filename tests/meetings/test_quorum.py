from __future__ import annotations

from collections.abc import Collection
from datetime import date

import pytest

from meetings.quorum import (
    QuorumResult,
    QuorumRules,
    quorum_check,
    quorum_message,
    quorum_threshold,
    reconvened_delay_ok,
)
from meetings.roll import RollEntry, roll_at
from tests.meetings.seed_roll import seed_roll

PMA = QuorumRules(fraction="1/2", counts_proxies=True)
NO_PROXIES = QuorumRules(fraction="1/2", counts_proxies=False)


@pytest.mark.parametrize(
    ("in_office", "fraction", "expected"),
    [
        (22, "1/2", 12),
        (21, "1/2", 11),
        (70, "1/2", 36),
        (70, "1/3", 24),
        (22, "1/3", 8),
        (21, "1/3", 7),
        (0, "1/2", 0),
        (0, "1/3", 0),
        (1, "1/2", 1),
        (1, "1/3", 1),
        (2, "1/2", 2),
        (2, "1/3", 1),
        (3, "1/2", 2),
        (3, "1/3", 1),
    ],
)
def test_quorum_threshold(in_office: int, fraction: str, expected: int) -> None:
    assert quorum_threshold(in_office, fraction) == expected  # type: ignore[arg-type]


def test_negative_members_in_office_is_refused() -> None:
    with pytest.raises(ValueError, match="négatif"):
        quorum_threshold(-1, "1/2")


def test_unknown_fraction_is_refused() -> None:
    with pytest.raises(ValueError, match="1/4"):
        quorum_threshold(22, "1/4")  # type: ignore[arg-type]


def test_pma_quorum_counts_proxies() -> None:
    result = quorum_check(in_office=22, present=13, represented=4, rules=PMA)
    assert result == QuorumResult(
        in_office=22, threshold=12, present=13, represented=4, counted=17, met=True
    )


def test_quorum_without_counting_proxies() -> None:
    result = quorum_check(in_office=22, present=13, represented=4, rules=NO_PROXIES)
    assert result.counted == 13
    assert result.met


def test_proxies_make_the_difference_only_when_counted() -> None:
    assert quorum_check(in_office=22, present=10, represented=4, rules=PMA).met
    not_counted = quorum_check(in_office=22, present=10, represented=4, rules=NO_PROXIES)
    assert not_counted.counted == 10
    assert not not_counted.met


def test_quorum_boundary_at_threshold() -> None:
    assert not quorum_check(in_office=22, present=11, represented=0, rules=PMA).met
    assert quorum_check(in_office=22, present=12, represented=0, rules=PMA).met
    assert not quorum_check(in_office=22, present=7, represented=0, rules=QuorumRules("1/3")).met
    assert quorum_check(in_office=22, present=8, represented=0, rules=QuorumRules("1/3")).met


def test_counted_cannot_exceed_members_in_office() -> None:
    with pytest.raises(ValueError, match=r"plus nombreux que les membres en exercice \(22\)"):
        quorum_check(in_office=22, present=20, represented=3, rules=PMA)


@pytest.mark.parametrize(
    ("in_office", "present", "represented"), [(-1, 0, 0), (22, -1, 0), (22, 0, -1)]
)
def test_negative_figures_are_refused(in_office: int, present: int, represented: int) -> None:
    with pytest.raises(ValueError, match="négatif"):
        quorum_check(in_office=in_office, present=present, represented=represented, rules=PMA)


def test_reconvened_session_deliberates_without_quorum() -> None:
    result = quorum_check(in_office=22, present=3, represented=1, rules=PMA, reconvened=True)
    assert result.threshold == 0
    assert result.met
    assert result.counted == 4


@pytest.mark.parametrize(
    ("reconvened_on", "ok"),
    [
        (date(2023, 6, 13), False),
        (date(2023, 6, 15), False),
        (date(2023, 6, 16), True),
        (date(2023, 6, 20), True),
        (date(2023, 6, 10), False),
    ],
)
def test_reconvened_delay_is_three_days(reconvened_on: date, ok: bool) -> None:
    assert reconvened_delay_ok(date(2023, 6, 13), reconvened_on) is ok


def test_quorum_message_met() -> None:
    result = quorum_check(in_office=22, present=13, represented=4, rules=PMA)
    assert quorum_message(result) == "17 membres présents ou représentés, quorum de 12 atteint"


def test_quorum_message_not_met() -> None:
    result = quorum_check(in_office=22, present=9, represented=2, rules=PMA)
    assert quorum_message(result) == "11 membres présents ou représentés, quorum de 12 non atteint"


def test_quorum_message_singular() -> None:
    result = quorum_check(in_office=3, present=1, represented=0, rules=PMA)
    assert quorum_message(result) == "1 membre présent ou représenté, quorum de 2 non atteint"


def test_quorum_message_without_proxies_says_present_only() -> None:
    result = quorum_check(in_office=22, present=13, represented=4, rules=NO_PROXIES)
    assert quorum_message(result) == "13 membres présents, quorum de 12 atteint"


def test_quorum_message_reconvened() -> None:
    result = quorum_check(in_office=22, present=5, represented=1, rules=PMA, reconvened=True)
    assert quorum_message(result) == (
        "6 membres présents ou représentés, séance sans condition de quorum (CGCT L2121-17)"
    )


def _check(
    entries: list[RollEntry], position: int | None, not_voting: Collection[str] = ()
) -> QuorumResult:
    count = roll_at(entries, [], position, not_voting=not_voting)
    titulaires = sum(1 for e in entries if e.role == "titulaire")
    return quorum_check(
        in_office=titulaires,
        present=len(count.present),
        represented=len(count.represented),
        rules=PMA,
    )


def test_seed_roll_meets_quorum_with_seated_suppleants() -> None:
    entries, proxies = seed_roll()
    count = roll_at(entries, proxies, None)
    result = quorum_check(
        in_office=22, present=len(count.present), represented=len(count.represented), rules=PMA
    )
    assert (result.present, result.represented, result.counted) == (13, 4, 17)
    assert result.met


def test_seated_suppleants_count_towards_quorum() -> None:
    entries = [
        *(RollEntry(f"m{n}", f"Membre {n}", "titulaire", "present") for n in range(1, 11)),
        *(RollEntry(f"m{n}", f"Membre {n}", "titulaire") for n in range(11, 23)),
        RollEntry("s1", "Suppléant 1", "suppleant", "present", seated=True),
        RollEntry("s2", "Suppléant 2", "suppleant", "present", seated=True),
    ]
    assert _check(entries, None).counted == 12
    assert _check(entries, None).met
    unseated = [*entries[:22], RollEntry("s1", "Suppléant 1", "suppleant", "present")]
    assert _check(unseated, None).counted == 10
    assert not _check(unseated, None).met


def test_arrivals_and_departures_change_the_quorum_between_items() -> None:
    entries = [
        *(RollEntry(f"m{n}", f"Membre {n}", "titulaire", "present") for n in range(1, 12)),
        RollEntry("m12", "Membre 12", "titulaire", "present", arrived_at=2),
        RollEntry("m13", "Membre 13", "titulaire", "present", left_at=4),
        *(RollEntry(f"m{n}", f"Membre {n}", "titulaire") for n in range(14, 23)),
    ]
    # Opening: 11 + m13 = 12; item 2: m12 arrives, 13; item 4: m13 has left, 12 again
    assert _check(entries, None).counted == 12
    assert _check(entries, 2).counted == 13
    assert _check(entries, 4).counted == 12
    departures = [*entries[:12], RollEntry("m13", "Membre 13", "titulaire"), *entries[13:]]
    departures[0] = RollEntry("m1", "Membre 1", "titulaire", "present", left_at=3)
    assert not _check(departures, None).met
    assert _check(departures, 2).met
    assert not _check(departures, 3).met


def test_member_not_taking_part_is_not_counted_for_that_item() -> None:
    entries = [
        *(RollEntry(f"m{n}", f"Membre {n}", "titulaire", "present") for n in range(1, 13)),
        *(RollEntry(f"m{n}", f"Membre {n}", "titulaire") for n in range(13, 23)),
    ]
    assert _check(entries, 5).met
    result = _check(entries, 5, not_voting={"m1"})
    assert result.counted == 11
    assert not result.met
