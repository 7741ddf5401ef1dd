"""The facts a session's acts state, in the interchange vocabulary (DESIGN §7): body and
rules, mandates, roll, proxies, items with their acts and votes, and the `computed` figures
(quorum, votants, result) the rules give, read from the database as one
`pma-governance.session/1` document. Signing freezes this document with each act and the
interchange exports it as is, so both state the same facts in the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from deliberations.models import Deliberation, Vote
from meetings.facts import SessionRoll, item_figures, member_key, session_quorum, session_roll
from meetings.models import AgendaItem, Attendance, Session
from members.models import Body, Mandate
from members.selectors import members_in_office

FORMAT = "pma-governance.session/1"


def session_document(session: Session) -> dict[str, Any]:
    """The facts a session's acts state, in the interchange vocabulary: frozen with each
    signed act, exported as is by the interchange."""
    roll = session_roll(session)
    attendances = list(
        session.attendances.select_related("mandate__person", "mandate__entity", "replaces")
    )
    proxies = list(
        session.proxies.filter(revoked_at__isnull=True).select_related("giver", "holder")
    )
    items = list(
        session.items.select_related("rapporteur", "adopts_pv__session")
        .prefetch_related("arrivals__mandate", "departures__mandate")
        .order_by("position")
    )
    votes = {
        v.item_id: v
        for v in Vote.objects.filter(item__session=session).prefetch_related(
            "not_voting", "named_votes__mandate"
        )
    }
    deliberations = {d.item_id: d for d in Deliberation.objects.filter(item__session=session)}
    mandate_ids = {m.pk for m in members_in_office(session.body, session.date)}
    mandate_ids |= {a.mandate_id for a in attendances}
    mandate_objs = list(
        Mandate.objects.filter(pk__in=mandate_ids)
        .select_related("person", "entity")
        .order_by("-role", "id")
    )
    mandate_objs.sort(key=lambda m: (m.role != Mandate.Role.TITULAIRE, m.pk))
    ext = {m.pk: m.external_id for m in mandate_objs}
    givers = {p.giver_id for p in proxies}
    quorum = session_quorum(session, roll)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "body": _body_doc(session.body),
        "mandates": [_mandate_doc(m) for m in mandate_objs],
        "session": {
            "date": session.date.isoformat(),
            "time": _hhmm(session.start_time),
            "end_time": _hhmm(session.end_time),
            "place": session.place,
            "kind": session.kind,
            "status": session.status,
            "convened_on": session.convened_on.isoformat() if session.convened_on else None,
            "reconvened_from": session.reconvenes.date.isoformat() if session.reconvenes else None,
            "president": ext.get(session.president_id or 0),
            "secretary": ext.get(session.secretary_id or 0),
            "preamble": session.pv.preamble if hasattr(session, "pv") else "",
            "closing": session.pv.closing_text if hasattr(session, "pv") else "",
            "present": [
                ext[a.mandate_id] for a in attendances if a.status == Attendance.Status.PRESENT
            ],
            "substitutes": [
                {
                    "member": ext[a.mandate_id],
                    **({"replaces": ext[a.replaces_id]} if a.replaces_id else {}),
                }
                for a in attendances
                if a.seated
            ],
            "proxies": [
                {
                    "from": ext[p.giver_id],
                    "to": ext[p.holder_id],
                    **({"received_on": p.received_on.isoformat()} if p.received_on else {}),
                    **({"illness": True} if p.illness else {}),
                }
                for p in proxies
            ],
            "excused": [
                ext[a.mandate_id]
                for a in attendances
                if a.status == Attendance.Status.EXCUSED and a.mandate_id not in givers
            ],
            "items": [],
            "computed": {
                "in_office": quorum.in_office,
                "quorum": quorum.threshold,
                "present": quorum.present,
                "represented": quorum.represented,
                "counted_for_quorum": quorum.counted,
                "quorum_met": quorum.met,
            },
        },
    }
    for item in items:
        doc["session"]["items"].append(
            _item_doc(item, votes.get(item.pk), deliberations.get(item.pk), ext, roll)
        )
    pv = getattr(session, "pv", None)
    if pv is not None and pv.deposited_on:
        doc["session"]["pv"] = {"status": pv.status, "deposited_on": pv.deposited_on.isoformat()}
    return doc


def _hhmm(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _body_doc(body: Body) -> dict[str, Any]:
    return {
        "name": body.name,
        "short_name": body.short_name,
        "assembly": body.assembly_name,
        "legal_form": body.legal_form,
        "siren": body.siren,
        "department": body.department_code,
        "seat_city": body.seat_city,
        "address": body.address,
        "administrative_court": body.administrative_court,
        "rules": {
            "quorum_fraction": body.quorum_fraction,
            "quorum_counts_proxies": body.quorum_counts_proxies,
            "max_proxies_per_holder": body.max_proxies_per_holder,
            "substitutes": body.substitutes_sit,
        },
        "numbering": body.numbering_pattern,
    }


def _mandate_doc(m: Mandate) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": m.external_id,
        "civility": m.person.civility,
        "first_name": m.person.first_name,
        "last_name": m.person.last_name,
        "role": "titulaire" if m.role == Mandate.Role.TITULAIRE else "suppléant",
    }
    if m.office:
        doc["office"] = m.office
    if m.entity_id and m.entity is not None:
        doc["entity"] = m.entity.short_name
    doc["start"] = m.start_date.isoformat()
    if m.end_date:
        doc["end"] = m.end_date.isoformat()
    if m.note:
        doc["note"] = m.note
    return doc


def _item_doc(
    item: AgendaItem,
    vote: Vote | None,
    deliberation: Deliberation | None,
    ext: Mapping[int, str],
    roll: SessionRoll,
) -> dict[str, Any]:
    doc: dict[str, Any] = {"kind": item.kind, "title": item.title}
    if item.rapporteur_id:
        doc["rapporteur"] = ext.get(item.rapporteur_id, "")
    if item.carried_over:
        doc["carried_over"] = True
    if item.adopts_pv_id and item.adopts_pv is not None:
        doc["adopts_pv_of"] = item.adopts_pv.session.date.isoformat()
    arrived = [ext[a.mandate_id] for a in item.arrivals.all()]
    left = [ext[a.mandate_id] for a in item.departures.all()]
    if arrived:
        doc["arrived"] = arrived
    if left:
        doc["left"] = left
    if item.debate_summary:
        doc["debate"] = item.debate_summary
    if deliberation is not None:
        doc.update(_act_doc(deliberation))
    if vote is not None:
        doc.update(_vote_doc(vote, ext))
    if deliberation is not None:
        doc.update(_followup_doc(deliberation))
    if item.is_voted:
        doc["computed"] = _item_computed(item, vote, roll)
    return doc


def _act_doc(deliberation: Deliberation) -> dict[str, Any]:
    """The deliberation's number and texts."""
    doc: dict[str, Any] = {}
    if deliberation.number:
        doc["number"] = deliberation.number
    doc["nature"] = deliberation.nature
    doc["matiere"] = deliberation.matiere
    if deliberation.visas:
        doc["visas"] = list(deliberation.visas)
    if deliberation.considerants:
        doc["considerants"] = deliberation.considerants
    doc["dispositif"] = deliberation.dispositif
    if deliberation.budget_year:
        doc["budget_year"] = deliberation.budget_year
    return doc


