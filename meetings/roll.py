"""The session roll: who is present, who sits, who is represented, item by item.

Pure functions over frozen dataclasses, no ORM: the services build a roll from the
attendance rows, these rules count it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Role = Literal["titulaire", "suppleant"]
Status = Literal["present", "excused", "absent"]


@dataclass(frozen=True)
class RollEntry:
    """One mandate on a session's roll (its attendance)."""

    member_id: str
    name: str
    role: Role
    status: Status = "absent"
    entity: str | None = None
    seated: bool = False
    replaces: str | None = None
    arrived_at: int | None = None
    left_at: int | None = None


@dataclass(frozen=True)
class ProxyGrant:
    """A proxy (pouvoir) given by an absent titulaire to a present voting member."""

    giver: str
    holder: str
    from_item: int | None = None
    consecutive_sessions: int = 1
    illness: bool = False
    revoked: bool = False


@dataclass(frozen=True)
class RuleProblem:
    """A broken rule, worded in French for the secretariat."""

    code: str
    message: str
    member_id: str | None = None


@dataclass(frozen=True)
class RollCount:
    """Who counts at one point of the session (opening or an agenda item)."""

    present: frozenset[str]
    represented: Mapping[str, str]
    withheld: int

    @property
    def voters(self) -> int:
        """Votants: non-participants and their proxies are already left out."""
        return len(self.present) + len(self.represented)


def of_name(name: str) -> str:
    """French « de » before a name, elided before a vowel: « de Steve Bossart », « d'Alain Bavay »."""
    initial = name[:1].lower()
    return f"d'{name}" if initial and initial in "aeiouyàâäéèêëîïôöùûü" else f"de {name}"


def is_present(entry: RollEntry, position: int | None) -> bool:
    """Whether the member attends at the opening (None) or at the item at `position`."""
    if entry.status != "present":
        return False
    if position is None:
        return entry.arrived_at is None
    arrived = entry.arrived_at is None or position >= entry.arrived_at
    still_here = entry.left_at is None or position < entry.left_at
    return arrived and still_here


def attends_from(entry: RollEntry, start: int | None) -> bool:
    """Whether the member attends at some point from `start` (None = the opening) on."""
    if entry.status != "present":
        return False
    if entry.left_at is None:
        return True
    first = entry.arrived_at
    if start is not None and (first is None or start > first):
        first = start
    # Present over [first, left_at); None stands for the opening, before every item.
    return first is None or first < entry.left_at


def is_voting_member(entry: RollEntry) -> bool:
    """A titulaire, or a suppléant seated for an absent titulaire."""
    # CGCT L5212-7: a suppléant has a vote only while sitting for a titulaire
    return entry.role == "titulaire" or (entry.role == "suppleant" and entry.seated)


def same_entity(a: RollEntry, b: RollEntry) -> bool:
    """Same member collectivity, or unknown on either side (the check is then skipped)."""
    return a.entity is None or b.entity is None or a.entity == b.entity


def match_substitutes(
    substitutes: Sequence[RollEntry], open_seats: Sequence[RollEntry]
) -> tuple[list[RollEntry], list[RollEntry]]:
    """Give each seated suppléant without a named titulaire one open titulaire seat.

    Returns (seated, unseated), each in the order of `substitutes`. The assignment is
    maximal: suppléants of a known entity take seats of that entity first, then seats of
    unknown entity; suppléants of unknown entity take whatever is left.
    """
    seats = list(open_seats)
    placed: set[str] = set()

    def take(sub: RollEntry, entity: str | None, *, any_entity: bool = False) -> None:
        seat = next((t for t in seats if any_entity or t.entity == entity), None)
        if seat is not None:
            seats.remove(seat)
            placed.add(sub.member_id)

    known = [s for s in substitutes if s.entity is not None]
    for sub in known:
        # CGCT L5212-7: a suppléant sits for a titulaire of its own collectivity
        take(sub, sub.entity)
    for sub in known:
        if sub.member_id not in placed:
            take(sub, None)
    for sub in substitutes:
        if sub.entity is None:
            take(sub, None, any_entity=True)
    seated = [s for s in substitutes if s.member_id in placed]
    unseated = [s for s in substitutes if s.member_id not in placed]
    return seated, unseated


def roll_at(
    entries: Sequence[RollEntry],
    proxies: Sequence[ProxyGrant],
    position: int | None,
    *,
    not_voting: Collection[str] = (),
) -> RollCount:
    """Count the roll at the opening (None) or at the agenda item at `position`.

    Every absent titulaire's seat is filled at most once (by a suppléant sitting for it or
    by a proxy), so present + represented never exceeds the titulaires in office, even on
    a roll the checks would refuse.
    """
    by_id = {e.member_id: e for e in entries}
    titulaires = [e for e in entries if e.role == "titulaire"]
    present = {t.member_id for t in titulaires if is_present(t, position)}
    open_seats = {t.member_id for t in titulaires if t.member_id not in present}
    sitting = [e for e in entries if e.role == "suppleant" and e.seated and is_present(e, position)]

    for sub in sitting:
        replaced = by_id.get(sub.replaces) if sub.replaces is not None else None
        # CGCT L5212-7: a named suppléant votes only while its own titulaire is absent
        if replaced is not None and replaced.member_id in open_seats and same_entity(sub, replaced):
            present.add(sub.member_id)
            open_seats.discard(replaced.member_id)

    unnamed = [s for s in sitting if s.replaces is None]
    eligible_holders = present | {s.member_id for s in unnamed}
    represented: dict[str, str] = {}
    for grant in proxies:
        if grant.revoked or grant.giver == grant.holder or grant.giver in represented:
            continue
        # CGCT L2121-20: the giver is absent, the holder present and voting
        if grant.giver not in open_seats or grant.holder not in eligible_holders:
            continue
        # A member leaving mid-session is represented only from the item the proxy names
        if grant.from_item is not None and (position is None or position < grant.from_item):
            continue
        represented[grant.giver] = grant.holder
        open_seats.discard(grant.giver)

    seated, _ = match_substitutes(unnamed, [t for t in titulaires if t.member_id in open_seats])
    present.update(s.member_id for s in seated)
    # A suppléant left without a seat has no vote, so it cannot vote a proxy either
    represented = {g: h for g, h in represented.items() if h in present}

    # CGCT L2131-11: a member not taking part votes neither in person nor by proxy
    excluded = set(not_voting)
    withheld = len(present & excluded)
    counted: dict[str, str] = {}
    for giver, holder in represented.items():
        if giver in excluded or holder in excluded:
            withheld += 1
        else:
            counted[giver] = holder
    return RollCount(
        present=frozenset(present - excluded),
        represented=MappingProxyType(counted),
        withheld=withheld,
    )
