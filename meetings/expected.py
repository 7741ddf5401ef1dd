"""The session as the members' answers announce it: the expected roll and quorum.

Before a session, each member may answer (`AttendanceAnswer`): present, excused, absent
with a pouvoir, or his suppléant sits. This module turns those answers into the same pure
roll (`RollEntry`, `ProxyGrant`) that the session's own rules count, so that a pouvoir
given online is checked by exactly the rules of the session (`meetings.proxies`), and the
expected quorum by the same engine (`meetings.quorum`).

A member who has not answered is « unknown »: not counted present in the expected quorum;
when checking a pouvoir, `unknown_present=True` treats him as coming (one may give a
pouvoir to a member who has not answered yet, not to one who said he will be absent).

The suppléant who sits for a titulaire answering « my suppléant sits » is the one he
named; otherwise one is chosen among the free suppléants who did not say they stay away:
of the titulaire's own member entity (those who answered « present » first), or, when the
titulaire has no entity, one who answered « present ». None is chosen when the statutes
do not let suppléants sit (`Body.substitutes_sit`), nor for a suppléant who answered he
will be absent: the titulaire's seat then stays open, to be filled at the roll call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.db.models import Max

from meetings.facts import SessionRoll, member_key, quorum_rules
from meetings.models import AttendanceAnswer, ConvocationReceipt, Session
from meetings.quorum import QuorumResult, quorum_check
from meetings.roll import ProxyGrant, RollEntry
from members.models import Mandate
from members.selectors import mandates_open_on

Answer = AttendanceAnswer.Answer

# A suppléant's own answer that says he will not come: he sits for nobody.
STAYS_AWAY = frozenset({Answer.EXCUSED, Answer.PROXY, Answer.SUBSTITUTE})


@dataclass(frozen=True)
class ExpectedRoll:
    """The roll the answers announce, and who has not answered."""

    roll: SessionRoll
    mandates: dict[int, Mandate]
    answers: dict[int, AttendanceAnswer]
    # Titulaires with no answer whose seat no suppléant takes: the expected quorum's unknown.
    unknown: tuple[Mandate, ...]
    # Titulaire pk -> the suppléant expected to sit for him.
    substitutes: dict[int, Mandate] = field(default_factory=dict)

    @property
    def entries(self) -> tuple[RollEntry, ...]:
        return self.roll.entries

    @property
    def grants(self) -> tuple[ProxyGrant, ...]:
        return self.roll.proxies


@dataclass(frozen=True)
class ExpectedQuorum:
    """Expected attendance at the opening: present, represented, unknown, and the quorum.

    The titulaires' seats split into present (in person, or a suppléant sitting for
    him), represented (a pouvoir to a member expected present), excused (said he stays
    away, without a pouvoir that counts) and unknown (no answer):
    present + represented + excused + unknown == in_office.
    """

    present: int
    represented: int
    excused: int
    unknown: int
    in_office: int
    # The quorum if every unknown member stays away.
    quorum: QuorumResult
    # Met even if every unknown member stays away.
    certain: bool
    # Can still be met if every unknown member comes (and the pouvoirs he holds count).
    possible: bool
    # Reconvened after a failed quorum: the items carried over need none (CGCT L2121-17).
    reconvened: bool = False

    @property
    def missing(self) -> int:
        """Members still needed for the quorum if every unknown member stays away."""
        return max(0, self.quorum.threshold - self.quorum.counted)


def _free_suppleant(
    titulaire: Mandate,
    suppleants: Sequence[Mandate],
    taken: set[int],
    by_mandate: dict[int, AttendanceAnswer],
) -> Mandate | None:
    """The suppléant chosen for a titulaire who did not name one (module docstring)."""

    def answered_present(m: Mandate) -> bool:
        own = by_mandate.get(m.pk)
        return own is not None and own.answer == Answer.PRESENT

    free = [
        m
        for m in suppleants
        if m.pk not in taken and not (m.pk in by_mandate and by_mandate[m.pk].answer in STAYS_AWAY)
    ]
    if titulaire.entity_id is None:
        candidates = [m for m in free if answered_present(m)]
    else:
        # CGCT L5212-7: a suppléant sits for a titulaire of its own collectivity
        candidates = [m for m in free if m.entity_id == titulaire.entity_id]
    candidates.sort(key=lambda m: (not answered_present(m), m.entity_id is None))
    return candidates[0] if candidates else None


def _seated_for(
    titulaires: Sequence[Mandate],
    suppleants: Sequence[Mandate],
    by_mandate: dict[int, AttendanceAnswer],
) -> dict[int, Mandate]:
    """Titulaire pk -> suppléant, for the titulaires who answered « my suppléant sits »."""
    by_pk = {m.pk: m for m in suppleants}
    asking = [
        t for t in titulaires if t.pk in by_mandate and by_mandate[t.pk].answer == Answer.SUBSTITUTE
    ]
    seated: dict[int, Mandate] = {}
    taken: set[int] = set()
    # Named suppléants first (the first titulaire to name one keeps him), then the others.
    for titulaire in asking:
        named = by_pk.get(by_mandate[titulaire.pk].substitute_id or 0)
        own = by_mandate.get(named.pk) if named is not None else None
        if named is not None and named.pk not in taken and not (own and own.answer in STAYS_AWAY):
            seated[titulaire.pk] = named
            taken.add(named.pk)
    for titulaire in asking:
        if titulaire.pk in seated or by_mandate[titulaire.pk].substitute_id is not None:
            continue
        chosen = _free_suppleant(titulaire, suppleants, taken, by_mandate)
        if chosen is not None:
            seated[titulaire.pk] = chosen
            taken.add(chosen.pk)
    return seated


def expected_roll(
    session: Session,
    answers: Sequence[AttendanceAnswer] | None = None,
    *,
    mandates: Sequence[Mandate] | None = None,
    unknown_present: bool = False,
) -> ExpectedRoll:
    """The roll the answers announce, in two queries (mandates, answers).

    `answers` and `mandates` replace what is stored (to check an answer before saving it).
    """
    if mandates is None:
        mandates = list(mandates_open_on(session.body, session.date))
    if answers is None:
        answers = list(AttendanceAnswer.objects.filter(session=session))
    by_mandate = {a.mandate_id: a for a in answers}
    titulaires = [m for m in mandates if m.role == Mandate.Role.TITULAIRE]
    suppleants = [m for m in mandates if m.role == Mandate.Role.SUPPLEANT]

    substitutes = (
        _seated_for(titulaires, suppleants, by_mandate) if session.body.substitutes_sit else {}
    )
    sitting_for = {sub.pk: titulaire_pk for titulaire_pk, sub in substitutes.items()}

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
        if mandate.pk in sitting_for:
            entry = replace(
                entry, status="present", seated=True, replaces=member_key(sitting_for[mandate.pk])
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
        substitutes=substitutes,
    )


def _with_unknown_present(expected: ExpectedRoll) -> SessionRoll:
    """The same roll if every member who has not answered comes."""
    unknown = {member_key(m) for m in expected.unknown}
    entries = tuple(
        replace(e, status="present") if e.member_id in unknown else e for e in expected.entries
    )
    return replace(expected.roll, entries=entries)


def expected_quorum(session: Session, expected: ExpectedRoll | None = None) -> ExpectedQuorum:
    """The quorum the answers announce at the opening (CGCT L2121-17).

    Counted as the live screen counts the opening (`meetings.facts.session_quorum`): a
    reconvened session is flagged, its carried-over items needing no quorum.
    """
    expected = expected or expected_roll(session)
    rules = quorum_rules(session.body)
    in_office = expected.roll.in_office

    def check(roll: SessionRoll) -> QuorumResult:
        count = roll.count(None)
        return quorum_check(
            in_office=in_office,
            present=len(count.present),
            represented=len(count.represented),
            rules=rules,
        )

    quorum = check(expected.roll)
    best = check(_with_unknown_present(expected)) if expected.unknown else quorum
    unknown = len(expected.unknown)
    return ExpectedQuorum(
        present=quorum.present,
        represented=quorum.represented,
        excused=max(0, in_office - quorum.present - quorum.represented - unknown),
        unknown=unknown,
        in_office=in_office,
        quorum=quorum,
        certain=quorum.met,
        possible=best.met,
        reconvened=session.reconvenes_id is not None,
    )


# --- The secretariat's list of answers ---------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    """One member on the secretariat's list: his answer (or none yet) and its details."""

    mandate: Mandate
    answer: AttendanceAnswer | None
    holder: Mandate | None = None
    # The suppléant expected to sit for him (named by him, or chosen: see the module).
    substitute: Mandate | None = None
    # The suppléant he named in his answer, whether or not he can sit.
    named_substitute: Mandate | None = None
    reminded_at: dt.datetime | None = None

    @property
    def is_titulaire(self) -> bool:
        return self.mandate.role == Mandate.Role.TITULAIRE


