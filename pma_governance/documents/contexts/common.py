"""What every official document of a session shares: its heading, meta data, the roll as
documents state it (present, represented, substituted, absent) and the signatures.

Read-only, in a fixed number of queries whatever the size of the session. Every presence
and quorum figure comes from `meetings.facts`; every French phrase from
`pma_governance.lib.wording`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from meetings.facts import SessionRoll
from meetings.models import AgendaItem, Session
from meetings.roll import is_present
from members.models import Mandate, Person
from pma_governance.lib import wording as w

# An information item with one of these titles is the calendar of the next sessions: the
# PV states the sessions themselves there, so that the dates are never typed twice.
CALENDAR_TITLES = {"agenda", "calendrier", "calendrier des prochaines séances"}
ITEM_KIND_LABELS = {
    AgendaItem.Kind.DELIBERATION: "délibération",
    AgendaItem.Kind.INFORMATION: "information",
}


def load_session(session: Session | int) -> Session:
    """The session with its body, president and secretary (one query)."""
    pk = session if isinstance(session, int) else session.pk
    return Session.objects.select_related(
        "body", "president__person", "secretary__person", "reconvenes"
    ).get(pk=pk)


def person_of(mandate: Mandate | None) -> Person | None:
    return mandate.person if mandate is not None else None


def president_title(session: Session) -> str:
    office = (session.president.office if session.president else "").strip()
    if not office or office.lower().startswith("président"):
        return session.body.president_title
    return office[:1].lower() + office[1:]


def civility(person: Person | None) -> str:
    return person.civility if person is not None else Person.Civility.MR


def doc_meta(session: Session, title: str, footer: str) -> dict[str, str]:
    """Metadata and running header of a document (title, author = the body)."""
    body = session.body
    return {
        "title": f"{title} — {body.assembly_name} {w.of_the(body.name)} — "
        f"séance du {w.plain_date(session.date)}",
        "author": body.name,
        "subject": title,
        "running_title": f"Séance du {w.plain_date(session.date)}",
        "footer": footer,
    }


def heading_context(session: Session) -> dict[str, str]:
    """« COMITÉ SYNDICAL DU PÔLE MÉTROPOLITAIN DE L'ARTOIS » / « SÉANCE DU MARDI 13 JUIN 2023 »."""
    body = session.body
    return {
        "assembly": w.upper(f"{body.assembly_name} {w.of_the(body.name)}"),
        "session": w.upper_session_heading(session.date),
    }


def attendance_context(
    session: Session,
    roll: SessionRoll,
    *,
    position: int | None,
    threshold: int,
    present_or_represented: int,
    reconvened: bool = False,
) -> dict[str, Any]:
    """The attendance block shared by the PV and the acts, at the opening or at one item."""
    count = roll.count(position)
    titulaires = [e for e in roll.entries if e.role == "titulaire"]
    suppleants = [e for e in roll.entries if e.role == "suppleant"]
    missing = [
        e
        for e in titulaires
        if e.member_id not in count.present and e.member_id not in count.represented
    ]
    present_titulaires = [e.name for e in titulaires if e.member_id in count.present]
    groups = [
        ("Membres titulaires présents", present_titulaires),
        (
            "Membres suppléants présents",
            [e.name for e in suppleants if e.member_id in count.present],
        ),
        (
            "Membres titulaires ayant donné procuration",
            [
                w.proxy_phrase(e.name, roll.names[count.represented[e.member_id]])
                for e in titulaires
                if e.member_id in count.represented
            ],
        ),
        ("Membres titulaires excusés", [e.name for e in missing if e.status == "excused"]),
        ("Membres titulaires absents", [e.name for e in missing if e.status != "excused"]),
        # A suppléant with no absent titulaire to sit for attends without a vote (L5212-7).
        (
            "Membres suppléants présents sans voix délibérative",
            [
                e.name
                for e in suppleants
                if e.member_id not in count.present and is_present(e, position)
            ],
        ),
    ]
    return {
        "opening": w.opening_sentence(
            day=session.date,
            start=session.start_time,
            president=person_of(session.president),
            president_title=president_title(session),
            assembly=session.body.assembly_name,
            body_name=session.body.name,
            place=session.place,
        ),
        "of_assembly": w.of_the(session.body.assembly_name),
        "in_office": roll.in_office,
        "threshold": threshold,
        "present_or_represented": present_or_represented,
        "reconvened": reconvened,
        "groups": [
            {"label": label, "count": len(names), "names": names}
            for index, (label, names) in enumerate(groups)
            if names or index == 0
        ],
    }


# The signature fields of an act, and the blocks the documents reserve for them.
PRESIDENT_FIELD = "president"
SECRETARY_FIELD = "secretaire"


def signatures_context(session: Session, *, secretary: bool = True) -> list[dict[str, str]]:
    """« Le Président, » and « Le secrétaire de séance, » with their names."""
    president = person_of(session.president)
    blocks = [
        {
            "field": PRESIDENT_FIELD,
            "label": w.president_signature(civility(president)),
            "name": president.full_name if president else "",
        }
    ]
    clerk = person_of(session.secretary)
    if secretary and clerk is not None:
        blocks.append(
            {
                "field": SECRETARY_FIELD,
                "label": w.secretary_signature(clerk.civility),
                "name": clerk.full_name,
            }
        )
    return blocks


def calendar_context(session: Session) -> dict[str, Any] | None:
    """The body's sessions planned after this one, in its year (else the next one)."""
    later = list(
        Session.objects.filter(
            body=session.body,
            date__gt=session.date,
            date__lte=session.date + dt.timedelta(days=366),
        )
        .order_by("date")
        .only("date", "start_time", "end_time")
    )
    planned = [s for s in later if s.date.year == session.date.year] or later[:1]
    if not planned:
        return None
    return {
        "intro": w.calendar_intro(
            civility(person_of(session.president)),
            session.body.assembly_name,
            [s.date.year for s in planned],
        ),
        "sessions": [w.calendar_line(s.date, s.start_time, s.end_time) for s in planned],
    }
