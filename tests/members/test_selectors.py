"""The member register's reads: members in office on a date, the register, a person."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from members import selectors
from members.models import Body, Mandate, MemberEntity
from tests.factories import BodyFactory, MandateFactory, MemberEntityFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = dt.date(2023, 6, 13)
DAY = dt.timedelta(days=1)


@pytest.fixture
def body() -> Body:
    return BodyFactory.create(short_name="PMA")


def mandate(body: Body, last_name: str, **kwargs: Any) -> Mandate:
    return MandateFactory.create(
        body=body, person=PersonFactory.create(last_name=last_name), **kwargs
    )


def names(mandates: Any) -> list[str]:
    return [m.person.last_name for m in mandates]


def test_members_in_office_on_a_date(body: Body) -> None:
    mandate(body, "Finie-avant", end_date=D - DAY)
    mandate(body, "Finie-le-jour", end_date=D)
    mandate(body, "Commence-le-jour", start_date=D)
    mandate(body, "Commence-apres", start_date=D + DAY)
    mandate(body, "Suppleant", suppleant=True)
    mandate(BodyFactory.create(), "Autre-assemblee")
    assert sorted(names(selectors.members_in_office(body, D))) == [
        "Commence-le-jour",
        "Finie-le-jour",
    ]


def test_register_groups_by_entity_titulaires_then_suppleants(body: Body) -> None:
    call = MemberEntityFactory.create(
        body=body, name="CA de Lens-Liévin", short_name="CALL", seats=3
    )
    cahc = MemberEntityFactory.create(
        body=body, name="CA d'Hénin-Carvin", short_name="CAHC", seats=2
    )
    mandate(body, "Bossart", entity=call)
    mandate(body, "Bavay", entity=call, office="Président")
    mandate(body, "Lemaire", entity=call, office="Vice-président")
    mandate(body, "Laversin", entity=call, suppleant=True)
    mandate(body, "Pilch", entity=cahc)
    mandate(body, "Ancien", entity=cahc, end_date=D - DAY)
    mandate(body, "Futur", entity=cahc, start_date=D + DAY)
    mandate(body, "Sans-entite")

    register = selectors.register(body, D)

    assert [g.entity for g in register.groups] == [cahc, call, None]
    cahc_group, call_group, loose = register.groups
    assert names(call_group.titulaires) == ["Bavay", "Lemaire", "Bossart"]
    assert names(call_group.suppleants) == ["Laversin"]
    assert names(cahc_group.titulaires) == ["Pilch"]
    assert cahc_group.vacant_seats == 1
    assert cahc_group.ended == cahc_group.upcoming == []
    assert names(loose.titulaires) == ["Sans-entite"]
    assert (register.in_office, register.titulaires_count, register.suppleants_count) == (5, 5, 1)


def test_register_with_history_shows_ended_and_upcoming_mandates(body: Body) -> None:
    cahc = MemberEntityFactory.create(body=body, short_name="CAHC")
    mandate(body, "Pilch", entity=cahc)
    mandate(body, "Ancien", entity=cahc, end_date=D - DAY)
    mandate(body, "Futur", entity=cahc, start_date=D + DAY)

    (group,) = selectors.register(body, D, include_ended=True).groups

    assert names(group.titulaires) == ["Pilch"]
    assert names(group.ended) == ["Ancien"]
    assert names(group.upcoming) == ["Futur"]


def test_register_filtered_by_entity_keeps_the_body_count(body: Body) -> None:
    call = MemberEntityFactory.create(body=body, short_name="CALL", seats=4)
    cahc = MemberEntityFactory.create(body=body, short_name="CAHC", seats=4)
    for name in ("A", "B", "C"):
        mandate(body, name, entity=call)
    mandate(body, "D", entity=cahc)

    register = selectors.register(body, D, entity=cahc)

    assert [g.entity for g in register.groups] == [cahc]
    assert (register.titulaires_count, register.in_office) == (1, 4)


def test_an_entity_without_mandates_is_listed_with_its_vacant_seats(body: Body) -> None:
    MemberEntityFactory.create(body=body, short_name="CD62", seats=2)
    (group,) = selectors.register(body, D).groups
    assert group.titulaires == [] and group.vacant_seats == 2


def _populate(body: Body, entities: int, per_entity: int) -> None:
    for _ in range(entities):
        entity = MemberEntityFactory.create(body=body, seats=per_entity)
        for i in range(per_entity):
            MandateFactory.create(
                body=body, entity=entity, office="Vice-président" if i == 0 else ""
            )
            MandateFactory.create(body=body, entity=entity, suppleant=True)
            MandateFactory.create(body=body, entity=entity, end_date=D - DAY)


@pytest.mark.parametrize(("entities", "per_entity"), [(1, 1), (6, 8)])
@pytest.mark.parametrize(("history", "filtered", "queries"), [(False, False, 2), (True, True, 3)])
def test_register_query_count_does_not_grow_with_data(
    django_assert_num_queries: Any,
    body: Body,
    entities: int,
    per_entity: int,
    history: bool,
    filtered: bool,
    queries: int,
) -> None:
    _populate(body, entities, per_entity)
    entity = body.entities.first() if filtered else None
    with django_assert_num_queries(queries):
        register = selectors.register(body, D, include_ended=history, entity=entity)
        for group in register.groups:
            for m in group.titulaires + group.suppleants + group.ended + group.upcoming:
                assert m.person.full_name and (m.entity is None or m.entity.short_name)
    if not filtered:
        assert register.in_office == entities * per_entity


@pytest.mark.parametrize("count", [1, 12])
def test_person_with_mandates_in_two_queries(
    django_assert_num_queries: Any, body: Body, count: int
) -> None:
    person = PersonFactory.create()
    for year in range(count):
        MandateFactory.create(
            body=body,
            person=person,
            start_date=dt.date(2000 + year, 1, 1),
            end_date=dt.date(2000 + year, 12, 31),
            entity=MemberEntityFactory.create(body=body),
        )
    with django_assert_num_queries(2):
        found = selectors.person_with_mandates(person.pk, bodies=Body.objects.filter(pk=body.pk))
        rows = [
            (m.body.short_name, m.entity.short_name if m.entity else "")
            for m in found.mandates.all()
        ]
    assert len(rows) == count
    assert [m.start_date.year for m in found.mandates.all()] == sorted(
        (2000 + y for y in range(count)), reverse=True
    )


def test_person_with_mandates_is_limited_to_the_bodies_given(body: Body) -> None:
    other = BodyFactory.create()
    mine = MandateFactory.create(body=body)
    MandateFactory.create(body=other, person=mine.person)
    outsider = MandateFactory.create(body=other).person

    found = selectors.person_with_mandates(mine.person.pk, bodies=Body.objects.filter(pk=body.pk))

    assert list(found.mandates.all()) == [mine]
    with pytest.raises(type(outsider).DoesNotExist):
        selectors.person_with_mandates(outsider.pk, bodies=Body.objects.filter(pk=body.pk))


def test_entities_with_counts(body: Body) -> None:
    call: MemberEntity = MemberEntityFactory.create(body=body, short_name="CALL", seats=3)
    MandateFactory.create(body=body, entity=call)
    MandateFactory.create(body=body, entity=call, end_date=D - DAY)
    MandateFactory.create(body=body, entity=call, suppleant=True)
    (row,) = selectors.entities_with_counts(body, D)
    assert (row.in_office, row.suppleants) == (1, 1)  # type: ignore[attr-defined]