def _vote_doc(vote: Vote, ext: Mapping[int, str]) -> dict[str, Any]:
    """The ballot, the vote as given (unanimity, names or counts) and who took no part."""
    doc: dict[str, Any] = {"ballot": vote.ballot}
    named = list(vote.named_votes.all())
    if vote.unanimous:
        doc["vote"] = {"unanimous": True}
    elif named:
        doc["vote"] = {
            "roll_call": {
                choice: [ext[n.mandate_id] for n in named if n.choice == choice]
                for choice in ("for", "against", "abstain")
            }
        }
    else:
        doc["vote"] = {
            "for": vote.votes_for,
            "against": vote.votes_against,
            "abstain": vote.abstentions,
            "blank": vote.blank,
        }
    if vote.casting_vote:
        doc["vote"]["president_vote"] = "for" if vote.result == Vote.Result.ADOPTED else "against"
    elif (
        not named
        and vote.ballot != Vote.Ballot.SECRET
        and vote.votes_for == vote.votes_against > 0
        and vote.abstentions
    ):
        # A tie without casting vote: the president abstained (CGCT L2121-20).
        doc["vote"]["president_vote"] = "abstain"
    not_voting = [ext[m.pk] for m in vote.not_voting.all()]
    if not_voting:
        doc["not_voting"] = not_voting
        if vote.not_voting_reason:
            doc["not_voting_reason"] = vote.not_voting_reason
    return doc


def _followup_doc(deliberation: Deliberation) -> dict[str, Any]:
    """What came after the vote: the prefecture's acknowledgement, the publication."""
    doc: dict[str, Any] = {}
    prefecture: dict[str, dt.date | str] = {
        key: value
        for key, value in (
            ("sent_on", deliberation.prefecture_sent_on),
            ("received_on", deliberation.prefecture_received_on),
        )
        if value
    }
    if deliberation.prefecture_identifier:
        prefecture["identifier"] = deliberation.prefecture_identifier
    if prefecture:
        doc["prefecture"] = {
            k: v.isoformat() if isinstance(v, dt.date) else v for k, v in prefecture.items()
        }
    if deliberation.published_on:
        doc["published_on"] = deliberation.published_on.isoformat()
    return doc


def _item_computed(item: AgendaItem, vote: Vote | None, roll: SessionRoll) -> dict[str, Any]:
    not_voting = [member_key(m) for m in vote.not_voting.all()] if vote is not None else []
    figures = item_figures(item, roll, not_voting)
    if vote is not None:
        return {
            "present": vote.present,
            "represented": vote.represented,
            "not_voting": vote.withheld,
            "voters": vote.voters,
            "for": vote.votes_for,
            "against": vote.votes_against,
            "abstain": vote.abstentions,
            "blank": vote.blank,
            "expressed": vote.expressed,
            "quorum": figures.quorum.threshold,
            "quorum_met": figures.quorum.met,
            "result": vote.result,
        }
    return {
        "present": figures.present,
        "represented": figures.represented,
        "not_voting": figures.withheld,
        "voters": figures.voters,
        "for": 0,
        "against": 0,
        "abstain": 0,
        "blank": 0,
        "expressed": 0,
        "quorum": figures.quorum.threshold,
        "quorum_met": figures.quorum.met,
        "result": "not_voted",
    }
