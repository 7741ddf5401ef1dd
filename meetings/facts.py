"""Bridge from the database to the pure rules: a session's roll and its computed figures.

Everything a screen, a document or an export states about presence, quorum and votes
comes from here, so that a figure is computed once and never typed twice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from meetings.models import AgendaItem, Attendance, Proxy, Session
from meetings.quorum import QuorumResult, QuorumRules, quorum_check
from meetings.roll import ProxyGrant, RollCount, RollEntry, roll_at
from members.models import Body, Mandate
from members.selectors import members_in_office


def member_key(mandate: Mandate | int) -> str:
    """The id of a mandate inside the pure roll (its primary key as text)."""
    return str(mandate if isinstance(mandate, int) else mandate.pk)


def quorum_rules(body: Body) -> QuorumRules:
    return QuorumRules(
        fraction=body.quorum_fraction,  # type: ignore[arg-type]
        counts_proxies=body.quorum_counts_proxies,
    )


@dataclass(frozen=True)
class SessionRoll:
    """A session's roll call as plain dataclasses, with the positions of its items."""

    entries: tuple[RollEntry, ...]
    proxies: tuple[ProxyGrant, ...]
    in_office: int
    names: dict[str, str] = field(default_factory=dict)

    def count(self, position: int | None, not_voting: Collection[str] = ()) -> RollCount:
        return roll_at(self.entries, self.proxies, position, not_voting=not_voting)


def roll_entries(
    attendances: Sequence[Attendance], mandates: Sequence[Mandate]
) -> tuple[RollEntry, ...]:
    """Roll entries for every mandate concerned: in office, or with an attendance row."""
    by_mandate = {a.mandate_id: a for a in attendances}
    seen: set[int] = set()
    entries: list[RollEntry] = []
    all_mandates = list(mandates) + [a.mandate for a in attendances]
    for mandate in all_mandates:
        if mandate.pk in seen:
            continue
        seen.add(mandate.pk)
        att = by_mandate.get(mandate.pk)
        entries.append(
            RollEntry(
                member_id=member_key(mandate),
                name=mandate.person.full_name,
                role="titulaire" if mandate.role == Mandate.Role.TITULAIRE else "suppleant",
                status=att.status if att else "absent",  # type: ignore[arg-type]
                entity=str(mandate.entity_id) if mandate.entity_id else None,
                seated=att.seated if att else False,
                replaces=member_key(att.replaces_id) if att and att.replaces_id else None,
                arrived_at=att.arrived_at.position if att and att.arrived_at else None,
                left_at=att.left_at.position if att and att.left_at else None,
            )
        )
    return tuple(entries)


def proxy_grants(proxies: Sequence[Proxy]) -> tuple[ProxyGrant, ...]:
    return tuple(
        ProxyGrant(
            giver=member_key(p.giver_id),
            holder=member_key(p.holder_id),
            from_item=p.from_item.position if p.from_item else None,
            consecutive_sessions=p.consecutive_sessions,
            illness=p.illness,
            revoked=p.revoked_at is not None,
        )
        for p in proxies
    )


def session_roll(session: Session) -> SessionRoll:
    """Load a session's roll in a fixed number of queries."""
    attendances = list(
        Attendance.objects.filter(session=session).select_related(
            "mandate__person", "mandate__entity", "arrived_at", "left_at"
        )
    )
    proxies = list(
        Proxy.objects.filter(session=session).select_related(
            "from_item", "carried_from__carried_from__carried_from"
        )
    )
    in_office = list(members_in_office(session.body, session.date))
    suppleants = [a.mandate for a in attendances]
    entries = roll_entries(attendances, in_office + suppleants)
    return SessionRoll(
        entries=entries,
        proxies=proxy_grants(proxies),
        in_office=len(in_office),
        names={e.member_id: e.name for e in entries},
    )


def session_quorum(session: Session, roll: SessionRoll | None = None) -> QuorumResult:
    """Quorum at the opening of the session (CGCT L2121-17)."""
    roll = roll or session_roll(session)
    count = roll.count(None)
    return quorum_check(
        in_office=roll.in_office,
        present=len(count.present),
        represented=len(count.represented),
        rules=quorum_rules(session.body),
        reconvened=False,
    )


@dataclass(frozen=True)
class ItemFigures:
    """Who may vote on an item, and whether its quorum is met."""

    present: int
    represented: int
    withheld: int
    voters: int
    quorum: QuorumResult


def item_figures(
    item: AgendaItem, roll: SessionRoll, not_voting: Collection[str] = ()
) -> ItemFigures:
    """Presence, proxies and quorum for one voted item (arrivals, departures, non-participants)."""
    full = roll.count(item.position)
    without = roll.count(item.position, not_voting=not_voting)
    session = item.session
    reconvened = session.reconvenes_id is not None and item.carried_over
    quorum = quorum_check(
        in_office=roll.in_office,
        present=len(without.present),
        represented=len(without.represented),
        rules=quorum_rules(session.body),
        reconvened=reconvened,
    )
    present, represented = len(full.present), len(full.represented)
    voters = len(without.present) + len(without.represented)
    return ItemFigures(
        present=present,
        represented=represented,
        withheld=present + represented - voters,
        voters=voters,
        quorum=quorum,
    )


def quorum_failed(session: Session) -> bool:
    """Whether the session lacked its quorum, at the opening or for an item left unvoted.

    Only such a session may be reconvened to deliberate without quorum (CGCT L2121-17).
    """
    roll = session_roll(session)
    if not session_quorum(session, roll).met:
        return True
    unvoted = session.items.filter(
        kind__in=[AgendaItem.Kind.PV_ADOPTION, AgendaItem.Kind.DELIBERATION], vote__isnull=True
    ).select_related("session__body")
    return any(not item_figures(item, roll).quorum.met for item in unvoted)
