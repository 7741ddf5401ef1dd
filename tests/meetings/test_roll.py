from __future__ import annotations

from dataclasses import replace

from meetings.roll import ProxyGrant, RollEntry, is_present, is_voting_member, roll_at
from tests.meetings.seed_roll import SEED_PROXIES, seed_roll

# Position of « 2023/PMA00192 — Partenariat 2023 avec l'AULA » on the seed's agenda
ITEM_192 = 8


def _titulaires(count: int, present: int) -> list[RollEntry]:
    return [
        RollEntry(f"m{n}", f"Membre {n}", "titulaire", "present" if n <= present else "absent")
        for n in range(1, count + 1)
    ]


def test_present_member_is_present_at_opening_and_every_item() -> None:
    entry = RollEntry("bavay", "Alain Bavay", "titulaire", "present")
    assert is_present(entry, None)
    assert is_present(entry, 1)
    assert is_present(entry, 12)


def test_excused_and_absent_members_are_never_present() -> None:
    excused = RollEntry("bossart", "Steve Bossart", "titulaire", "excused")
    absent = RollEntry("t15", "Titulaire 15", "titulaire")
    assert not is_present(excused, None)
    assert not is_present(excused, 3)
    assert not is_present(absent, None)
    assert not is_present(absent, 3)


def test_late_arrival_is_present_from_its_item_on() -> None:
    entry = RollEntry("robert", "Sylvain Robert", "titulaire", "present", arrived_at=3)
    assert not is_present(entry, None)
    assert not is_present(entry, 2)
    assert is_present(entry, 3)
    assert is_present(entry, 9)


def test_departure_is_absent_from_its_item_on() -> None:
    entry = RollEntry("duporge", "Laurent Duporge", "titulaire", "present", left_at=5)
    assert is_present(entry, None)
    assert is_present(entry, 4)
    assert not is_present(entry, 5)
    assert not is_present(entry, 6)


def test_voting_members_are_titulaires_and_seated_suppleants() -> None:
    assert is_voting_member(RollEntry("bavay", "Alain Bavay", "titulaire"))
    assert is_voting_member(RollEntry("canivez", "Patrick Canivez", "suppleant", seated=True))
    assert not is_voting_member(RollEntry("canivez", "Patrick Canivez", "suppleant"))


def test_seed_opening_counts_13_present_and_4_represented() -> None:
    entries, proxies = seed_roll()
    count = roll_at(entries, proxies, None)
    assert len(count.present) == 13
    assert {"ait-chikhebbih", "canivez", "laversin"} <= count.present
    assert dict(count.represented) == SEED_PROXIES
    assert count.withheld == 0
    assert count.voters == 17


def test_seed_item_192_laversin_not_taking_part_leaves_16_voters() -> None:
    entries, proxies = seed_roll()
    count = roll_at(entries, proxies, ITEM_192, not_voting={"laversin"})
    assert "laversin" not in count.present
    assert len(count.present) == 12
    assert len(count.represented) == 4
    assert count.withheld == 1
    assert count.voters == 16


def test_non_participant_holding_a_proxy_withholds_two_votes() -> None:
    entries, proxies = seed_roll()
    count = roll_at(entries, proxies, ITEM_192, not_voting={"bavay"})
    assert "bavay" not in count.present
    assert "bossart" not in count.represented
    assert count.withheld == 2
    assert count.voters == 15


def test_non_participant_giver_is_not_represented() -> None:
    entries, proxies = seed_roll()
    count = roll_at(entries, proxies, ITEM_192, not_voting={"gacquerre"})
    assert "gacquerre" not in count.represented
    assert "idziak" in count.present
    assert count.withheld == 1
    assert count.voters == 16


def test_unseated_suppleant_does_not_count() -> None:
    entries = [
        *_titulaires(4, present=2),
        RollEntry("s1", "Suppléant Un", "suppleant", "present", seated=False),
    ]
    count = roll_at(entries, [], None)
    assert count.present == frozenset({"m1", "m2"})


def test_proxy_from_item_counts_only_from_that_item() -> None:
    entries = [
        *_titulaires(3, present=1),
        RollEntry("m4", "Membre 4", "titulaire", "present", left_at=3),
    ]
    proxies = [ProxyGrant("m4", "m1", from_item=3)]
    assert dict(roll_at(entries, proxies, None).represented) == {}
    assert dict(roll_at(entries, proxies, 2).represented) == {}
    assert roll_at(entries, proxies, 2).present == frozenset({"m1", "m4"})
    assert dict(roll_at(entries, proxies, 3).represented) == {"m4": "m1"}
    assert roll_at(entries, proxies, 3).present == frozenset({"m1"})