@dataclass(frozen=True)
class ExpectedAttendance:
    """What the session page shows of the answers: the figures, the list, who to remind."""

    quorum: ExpectedQuorum
    rows: list[AnswerRow]
    # Titulaires who have not answered, by name: the warning and the reminder.
    unknown: list[Mandate]
    answered: int

    @property
    def warning(self) -> bool:
        return not self.quorum.certain


def expected_attendance(session: Session) -> ExpectedAttendance:
    """The expected roll and quorum with the list of answers, in four queries whatever
    the number of members (mandates, answers, holders outside the register, reminders)."""
    answers = list(AttendanceAnswer.objects.filter(session=session).order_by("answered_at"))
    expected = expected_roll(session, answers)
    mandates = dict(expected.mandates)
    outside = {a.holder_id for a in answers if a.holder_id} | {
        a.substitute_id for a in answers if a.substitute_id
    }
    outside -= set(mandates)
    if outside:
        # A holder whose mandate ended since the answer: still named on the list.
        mandates.update(
            (m.pk, m) for m in Mandate.objects.filter(pk__in=outside).select_related("person")
        )
    reminded = dict(
        ConvocationReceipt.objects.filter(session=session, reminded_at__isnull=False)
        .values("mandate_id")
        .annotate(last=Max("reminded_at"))
        .values_list("mandate_id", "last")
    )
    rows = []
    for mandate in expected.mandates.values():
        answer = expected.answers.get(mandate.pk)
        substitute = expected.substitutes.get(mandate.pk)
        rows.append(
            AnswerRow(
                mandate=mandate,
                answer=answer,
                holder=mandates.get(answer.holder_id) if answer and answer.holder_id else None,
                substitute=substitute,
                named_substitute=(
                    mandates.get(answer.substitute_id) if answer and answer.substitute_id else None
                ),
                reminded_at=reminded.get(mandate.pk),
            )
        )
    rows.sort(key=lambda r: (not r.is_titulaire, r.mandate.person.last_name.casefold()))
    return ExpectedAttendance(
        quorum=expected_quorum(session, expected),
        rows=rows,
        unknown=list(expected.unknown),
        answered=sum(1 for r in rows if r.answer is not None),
    )
