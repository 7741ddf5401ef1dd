"""A small assembly for the members' answers: two collectivities, each with titulaires and
a suppléant, and a session three weeks ahead (answers open)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from meetings.models import Session
from members.models import Body, Mandate
from tests.factories import (
    BodyFactory,
    MandateFactory,
    MemberEntityFactory,
    PersonFactory,
    SessionFactory,
)

MEMBERS = [
    # first name, last name, civility, suppléant, collectivity
    ("Alice", "Martin", "Mme", False, "lens"),
    ("Bernard", "Durand", "M.", False, "lens"),
    ("Claire", "Petit", "Mme", False, "bethune"),
    ("David", "Leroy", "M.", False, "bethune"),
    ("Émilie", "Moreau", "Mme", False, "bethune"),
    ("Fabien", "Roux", "M.", True, "lens"),
    ("Gaëlle", "Simon", "Mme", True, "bethune"),
]


@dataclass
class Assembly:
    body: Body
    session: Session
    members: dict[str, Mandate]

    def __getitem__(self, first_name: str) -> Mandate:
        return self.members[first_name]


def make_assembly() -> Assembly:
    body = BodyFactory(name="Syndicat mixte des Collines", short_name="SMC", seat_city="Lens")
    entities = {
        "lens": MemberEntityFactory(body=body, name="Communauté d'agglomération de Lens-Liévin"),
        "bethune": MemberEntityFactory(body=body, name="Communauté d'agglomération de Béthune"),
    }
    members = {
        first: MandateFactory(
            body=body,
            role=Mandate.Role.SUPPLEANT if suppleant else Mandate.Role.TITULAIRE,
            entity=entities[entity],
            person=PersonFactory(
                first_name=first,
                last_name=last,
                civility=civility,
                email=f"{last.lower()}@collines.example.org",
            ),
            external_id=last.lower(),
        )
        for first, last, civility, suppleant, entity in MEMBERS
    }
    session = SessionFactory(
        body=body,
        date=timezone.localdate() + dt.timedelta(days=21),
        start_time=dt.time(18, 0),
        end_time=dt.time(20, 0),
        place="Salle du conseil",
        status=Session.Status.CONVENED,
    )
    return Assembly(body=body, session=session, members=members)
