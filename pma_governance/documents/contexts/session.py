"""Facts of the session documents: PV, liste des délibérations, convocation, feuille
d'émargement. Each returns a plain dict for its `templates/pdf/` page, in a fixed number of
queries whatever the size of the session.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.utils import timezone

from deliberations.statements import session_acts, vote_context
from meetings.convocation import clear_days_between
from meetings.facts import session_quorum, session_roll
from meetings.models import AgendaItem, ProcesVerbal, Proxy, Session
from members.models import Body, Mandate, Person
from members.selectors import mandates_open_on
from pma_governance.documents.contexts.acts import act_context
from pma_governance.documents.contexts.common import (
    CALENDAR_TITLES,
    ITEM_KIND_LABELS,
    attendance_context,
    calendar_context,
    civility,
    doc_meta,
    heading_context,
    load_session,
    person_of,
    signatures_context,
)
from pma_governance.lib import wording as w
from pma_governance.lib.richtext import normalize


def pv_context(session: Session | int) -> dict[str, Any]:
    """Everything the procès-verbal states (CGCT L2121-15), as in the seed PV."""
    session = load_session(session)
    body = session.body
    roll = session_roll(session)
    quorum = session_quorum(session, roll)
    president = person_of(session.president)
    items = list(
        session.items.select_related("adopts_pv__session", "rapporteur__person").order_by(
            "position"
        )
    )
    deliberations, votes = session_acts(session)
    calendar = calendar_context(session)
    pv = getattr(session, "pv", None)
    reconvened = session.reconvenes_id is not None and not quorum.met

    entries: list[dict[str, Any]] = []
    in_deliberations = False
    calendar_shown = False
    for item in items:
        vote = votes.get(item.pk)
        entry: dict[str, Any] = {
            "kind": item.kind,
            "position": item.position,
            "title": item.title,
            "heading": w.upper(item.title),
            "debate": normalize(item.debate_summary),
            "starts_deliberations": False,
            "vote": None,
            "approval": "",
            "act": None,
            "calendar": None,
        }
        if item.kind == AgendaItem.Kind.DELIBERATION and item.pk in deliberations:
            entry["starts_deliberations"] = not in_deliberations
            in_deliberations = True
            entry["act"] = act_context(
                deliberations[item.pk], session=session, item=item, roll=roll, vote=vote
            )
        else:
            in_deliberations = False
        if item.kind == AgendaItem.Kind.PV_ADOPTION and vote is not None:
            entry["vote"] = vote_context(vote)
            adopted = vote.result == vote.Result.ADOPTED
            entry["approval"] = (
                w.pv_approval(body.assembly_name, item.adopts_pv.session.date, adopted=adopted)
                if item.adopts_pv is not None
                else (
                    "Approuve le procès-verbal." if adopted else "N'approuve pas le procès-verbal."
                )
            )
        if (
            item.kind == AgendaItem.Kind.INFORMATION
            and item.title.strip().lower() in CALENDAR_TITLES
            and calendar is not None
            and not calendar_shown
        ):
            entry["calendar"], calendar_shown = calendar, True
        entries.append(entry)

    closing = normalize(pv.closing_text if pv is not None else "")
    if not closing and session.end_time:
        closing = normalize(w.closing_sentence(civility(president), session.end_time))
    return {
        "doc": doc_meta(session, "Procès-verbal", "Procès-verbal"),
        "heading": heading_context(session),
        "attendance": attendance_context(
            session,
            roll,
            position=None,
            threshold=quorum.threshold,
            present_or_represented=quorum.present + quorum.represented,
        ),
        "roll_call": w.roll_call_sentence(
            assembly=body.assembly_name,
            secretary=person_of(session.secretary),
            present_or_represented=quorum.present + quorum.represented,
            threshold=quorum.threshold,
            met=quorum.met,
            reconvened=reconvened,
        ),
        # CGCT L2121-15: the PV lists the ordre du jour before stating each item.
        "agenda": [{"position": e["position"], "title": e["title"]} for e in entries],
        "preamble": normalize(pv.preamble if pv is not None else ""),
        "items": entries,
        "calendar": None if calendar_shown else calendar,
        "closing": closing,
        "done_at": w.done_at(body.seat_city, session.date),
        "signatures": signatures_context(session),
        # Until it is signed, every page of the PV says it is a draft (« PROJET »).
        "draft_mark": pv is None or pv.status == ProcesVerbal.Status.DRAFT,
    }


def liste_context(session: Session | int, *, only: Collection[int] | None = None) -> dict[str, Any]:
    """The liste des délibérations examinées en séance (CGCT L2121-25).

    `only` (deliberation ids) restricts the rows: the public copy lists the published acts
    and nothing else (DESIGN §1).
    """
    session = load_session(session)
    body = session.body
    deliberations, votes = session_acts(session)
    rows = []
    for item_id, deliberation in sorted(
        deliberations.items(), key=lambda pair: pair[1].item.position if pair[1].item else 0
    ):
        if only is not None and deliberation.pk not in only:
            continue
        vote = votes.get(item_id)
        result = vote_context(vote) if vote is not None else None
        rows.append(
            {
                "number": deliberation.number or "",
                "title": deliberation.title,
                "result": result["label"] if result else "Non soumise au vote",
                # As in the PV: « à l'unanimité » beside its mode and figures.
                "figures": result["figures"] if result else "",
            }
        )
    return {
        "doc": doc_meta(session, "Liste des délibérations", "Liste des délibérations"),
        "heading": heading_context(session),
        "title": "LISTE DES DÉLIBÉRATIONS",
        "subtitle": f"examinées par {w.the(body.assembly_name)} en sa séance du "
        f"{w.long_date(session.date)}",
        "legal": "Article L2121-25 du Code général des collectivités territoriales : liste "
        "affichée au siège et mise en ligne sur le site internet dans un délai d'une semaine.",
        "rows": rows,
        "done_at": w.done_at(body.seat_city, session.date),
        "signatures": signatures_context(session, secretary=False),
    }


def _session_president(session: Session) -> Person | None:
    if session.president is not None:
        return session.president.person
    mandate = (
        mandates_open_on(session.body, session.date).filter(office__iexact="Président").first()
    )
    return mandate.person if mandate is not None else None


def convocation_context(session: Session | int) -> dict[str, Any]:
    """The convocation letter with the ordre du jour (CGCT L2121-10 to L2121-12)."""
    session = load_session(session)
    body = session.body
    president = _session_president(session)
    items = list(session.items.order_by("position"))
    # Dated the day it was sent (an archive records only the day, as `convened_on`).
    sent_on = (
        timezone.localdate(session.convocation_sent_at)
        if session.convocation_sent_at
        else session.convened_on
    )
    city = body.seat_city
    return {
        "doc": doc_meta(session, "Convocation", "Convocation"),
        "heading": heading_context(session),
        "sender": f"Le Président {w.of_the(body.name)}"
        if president is None or not w.is_feminine(president.civility)
        else f"La Présidente {w.of_the(body.name)}",
        "address": body.address,
        # Not sent yet: the date stays blank, and the letter says it has not left.
        "place_date": f"{city}, le {w.plain_date(sent_on)}" if sent_on else f"{city}, le ……………",
        "not_sent": "Convocation non envoyée" if sent_on is None else "",
        # CGCT L2121-10 to L2121-12: the delay in clear days between sending and the session.
        "delay": w.convocation_delay_sentence(
            sent_on=sent_on,
            clear_days=clear_days_between(sent_on, session.date),
            delay_days=body.convocation_delay_days,
        )
        if sent_on is not None
        else "",
        "recipients": f"Mesdames et Messieurs les membres {w.of_the(body.assembly_name)}",
        "object": f"Convocation à la séance {w.of_the(body.assembly_name)} du "
        f"{w.long_date(session.date)}",
        "salutation": "Madame, Monsieur,",
        "invitation": w.convocation_invitation(
            assembly=body.assembly_name,
            body_name=body.name,
            day=session.date,
            start=session.start_time,
            place=session.place,
        ),
        "agenda": [
            {
                "position": item.position,
                "title": item.title,
                "kind": ITEM_KIND_LABELS.get(AgendaItem.Kind(item.kind), ""),
            }
            for item in items
        ],
        "proxy_notice": w.proxy_notice(body.assembly_name, body.max_proxies_per_holder),
        "substitute_notice": (
            "Un membre titulaire empêché est invité à en informer son suppléant, qui siège "
            "alors avec voix délibérative."
            if body.substitutes_sit
            else ""
        ),
        "closing": "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations "
        "distinguées.",
        "signature": {
            "label": w.president_signature(civility(president)),
            "name": president.full_name if president else "",
        },
    }


def emargement_context(session: Session | int) -> dict[str, Any]:
    """The feuille d'émargement: every member in office and every suppléant, to sign."""
    session = load_session(session)
    body: Body = session.body
    roll = session_roll(session)
    quorum = session_quorum(session, roll)
    mandates = list(mandates_open_on(body, session.date))
    proxies = {
        p.giver_id: p.holder.person.full_name
        for p in Proxy.objects.filter(session=session, revoked_at__isnull=True).select_related(
            "holder__person"
        )
    }

    def row(mandate: Mandate) -> dict[str, str]:
        holder = proxies.get(mandate.pk)
        return {
            "name": mandate.person.full_name,
            "civility": mandate.person.civility,
            "entity": mandate.entity.short_name if mandate.entity else "",
            "office": mandate.office,
            "proxy": f"Pouvoir à {holder}" if holder else "",
        }

    titulaires = [row(m) for m in mandates if m.role == Mandate.Role.TITULAIRE]
    suppleants = [row(m) for m in mandates if m.role == Mandate.Role.SUPPLEANT]
    return {
        "doc": doc_meta(session, "Feuille d'émargement", "Feuille d'émargement"),
        "heading": heading_context(session),
        "title": "FEUILLE D'ÉMARGEMENT",
        "when": w.capfirst(w.long_date(session.date))
        + (f" à {w.time_in_words(session.start_time)}" if session.start_time else ""),
        "place": session.place,
        "in_office": quorum.in_office,
        "threshold": quorum.threshold,
        "titulaires": titulaires,
        "suppleants": suppleants,
        "groups": [
            {"label": "Membres titulaires", "rows": titulaires},
            {"label": "Membres suppléants", "rows": suppleants},
        ],
        "with_entities": any(r["entity"] for r in titulaires + suppleants),
    }