def test_proxy_lapses_when_its_giver_arrives() -> None:
    entries = [
        *_titulaires(3, present=1),
        RollEntry("m4", "Membre 4", "titulaire", "present", arrived_at=4),
    ]
    proxies = [ProxyGrant("m4", "m1")]
    assert dict(roll_at(entries, proxies, 3).represented) == {"m4": "m1"}
    at_arrival = roll_at(entries, proxies, 4)
    assert dict(at_arrival.represented) == {}
    assert "m4" in at_arrival.present


def test_revoked_proxy_is_not_counted() -> None:
    entries, proxies = seed_roll()
    proxies[0] = replace(proxies[0], revoked=True)
    count = roll_at(entries, proxies, None)
    assert "bossart" not in count.represented
    assert len(count.represented) == 3


def test_proxy_to_an_absent_holder_or_unseated_suppleant_is_not_counted() -> None:
    entries = [
        *_titulaires(4, present=2),
        RollEntry("s1", "Suppléant Un", "suppleant", "present"),
    ]
    proxies = [ProxyGrant("m3", "m4"), ProxyGrant("m4", "s1")]
    assert dict(roll_at(entries, proxies, None).represented) == {}


def test_proxy_holder_leaving_stops_representing() -> None:
    entries = [
        RollEntry("m1", "Membre 1", "titulaire", "present", left_at=2),
        RollEntry("m2", "Membre 2", "titulaire"),
    ]
    proxies = [ProxyGrant("m2", "m1")]
    assert dict(roll_at(entries, proxies, 1).represented) == {"m2": "m1"}
    assert dict(roll_at(entries, proxies, 2).represented) == {}


def test_same_giver_counted_once() -> None:
    entries = _titulaires(4, present=2)
    proxies = [ProxyGrant("m3", "m1"), ProxyGrant("m3", "m2")]
    assert dict(roll_at(entries, proxies, None).represented) == {"m3": "m1"}


def test_named_suppleant_stops_voting_when_its_titulaire_arrives() -> None:
    entries = [
        RollEntry("m1", "Membre 1", "titulaire", "present"),
        RollEntry("m2", "Membre 2", "titulaire", "present", arrived_at=3),
        RollEntry("s2", "Suppléant Deux", "suppleant", "present", seated=True, replaces="m2"),
    ]
    assert roll_at(entries, [], 2).present == frozenset({"m1", "s2"})
    assert roll_at(entries, [], 3).present == frozenset({"m1", "m2"})


def test_seated_suppleants_never_outnumber_open_seats() -> None:
    entries = [
        *_titulaires(4, present=2),
        *(
            RollEntry(f"s{n}", f"Suppléant {n}", "suppleant", "present", seated=True)
            for n in (1, 2, 3)
        ),
    ]
    count = roll_at(entries, [], None)
    assert len(count.present) == 4
    assert {"s1", "s2"} <= count.present
    assert "s3" not in count.present


def test_suppleant_sitting_for_a_proxy_giver_voids_the_proxy() -> None:
    entries = [
        *_titulaires(2, present=1),
        RollEntry("s2", "Suppléant Deux", "suppleant", "present", seated=True, replaces="m2"),
    ]
    count = roll_at(entries, [ProxyGrant("m2", "m1")], None)
    assert count.present == frozenset({"m1", "s2"})
    assert dict(count.represented) == {}


def test_suppleant_sits_only_for_a_titulaire_of_its_entity() -> None:
    entries = [
        RollEntry("m1", "Membre 1", "titulaire", "present", entity="CALL"),
        RollEntry("m2", "Membre 2", "titulaire", entity="CAHC"),
        RollEntry("m3", "Membre 3", "titulaire"),
        RollEntry("s1", "Suppléant CALL", "suppleant", "present", entity="CALL", seated=True),
        RollEntry("s2", "Suppléant CALL 2", "suppleant", "present", entity="CALL", seated=True),
    ]
    # s1 takes m3's seat (entity unknown); no CALL titulaire is left for s2, m2 is CAHC
    assert roll_at(entries, [], None).present == frozenset({"m1", "s1"})


def test_suppleant_left_without_a_seat_does_not_vote_a_proxy() -> None:
    entries = [
        *_titulaires(3, present=1),
        RollEntry("s1", "Suppléant Un", "suppleant", "present", seated=True),
        RollEntry("s2", "Suppléant Deux", "suppleant", "present", seated=True),
    ]
    count = roll_at(entries, [ProxyGrant("m3", "s2")], None)
    assert count.present == frozenset({"m1", "s1"})
    assert dict(count.represented) == {}
