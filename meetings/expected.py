"""The session as the members' answers announce it: the expected roll and quorum.

Before a session, each member may answer (`AttendanceAnswer`): present, excused, absent
with a pouvoir, or his suppléant sits. This module turns those answers into the same pure
roll (`RollEntry`, `ProxyGrant`) that the session's own rules count, so that a pouvoir
given online is checked by exactly the rules of the session (`meetings.proxies`), and the
expected quorum by the same engine (`meetings.quorum`).

A member who has not answered is « unknown »: not counted present in the expected quorum;
when checking a pouvoir, `unknown_present=True` treats him as coming (one may give a
pouvoir to a member who has not answered yet, not to one who said he will be absent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from meetings.facts import SessionRoll, member_key, quorum_rules
from meetings.models import AttendanceAnswer, Session
from meetings.quorum import QuorumResult, quorum_check
from meetings.roll import ProxyGrant, RollEntry
from members.models import Mandate
from members.selectors import mandates_open_on

Answer = AttendanceAnswer.Answer


@dataclass(frozen=True)
class ExpectedRoll:
    """The roll the answers announce, and who has not answered."""

    roll: SessionRoll
    mandates: dict[int, Mandate]
    answers: dict[int, AttendanceAnswer]
    # Titulaires with no answer whose seat no suppléant takes: the expected quorum's unknown.
    unknown: tuple[Mandate, ...]

    @property
    def entries(self) -> tuple[RollEntry, ...]:
        return self.roll.entries

    @property
    def grants(self) -> tuple[ProxyGrant, ...]:
        return self.roll.proxies


@dataclass(frozen=True)
class ExpectedQuorum:
    """Expected attendance at the opening: present, represented, unknown, and the quorum."""

    present: int
    represented: int
    excused: int
    unknown: int
    in_office: int
    quorum: QuorumResult
    # Met even if every unknown member stays away.
    certain: bool
    # Can still be met if every unknown member comes.
    possible: bool


def _substitute_for(
    answer: AttendanceAnswer, suppleants: Sequence[Mandate], taken: set[int]
) -> Mandate | None:
    """The suppléant who sits for a titulaire who answered « my suppléant sits »."""
    if answer.substitute_id is not None:
        return next((m for m in suppleants if m.pk == answer.substitute_id), None)
    entity = answer.mandate.entity_id
    return next(
        (m for m in suppleants if m.entity_id == entity and entity and m.pk not in taken), None
    )


def expected_roll(
    session: Session,
    answers: Sequence[AttendanceAnswer] | None = None,
    *,
    mandates: Sequence[Mandate] | None = None,
    unknown_present: bool = False,
) -> ExpectedRoll:
    """The roll the answers announce, in a fixed number of queries.

    `answers` and `mandates` replace what is stored (to check an answer before saving it).
    """
    if mandates is None:
        mandates = list(mandates_open_on(session.body, session.date))
    if answers is None:
        answers = list(AttendanceAnswer.objects.filter(session=session).select_related("mandate"))
    by_mandate = {a.mandate_id: a for a in answers}
    titulaires = [m for m in mandates if m.role == Mandate.Role.TITULAIRE]
    suppleants = [m for m in mandates if m.role == Mandate.Role.SUPPLEANT]

    # Who sits for whom: titulaires who announced their suppléant.
    seated_for: dict[int, int] = {}  # suppléant pk -> titulaire pk
    for titulaire in titulaires:
        answer = by_mandate.get(titulaire.pk)
        if answer is not None and answer.answer == Answer.SUBSTITUTE:
            sub = _substitute_for(answer, suppleants, set(seated_for))
            if sub is not None:
                seated_for[sub.pk] = titulaire.pk

    entries: list[RollEntry] = []
    unknown: list[Mandate] = []
    for mandate in mandates:
        answer = by_mandate.get(mandate.pk)
        entry = RollEntry(
            member_id=member_key(mandate),
            name=mandate.person.full_name,
            role="titulaire" if mandate.role == Mandate.Role.TITULAIRE else "suppleant",
            entity=str(mandate.entity_id) if mandate.entity_id else None,
        )
        if mandate.pk in seated_for:
            entry = replace(
                entry, status="present", seated=True, replaces=member_key(seated_for[mandate.pk])
            )
        elif answer is None:
            if mandate.role == Mandate.Role.TITULAIRE:
                unknown.append(mandate)
                if unknown_present:
                    entry = replace(entry, status="present")
        elif answer.answer == Answer.PRESENT:
            entry = replace(entry, status="present")
        else:
            entry = replace(entry, status="excused")
        entries.append(entry)

    grants = tuple(
        ProxyGrant(giver=member_key(a.mandate_id), holder=member_key(a.holder_id))
        for a in answers
        if a.answer == Answer.PROXY and a.holder_id is not None
    )
    roll = SessionRoll(
        entries=tuple(entries),
        proxies=grants,
        in_office=len(titulaires),
        names={e.member_id: e.name for e in entries},
    )
    return ExpectedRoll(
        roll=roll,
        mandates={m.pk: m for m in mandates},
        answers=dict(by_mandate),
        unknown=tuple(unknown),
    )


def expected_quorum(session: Session, expected: ExpectedRoll | None = None) -> ExpectedQuorum:
    """The quorum the answers announce at the opening (CGCT L2121-17)."""
    expected = expected or expected_roll(session)
    count = expected.roll.count(None)
    rules = quorum_rules(session.body)
    present, represented = len(count.present), len(count.represented)
    unknown = len(expected.unknown)

    def check(extra: int) -> QuorumResult:
        return quorum_check(
            in_office=expected.roll.in_office,
            present=present + extra,
            represented=represented,
            rules=rules,
            reconvened=session.reconvenes_id is not None,
        )

    quorum = check(0)
    excused = (
        sum(
            1
            for e in expected.entries
            if e.role == "titulaire" and e.status != "present" and e.member_id not in count.present
        )
        - unknown
    )
    return ExpectedQuorum(
        present=present,
        represented=represented,
        excused=max(0, excused),
        unknown=unknown,
        in_office=expected.roll.in_office,
        quorum=quorum,
        certain=quorum.met,
        possible=check(unknown).met,
    )
