"""What the public-side tests (pages, feed, sitemap, API, open data) publish and hide.

`published_assembly` makes a body with published sessions of any size (for the query-count
tests); `hidden_things` adds to a body everything the public must never reach: a projet, a
voted act, a signed but unpublished act and PV, and an act marked published without its
signed PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from deliberations.models import Deliberation, Vote
from meetings.models import AgendaItem, ProcesVerbal, Session
from members.models import Body
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    SessionFactory,
    VoteFactory,
)
from tests.pma_governance.publication.helpers import publish_fast, sign_fast, sign_pv_fast

PUBLISHED_ON = dt.date(2023, 12, 1)
# A SIRET that passes the INSEE check digit (Luhn), as Validata checks it.
SIRET = "20006035800013"


def voted_act(
    session: Session,
    *,
    number: str,
    sequence: int,
    matiere: str = "7.5",
    title: str | None = None,
    vote: dict[str, object] | None = None,
) -> Deliberation:
    """A deliberation voted in the session (numbered, not signed)."""
    item = AgendaItemFactory(
        session=session,
        position=sequence,
        kind=AgendaItem.Kind.DELIBERATION,
        title=title or f"Objet de la délibération {number}",
    )
    VoteFactory(item=item, **(vote or {}))
    return DeliberationFactory(
        body=session.body,
        item=item,
        status="voted",
        number=number,
        sequence=sequence,
        matiere=matiere,
    )


def published_assembly(
    short: str, *, sessions: int, acts: int, published_on: dt.date = PUBLISHED_ON
) -> Body:
    """A body with `sessions` sessions of `acts` published deliberations each, PVs published."""
    body = BodyFactory(short_name=short, siret=SIRET)
    sequence = 0
    for s in range(sessions):
        session = SessionFactory(body=body, date=dt.date(2023, 1, 10) + dt.timedelta(days=30 * s))
        voted = []
        for _ in range(acts):
            sequence += 1
            voted.append(
                voted_act(session, number=f"2023/{short}{sequence:05d}", sequence=sequence)
            )
        # Signed once the whole session is recorded (signing freezes its facts).
        for deliberation in voted:
            publish_fast(deliberation, on=published_on)
        sign_pv_fast(session, on=session.date)
        ProcesVerbal.objects.filter(session=session).update(
            status="published", published_on=published_on
        )
    return body


@dataclass
class Hidden:
    """Everything of a body the public must never reach."""

    session: Session  # its PV signed, not published; its acts below
    draft: Deliberation
    voted: Deliberation
    signed: Deliberation
    flag_only: Deliberation  # « published » by hand, without its signed PDF
    empty_session: Session  # nothing published at all

    @property
    def acts(self) -> list[Deliberation]:
        return [self.draft, self.voted, self.signed, self.flag_only]

    @property
    def numbers(self) -> list[str]:
        return [d.number for d in self.acts if d.number]

    @property
    def titles(self) -> list[str]:
        return [d.title for d in self.acts]


def hidden_things(body: Body, *, first_sequence: int = 900) -> Hidden:
    """A session of `body` on 1 December 2023 where nothing is public."""
    session = SessionFactory(body=body, date=dt.date(2023, 11, 28))
    short = body.short_name
    n = first_sequence
    voted = voted_act(session, number=f"2023/{short}{n:05d}", sequence=n, title="Acte voté caché")
    signed = voted_act(
        session, number=f"2023/{short}{n + 1:05d}", sequence=n + 1, title="Acte signé caché"
    )
    flag_only = voted_act(
        session, number=f"2023/{short}{n + 2:05d}", sequence=n + 2, title="Acte sans PDF caché"
    )
    draft = DeliberationFactory(
        body=body,
        item=AgendaItemFactory(session=session, position=99, title="Projet caché"),
    )
    sign_fast(signed, on=dt.date(2023, 11, 29))  # freezes the session's facts
    # An import may carry a « published » state without the signed PDF: still not public.
    Deliberation.objects.filter(pk=flag_only.pk).update(
        status="published", signed_at=timezone.now(), published_on=dt.date(2023, 11, 30)
    )
    sign_pv_fast(session, on=dt.date(2023, 11, 29))
    empty = SessionFactory(body=body, date=dt.date(2023, 12, 12))
    for act in (voted, signed, flag_only, draft):
        act.refresh_from_db()
    return Hidden(
        session=session,
        draft=draft,
        voted=voted,
        signed=signed,
        flag_only=flag_only,
        empty_session=empty,
    )


def secret_ballot(**counts: int) -> dict[str, object]:
    """Vote keyword arguments for a secret ballot with the given counts."""
    values: dict[str, object] = {
        "ballot": Vote.Ballot.SECRET,
        "unanimous": False,
        "present": counts.get("present", 10),
        "represented": 0,
        "votes_for": counts.get("votes_for", 5),
        "votes_against": counts.get("votes_against", 2),
        "abstentions": counts.get("abstentions", 1),
        "blank": counts.get("blank", 2),
        "result": Vote.Result.ADOPTED,
    }
    return values
