from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.quorum import QuorumRules, quorum_check, quorum_threshold
from meetings.roll import ProxyGrant, RollEntry, is_present, roll_at

fractions = st.sampled_from(["1/2", "1/3"])
positions = st.none() | st.integers(min_value=0, max_value=6)
entities = st.sampled_from([None, "CALL", "CAHC"])


@given(in_office=st.integers(min_value=0, max_value=100_000), fraction=fractions)
def test_threshold_stays_within_members_in_office(in_office: int, fraction: str) -> None:
    threshold = quorum_threshold(in_office, fraction)  # type: ignore[arg-type]
    assert 0 <= threshold <= in_office
    if in_office:
        assert threshold >= 1
    if not in_office:
        assert threshold == 0
    elif fraction == "1/2":
        assert 2 * threshold > in_office >= 2 * (threshold - 1)
    else:
        assert 3 * threshold >= in_office > 3 * (threshold - 1)


@st.composite
def rolls(draw: st.DrawFn) -> tuple[list[RollEntry], list[ProxyGrant], int | None, set[str]]:
    titulaires = draw(st.integers(min_value=0, max_value=12))
    suppleants = draw(st.integers(min_value=0, max_value=6))
    ids = [f"t{n}" for n in range(titulaires)] + [f"s{n}" for n in range(suppleants)]
    known = st.sampled_from([*ids, "inconnu"]) if ids else st.just("inconnu")
    entries = [
        RollEntry(
            member_id,
            member_id.upper(),
            "titulaire" if member_id.startswith("t") else "suppleant",
            draw(st.sampled_from(["present", "excused", "absent"])),
            entity=draw(entities),
            seated=draw(st.booleans()),
            replaces=draw(st.none() | known),
            arrived_at=draw(positions),
            left_at=draw(positions),
        )
        for member_id in ids
    ]
    proxies = draw(
        st.lists(
            st.builds(
                ProxyGrant,
                giver=known,
                holder=known,
                from_item=positions,
                revoked=st.booleans(),
            ),
            max_size=10,
        )
    )
    not_voting = draw(st.sets(known, max_size=4))
    return entries, proxies, draw(positions), not_voting


@settings(max_examples=400)
@given(roll=rolls(), rules=st.builds(QuorumRules, fraction=fractions, counts_proxies=st.booleans()))
def test_counted_never_exceeds_members_in_office(
    roll: tuple[list[RollEntry], list[ProxyGrant], int | None, set[str]], rules: QuorumRules
) -> None:
    entries, proxies, position, not_voting = roll
    in_office = sum(1 for e in entries if e.role == "titulaire")
    count = roll_at(entries, proxies, position, not_voting=not_voting)
    assert len(count.present) + len(count.represented) + count.withheld <= in_office
    result = quorum_check(
        in_office=in_office,
        present=len(count.present),
        represented=len(count.represented),
        rules=rules,
    )
    assert 0 <= result.counted <= in_office
    assert 0 <= result.threshold <= in_office


@settings(max_examples=400)
@given(roll=rolls())
def test_roll_counts_only_present_voters_and_absent_givers(
    roll: tuple[list[RollEntry], list[ProxyGrant], int | None, set[str]],
) -> None:
    entries, proxies, position, not_voting = roll
    by_id = {e.member_id: e for e in entries}
    count = roll_at(entries, proxies, position, not_voting=not_voting)
    assert count.withheld >= 0
    assert not count.present & not_voting
    for member_id in count.present:
        entry = by_id[member_id]
        assert is_present(entry, position)
        assert entry.role == "titulaire" or entry.seated
    for giver, holder in count.represented.items():
        assert by_id[giver].role == "titulaire"
        assert not is_present(by_id[giver], position)
        assert holder in count.present
        assert giver not in not_voting
