"""What the live session screen shows: the roll, proxies, quorum and each item's vote.

Gathered in a fixed number of queries whatever the size of the assembly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from deliberations.models import Deliberation, Vote
from meetings.facts import (
    ItemFigures,
    SessionRoll,
    item_figures,
    member_key,
    proxy_grants,
    quorum_rules,
    roll_entries,
)
from meetings.models import AgendaItem, Attendance, AttendanceAnswer, Proxy, Session
from meetings.proxies import legal_holders
from meetings.quorum import QuorumResult, quorum_check
from meetings.roll import same_entity
from meetings.services import proxy_rules, roll_problems
from members.models import Mandate
from members.selectors import mandates_open_on
from pma_governance.live.models import SessionScreen


@dataclass
class RollRow:
    mandate: Mandate
    attendance: Attendance | None
    present_now: bool
    holds: list[Proxy] = field(default_factory=list)
    gave: Proxy | None = None
    # For a suppléant: the absent titulaires he may sit for (meetings.roll.same_entity).
    may_replace: list[Mandate] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else Attendance.Status.ABSENT

    @property
    def is_titulaire(self) -> bool:
        return self.mandate.role == Mandate.Role.TITULAIRE

    @property
    def declared(self) -> bool:
        """Pre-filled from the member's answer and not confirmed yet (meetings.prefill)."""
        return bool(
            (self.attendance and self.attendance.declared) or (self.gave and self.gave.declared)
        )


@dataclass
class ItemRow:
    item: AgendaItem
    vote: Vote | None
    deliberation: Deliberation | None
    figures: ItemFigures | None


@dataclass
class LiveState:
    session: Session
    roll: SessionRoll
    rows: list[RollRow]
    groups: list[tuple[str, list[RollRow]]]
    proxies: list[Proxy]
    quorum: QuorumResult
    items: list[ItemRow]
    problems: list[str]
    absent_titulaires: list[Mandate]
    mandates: dict[int, Mandate]
    # An empty roll with answers given before the session: it may be pre-filled.
    can_prefill: bool = False

    @property
    def declared(self) -> list[RollRow]:
        return [row for row in self.rows if row.declared]

    def holder_choices(self, giver_id: int) -> list[Mandate]:
        ids = legal_holders(
            self.roll.entries,
            self.roll.proxies,
            member_key(giver_id),
            proxy_rules(self.session.body),
        )
        return [self.mandates[int(i)] for i in ids if int(i) in self.mandates]

    def voters_for_roll_call(self, item: AgendaItem) -> list[tuple[Mandate, Mandate | None]]:
        """Who votes on an item by name: present voting members, then each proxy's giver."""
        count = self.roll.count(item.position)
        people: list[tuple[Mandate, Mandate | None]] = [
            (self.mandates[int(i)], None) for i in sorted(count.present, key=int)
        ]
        people += [
            (self.mandates[int(giver)], self.mandates[int(holder)])
            for giver, holder in sorted(count.represented.items(), key=lambda kv: int(kv[0]))
        ]
        return sorted(people, key=lambda p: (p[0].person.last_name, p[0].person.first_name))


def live_state(session: Session) -> LiveState:
    mandates = list(mandates_open_on(session.body, session.date))
    attendances = list(
        Attendance.objects.filter(session=session).select_related(
            "mandate__person", "mandate__entity", "arrived_at", "left_at", "replaces__person"
        )
    )
    proxies = list(
        Proxy.objects.filter(session=session, revoked_at__isnull=True)
        .select_related("giver__person", "holder__person", "from_item", "carried_from")
        .order_by("giver__person__last_name")
    )
    items = list(
        AgendaItem.objects.filter(session=session)
        .select_related("rapporteur__person", "session__body")
        .order_by("position")
    )
    votes = {
        v.item_id: v
        for v in Vote.objects.filter(item__session=session).prefetch_related("not_voting__person")
    }
    deliberations = {d.item_id: d for d in Deliberation.objects.filter(item__session=session)}

    by_pk = {m.pk: m for m in mandates}
    for att in attendances:
        by_pk.setdefault(att.mandate_id, att.mandate)
    in_office = [m for m in mandates if m.role == Mandate.Role.TITULAIRE]
    entries = roll_entries(attendances, list(by_pk.values()))
    roll = SessionRoll(
        entries=entries,
        proxies=proxy_grants(proxies),
        in_office=len(in_office),
        names={e.member_id: e.name for e in entries},
    )
    opening = roll.count(None)
    quorum = quorum_check(
        in_office=roll.in_office,
        present=len(opening.present),
        represented=len(opening.represented),
        rules=quorum_rules(session.body),
    )
    att_by_mandate = {a.mandate_id: a for a in attendances}
    held: dict[int, list[Proxy]] = defaultdict(list)
    gave: dict[int, Proxy] = {}
    for proxy in proxies:
        held[proxy.holder_id].append(proxy)
        gave[proxy.giver_id] = proxy
    rows = [
        RollRow(
            mandate=m,
            attendance=att_by_mandate.get(m.pk),
            present_now=att_by_mandate.get(m.pk) is not None
            and att_by_mandate[m.pk].status == Attendance.Status.PRESENT,
            holds=held.get(m.pk, []),
            gave=gave.get(m.pk),
        )
        for m in sorted(
            by_pk.values(),
            key=lambda m: (
                m.role != Mandate.Role.TITULAIRE,
                m.person.last_name,
                m.person.first_name,
            ),
        )
    ]
    grouped: dict[str, list[RollRow]] = defaultdict(list)
    for row in rows:
        label = "Titulaires" if row.is_titulaire else "Suppléants"
        grouped[label].append(row)
    item_rows = []
    for item in items:
        vote = votes.get(item.pk)
        figures = None
        if item.is_voted and vote is None:
            figures = item_figures(item, roll)
        item_rows.append(
            ItemRow(item=item, vote=vote, deliberation=deliberations.get(item.pk), figures=figures)
        )
    problems = [p.message for p in roll_problems(session, roll)]
    absent = [r.mandate for r in rows if r.is_titulaire and r.status != Attendance.Status.PRESENT]
    entry_of = {e.member_id: e for e in entries}
    for row in rows:
        if not row.is_titulaire:
            own = entry_of[member_key(row.mandate)]
            row.may_replace = [t for t in absent if same_entity(own, entry_of[member_key(t)])]
    return LiveState(
        session=session,
        roll=roll,
        rows=rows,
        groups=[(k, grouped[k]) for k in ("Titulaires", "Suppléants") if grouped.get(k)],
        proxies=proxies,
        quorum=quorum,
        items=item_rows,
        problems=problems,
        absent_titulaires=absent,
        mandates=by_pk,
        can_prefill=not attendances
        and not proxies
        and AttendanceAnswer.objects.filter(session=session).exists(),
    )


def context(state: LiveState, **extra: Any) -> dict[str, Any]:
    # The item shown on the room display (« Afficher ce point à l'écran »).
    screen_item = (
        SessionScreen.objects.filter(session=state.session)
        .values_list("current_item_id", flat=True)
        .first()
    )
    return {
        "state": state,
        "session": state.session,
        "nav": "sessions",
        "screen_item_id": screen_item,
        **extra,
    }
