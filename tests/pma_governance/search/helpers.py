"""Acts and users for the search tests, built with the factories."""

from __future__ import annotations

import datetime as dt

from deliberations.models import Deliberation, Vote
from meetings.models import AgendaItem, Session
from members.models import Body
from tests.factories import (
    AgendaItemFactory,
    DeliberationFactory,
    SessionFactory,
    VoteFactory,
)


def act(
    body: Body,
    title: str,
    *,
    considerants: str = "<p>Monsieur le Président EXPOSE :</p>",
    dispositif: str = "<p>APPROUVE le rapport.</p>",
    debate: str = "",
    day: dt.date = dt.date(2023, 6, 13),
    matiere: str = "7.5",
    seq: int | None = None,
    result: str | None = Vote.Result.ADOPTED,
) -> Deliberation:
    """A voted deliberation on its own item of a session of `body` on `day`."""
    session = Session.objects.filter(body=body, date=day).first() or SessionFactory(
        body=body, date=day
    )
    position = AgendaItem.objects.filter(session=session).count() + 1
    item = AgendaItemFactory(session=session, position=position, title=title, debate_summary=debate)
    if result is not None:
        VoteFactory(item=item, result=result)
    seq = seq or Deliberation.objects.filter(body=body).count() + 1
    return DeliberationFactory(
        item=item,
        title=title,
        considerants=considerants,
        dispositif=dispositif,
        matiere=matiere,
        status=Deliberation.Status.VOTED,
        number=f"{day.year}/{body.short_name}{seq:05d}",
        sequence=seq,
    )
