"""Importing a session document creates or replaces the session it describes, all or
nothing: the document is validated first (every problem by JSON path, nothing written),
then written in one transaction through the services, which apply the rules again — the
body and mandates created or updated, the session of that date replaced (the links later
sessions have to it kept), then its roll, items, acts and votes recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from deliberations.actes import nature_abbreviation
from deliberations.majority import Tally
from deliberations.models import Deliberation
from deliberations.services import deliberation_create, vote_given, vote_record
from meetings.convening_models import ConvocationDispatch
from meetings.models import AgendaItem, Attendance, ProcesVerbal, Proxy, Session
from meetings.services import agenda_item_add, roll_problems, session_create
from members.models import Body, Mandate, MemberEntity, Person
from pma_governance.interchange.checks import DEFAULT_NUMBERING
from pma_governance.interchange.schema import parse_date, parse_time
from pma_governance.interchange.validation import DocumentError, Plan, Problem, validate_document
from pma_governance.lib.actes_numbers import numero_interne
from pma_governance.lib.db import refused_when_frozen

# The start taken for a mandate the document gives without one (or the session's date).
DEFAULT_MANDATE_START = dt.date(2020, 7, 1)


def import_document(data: Any) -> Session:
    """Create or replace the session a document describes; all or nothing."""
    plan = validate_document(data)
    try:
        # A later session's signed acts may still point at this one: the database says no.
        with refused_when_frozen():
            return _write(plan)
    except ValidationError as exc:
        raise DocumentError([Problem("$", message) for message in exc.messages]) from exc


@transaction.atomic
def _write(plan: Plan) -> Session:
    body = _body_upsert(plan.body)
    mandates = _mandates_upsert(body, plan.mandates, plan.date)
    s = plan.session
    links = _session_delete(body, plan.date)
    session = session_create(
        body=body,
        date=plan.date,
        start_time=parse_time(s.get("time")),
        end_time=parse_time(s.get("end_time")),
        place=s.get("place") or "",
        kind=s.get("kind", Session.Kind.ORDINARY),
        president=mandates.get(s.get("president") or ""),
        secretary=mandates.get(s.get("secretary") or ""),
        reconvenes=plan.reconvenes,
        status=s.get("status", Session.Status.CLOSED),
    )
    AgendaItem.objects.filter(pk__in=links.adopting_items).update(adopts_pv=session.pv)
    Session.objects.filter(pk__in=links.reconvening_sessions).update(reconvenes=session)
    session.convened_on = parse_date(s.get("convened_on"))
    session.save(update_fields=["convened_on"])
    items: list[AgendaItem] = []
    for raw in s.get("items") or []:
        adopts = None
        adopted_day = parse_date(raw.get("adopts_pv_of"))
        if adopted_day is not None:
            adopts = ProcesVerbal.objects.filter(
                session__body=body, session__date=adopted_day
            ).first()
        item = agenda_item_add(
            session=session,
            kind=raw["kind"],
            title=raw["title"],
            rapporteur=mandates.get(raw.get("rapporteur") or ""),
            carried_over=raw.get("carried_over", False),
            adopts_pv=adopts,
        )
        item.debate_summary = raw.get("debate") or ""
        item.save(update_fields=["debate_summary"])
        items.append(item)
    _roll_write(session, s, mandates, items)
    for raw, item in zip(s.get("items") or [], items, strict=True):
        if raw["kind"] == AgendaItem.Kind.DELIBERATION:
            deliberation_create(
                body=body,
                title=raw["title"],
                matiere=raw["matiere"],
                nature=str(raw.get("nature", "1")),
                dispositif=raw["dispositif"],
                visas=raw.get("visas") or [],
                considerants=raw.get("considerants") or "",
                item=item,
                budget_year=raw.get("budget_year") or None,
            )
        if "vote" in raw:
            _vote_write(item, raw, mandates)
        if raw["kind"] == AgendaItem.Kind.DELIBERATION:
            _deliberation_followup(item, raw, body, plan.date)
    pv = session.pv
    pv.preamble = s.get("preamble") or ""
    pv.closing_text = s.get("closing") or ""
    pv.deposited_on = parse_date((s.get("pv") or {}).get("deposited_on"))
    pv.save(update_fields=["preamble", "closing_text", "deposited_on"])
    for raw in s.get("next_sessions") or []:
        day = parse_date(raw.get("date"))
        if day and not Session.objects.filter(body=body, date=day).exists():
            session_create(
                body=body,
                date=day,
                start_time=parse_time(raw.get("time")),
                end_time=parse_time(raw.get("end_time")),
                place=raw.get("place") or session.place,
            )
    return session


def _body_upsert(doc: Mapping[str, Any]) -> Body:
    body = Body.objects.filter(short_name=doc["short_name"]).first()
    if body is not None:
        return body
    rules = doc.get("rules") or {}
    body = Body(
        name=doc["name"],
        short_name=doc["short_name"],
        assembly_name=doc.get("assembly") or "Comité syndical",
        legal_form=doc.get("legal_form") or "",
        siren=doc.get("siren") or "",
        siret=doc.get("siret") or "",
        department_code=doc.get("department") or "",
        seat_city=doc.get("seat_city") or "",
        address=doc.get("address") or "",
        administrative_court=doc.get("administrative_court") or "",
        quorum_fraction=rules.get("quorum_fraction", "1/2"),
        # CGCT L2121-17 unless the statutes say otherwise: proxies do not count.
        quorum_counts_proxies=rules.get("quorum_counts_proxies", False),
        max_proxies_per_holder=rules.get("max_proxies_per_holder", 1),
        substitutes_sit=rules.get("substitutes", True),
        numbering_pattern=doc.get("numbering") or DEFAULT_NUMBERING,
        statutes_reference=doc.get("statutes") or "",
    )
    if doc.get("president_title"):
        body.president_title = doc["president_title"]
    body.full_clean()
    body.save()
    return body


def _mandates_upsert(
    body: Body, docs: Iterable[Mapping[str, Any]], day: dt.date
) -> dict[str, Mandate]:
    existing = {
        m.external_id: m
        for m in Mandate.objects.filter(body=body).select_related("person", "entity")
    }
    result: dict[str, Mandate] = {}
    for doc in docs:
        start, end = parse_date(doc.get("start")), parse_date(doc.get("end"))
        entity = None
        if isinstance(doc.get("entity"), str) and doc["entity"]:
            entity, _ = MemberEntity.objects.get_or_create(
                body=body, short_name=doc["entity"], defaults={"name": doc["entity"]}
            )
        mandate = existing.get(doc["id"])
        if mandate is None:
            person = Person.objects.create(
                civility=doc["civility"],
                first_name=doc.get("first_name") or "",
                last_name=doc["last_name"],
                email=doc.get("email") or "",
            )
            mandate = Mandate.objects.create(
                body=body,
                person=person,
                entity=entity,
                role=Mandate.Role.TITULAIRE
                if doc["role"] == "titulaire"
                else Mandate.Role.SUPPLEANT,
                office=doc.get("office") or "",
                start_date=start or min(day, DEFAULT_MANDATE_START),
                end_date=end,
                external_id=doc["id"],
                note=doc.get("note") or "",
            )
        else:
            changed: list[str] = []
            if start is not None and start != mandate.start_date:
                mandate.start_date, changed = start, [*changed, "start_date"]
            elif start is None and mandate.start_date > day:
                mandate.start_date, changed = day, [*changed, "start_date"]
            if end is not None and end != mandate.end_date:
                mandate.end_date, changed = end, [*changed, "end_date"]
            if entity is not None and mandate.entity_id != entity.pk:
                mandate.entity, changed = entity, [*changed, "entity"]
            if changed:
                mandate.save(update_fields=changed)
        result[doc["id"]] = mandate
    return result


@dataclass(frozen=True)
class _Links:
    """Rows of other sessions that point at a session being replaced."""

    adopting_items: list[int] = field(default_factory=list)
    reconvening_sessions: list[int] = field(default_factory=list)


def _session_delete(body: Body, day: dt.date) -> _Links:
    session = Session.objects.filter(body=body, date=day).first()
    if session is None:
        return _Links()
    # The convocation's proof (bordereau d'envoi, receipts) is kept with the session.
    if ConvocationDispatch.objects.filter(session=session).exists():
        raise ValidationError(
            f"La séance du {day:%d/%m/%Y} a une convocation envoyée depuis l'application : "
            "ses envois et accusés de réception (bordereau d'envoi, preuve du délai) sont "
            "conservés avec elle, un import ne peut pas la remplacer."
        )
    # A later session adopting this PV, or reconvening this session, keeps its link.
    links = _Links(
        adopting_items=list(
            AgendaItem.objects.filter(adopts_pv__session=session).values_list("pk", flat=True)
        ),
        reconvening_sessions=list(
            Session.objects.filter(reconvenes=session).values_list("pk", flat=True)
        ),
    )
    Deliberation.objects.filter(item__session=session).delete()
    AgendaItem.objects.filter(pk__in=links.adopting_items).update(adopts_pv=None)
    Session.objects.filter(pk__in=links.reconvening_sessions).update(reconvenes=None)
    Proxy.objects.filter(session=session).delete()
    Attendance.objects.filter(session=session).delete()
    AgendaItem.objects.filter(session=session).delete()
    ProcesVerbal.objects.filter(session=session).delete()
    session.delete()
    return links


def _roll_write(
    session: Session,
    s: Mapping[str, Any],
    mandates: Mapping[str, Mandate],
    items: Sequence[AgendaItem],
) -> None:
    """Write the roll in one go, then check it as a whole through the services' rules."""
    seated = {sub["member"]: sub.get("replaces") for sub in s.get("substitutes") or []}
    arrivals: dict[str, AgendaItem] = {}
    departures: dict[str, AgendaItem] = {}
    for raw, item in zip(s.get("items") or [], items, strict=True):
        for mid in raw.get("arrived") or []:
            arrivals[mid] = item
        for mid in raw.get("left") or []:
            departures[mid] = item
    statuses: dict[str, str] = {}
    for mid in list(s.get("present") or []) + list(arrivals):
        statuses[mid] = Attendance.Status.PRESENT
    for mid in s.get("excused") or []:
        statuses[mid] = Attendance.Status.EXCUSED
    for p in s.get("proxies") or []:
        statuses.setdefault(p["from"], Attendance.Status.EXCUSED)
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            mandate=mandates[mid],
            status=status,
            seated=mid in seated,
            replaces=mandates.get(seated.get(mid) or ""),
            arrived_at=arrivals.get(mid) if mid not in (s.get("present") or []) else None,
            left_at=departures.get(mid),
        )
        for mid, status in statuses.items()
    )
    Proxy.objects.bulk_create(
        Proxy(
            session=session,
            giver=mandates[p["from"]],
            holder=mandates[p["to"]],
            received_on=parse_date(p.get("received_on")),
            illness=p.get("illness", False),
        )
        for p in s.get("proxies") or []
    )
    problems = roll_problems(session)
    if problems:
        raise ValidationError([p.message for p in problems])


def _vote_write(item: AgendaItem, raw: Mapping[str, Any], mandates: Mapping[str, Mandate]) -> None:
    vote = raw["vote"]
    not_voting = [mandates[mid] for mid in raw.get("not_voting") or []]
    ballot = raw.get("ballot", vote.get("ballot", "show_of_hands"))
    if vote.get("unanimous") is True:
        mode = "unanimous"
    elif "roll_call" in vote:
        mode = "roll_call"
    else:
        mode = "counts"
    vote_record(
        item=item,
        ballot=ballot,
        not_voting=not_voting,
        not_voting_reason=raw.get("not_voting_reason") or "",
        president_vote=vote.get("president_vote"),
        number=raw.get("number"),
        **vote_given(
            mode,
            tally=Tally(
                for_=vote.get("for", 0),
                against=vote.get("against", 0),
                abstain=vote.get("abstain", 0),
                blank=vote.get("blank", 0),
            )
            if any(key in vote for key in ("for", "against", "abstain", "blank"))
            else None,
            roll_call={
                key: [mandates[mid] for mid in (vote.get("roll_call") or {}).get(key) or []]
                for key in ("for", "against", "abstain")
            }
            if "roll_call" in vote
            else None,
        ),
    )


def _deliberation_followup(
    item: AgendaItem, raw: Mapping[str, Any], body: Body, day: dt.date
) -> None:
    deliberation = Deliberation.objects.get(item=item)
    prefecture = raw.get("prefecture") or {}
    deliberation.prefecture_sent_on = parse_date(prefecture.get("sent_on"))
    deliberation.prefecture_received_on = parse_date(prefecture.get("received_on"))
    identifier = prefecture.get("identifier") or ""
    if deliberation.prefecture_received_on and not identifier and deliberation.number:
        identifier = acknowledgement_identifier(deliberation, body, day)
    deliberation.prefecture_identifier = identifier
    deliberation.published_on = parse_date(raw.get("published_on"))
    deliberation.full_clean()
    deliberation.save()


def acknowledgement_identifier(deliberation: Deliberation, body: Body, day: dt.date) -> str:
    """The @CTES identifier: département-SIREN-date-number-nature (DESIGN §6)."""
    number = numero_interne(deliberation.number or "")  # « 2023/PMA00192 » → 2023_PMA00192
    return (
        f"{body.department_code}-{body.siren}-{day:%Y%m%d}-{number}-"
        f"{nature_abbreviation(deliberation.nature)}"
    )
