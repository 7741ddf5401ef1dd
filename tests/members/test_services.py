"""The member register's writes: persons, mandates, promotion, member entities."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from members import services
from members.models import Body, Mandate, MemberEntity, Person
from tests.factories import (
    AttendanceFactory,
    BodyFactory,
    MandateFactory,
    MemberEntityFactory,
    PersonFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date(2024, 9, 1)


@pytest.fixture
def body() -> Body:
    return BodyFactory.create(short_name="PMA", name="Pôle Métropolitain de l'Artois")


@pytest.fixture
def call(body: Body) -> MemberEntity:
    return MemberEntityFactory.create(
        body=body, name="Communauté d'Agglomération de Lens-Liévin", short_name="CALL", seats=2
    )


def titulaire(body: Body, entity: MemberEntity | None = None, **kwargs: object) -> Mandate:
    return MandateFactory.create(body=body, entity=entity, **kwargs)


def suppleant(body: Body, entity: MemberEntity | None = None, **kwargs: object) -> Mandate:
    return MandateFactory.create(body=body, entity=entity, suppleant=True, **kwargs)


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# person_create / person_update ---------------------------------------------------------


def test_person_create_registers_the_person_with_a_first_mandate(
    body: Body, call: MemberEntity
) -> None:
    person = services.person_create(
        body=body,
        civility=Person.Civility.MRS,
        first_name=" Corinne ",
        last_name="Laversin",
        email="c.laversin@example.fr",
        role=Mandate.Role.SUPPLEANT,
        entity=call,
        start_date=dt.date(2020, 7, 1),
    )
    mandate = person.mandates.get()
    assert person.full_name == "Corinne Laversin"
    assert (mandate.body, mandate.entity, mandate.role) == (body, call, Mandate.Role.SUPPLEANT)
    assert mandate.external_id == "laversin"
    assert mandate.end_date is None


def test_external_id_is_a_free_slug_of_the_name_in_the_body(body: Body) -> None:
    def create(first: str, last: str) -> str:
        person = services.person_create(
            body=body,
            civility=Person.Civility.MR,
            first_name=first,
            last_name=last,
            role=Mandate.Role.TITULAIRE,
            start_date=D,
        )
        return person.mandates.get().external_id

    assert create("Jean-Pascal", "Scalone") == "scalone"
    assert create("Marie", "Scalone") == "marie-scalone"
    assert create("Marie", "Scalone") == "marie-scalone-2"
    assert create("Éloïse", "Dupré-Lefèvre") == "dupre-lefevre"
    # Another body has its own identifiers.
    other = BodyFactory.create()
    person = services.person_create(
        body=other,
        civility=Person.Civility.MR,
        last_name="Scalone",
        role=Mandate.Role.TITULAIRE,
        start_date=D,
    )
    assert person.mandates.get().external_id == "scalone"


def test_an_external_id_already_used_in_the_body_is_refused_and_nothing_saved(
    body: Body,
) -> None:
    titulaire(
        body,
        external_id="bavay",
        person=PersonFactory.create(first_name="Alain", last_name="Bavay"),
    )
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            body=body,
            civility=Person.Civility.MR,
            last_name="Bavay",
            role=Mandate.Role.TITULAIRE,
            start_date=D,
            external_id="bavay",
        )
    assert "external_id" in exc.value.error_dict
    assert "« bavay » est déjà celui du mandat de Alain Bavay" in messages_of(exc)
    assert not Person.objects.filter(first_name="", last_name="Bavay").exists()


def test_person_update_corrects_the_identity(body: Body) -> None:
    person = PersonFactory.create(last_name="Lefebvre", first_name="Nadine")
    updated = services.person_update(
        person=person,
        civility=Person.Civility.MRS,
        first_name="Nadine",
        last_name="Lefebvre-Martin",
        email="n.lefebvre@example.fr",
        phone="03 21 00 00 00",
    )
    person.refresh_from_db()
    assert updated.last_name == person.last_name == "Lefebvre-Martin"
    assert person.email == "n.lefebvre@example.fr"


def test_person_update_refuses_a_bad_email_in_french() -> None:
    person = PersonFactory.create()
    with pytest.raises(ValidationError) as exc:
        services.person_update(
            person=person, civility=Person.Civility.MR, last_name="Idziak", email="pas-un-courriel"
        )
    assert "email" in exc.value.error_dict


# mandate_create ------------------------------------------------------------------------


def test_two_open_titulaire_mandates_for_one_person_are_refused(body: Body) -> None:
    first = titulaire(body, person=PersonFactory.create(first_name="Ludovic", last_name="Idziak"))
    with pytest.raises(ValidationError) as exc:
        services.mandate_create(
            person=first.person, body=body, role=Mandate.Role.TITULAIRE, start_date=D
        )
    assert "Ludovic Idziak est déjà titulaire dans cette assemblée du 01/07/2020" in messages_of(
        exc
    )
    assert Mandate.objects.filter(person=first.person).count() == 1


def test_a_titulaire_mandate_after_the_previous_one_ended_is_accepted(body: Body) -> None:
    first = titulaire(body, end_date=D - dt.timedelta(days=1))
    again = services.mandate_create(
        person=first.person, body=body, role=Mandate.Role.TITULAIRE, start_date=D
    )
    assert again.pk and again.external_id != first.external_id


def test_the_same_person_may_be_titulaire_in_another_body(body: Body) -> None:
    first = titulaire(body)
    other = services.mandate_create(
        person=first.person, body=BodyFactory.create(), role=Mandate.Role.TITULAIRE, start_date=D
    )
    assert other.pk


def test_more_titulaires_than_seats_are_refused_naming_entity_and_person(
    body: Body, call: MemberEntity
) -> None:
    titulaire(body, call)
    titulaire(body, call)
    person = PersonFactory.create(first_name="Steve", last_name="Bossart")
    with pytest.raises(ValidationError) as exc:
        services.mandate_create(
            person=person, body=body, role=Mandate.Role.TITULAIRE, entity=call, start_date=D
        )
    assert exc.value.error_dict.keys() == {"entity"}
    assert messages_of(exc) == (
        "Les 2 sièges de titulaire de Communauté d'Agglomération de Lens-Liévin (CALL) "
        "sont déjà tous pourvus le 01/09/2024 : Steve Bossart ne peut y être titulaire."
    )
    assert not person.mandates.exists()


def test_suppleants_and_ended_titulaires_do_not_take_a_seat(body: Body, call: MemberEntity) -> None:
    titulaire(body, call)
    titulaire(body, call, end_date=D - dt.timedelta(days=1))
    suppleant(body, call)
    suppleant(body, call)
    mandate = services.mandate_create(
        person=PersonFactory.create(),
        body=body,
        role=Mandate.Role.TITULAIRE,
        entity=call,
        start_date=D,
    )
    assert mandate.entity == call


def test_a_seat_taken_later_in_the_period_is_refused_on_that_date(body: Body) -> None:
    entity = MemberEntityFactory.create(body=body, short_name="CAHC", seats=1)
    titulaire(body, entity, start_date=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.mandate_create(
            person=PersonFactory.create(),
            body=body,
            role=Mandate.Role.TITULAIRE,
            entity=entity,
            start_date=D,
        )
    assert "Le siège de titulaire de" in messages_of(exc)
    assert "est déjà pourvu le 01/01/2025" in messages_of(exc)
    # Ending before that date fits.
    ok = services.mandate_create(
        person=PersonFactory.create(),
        body=body,
        role=Mandate.Role.TITULAIRE,
        entity=entity,
        start_date=D,
        end_date=dt.date(2024, 12, 31),
    )
    assert ok.pk


def test_an_entity_of_another_body_is_refused(body: Body) -> None:
    foreign = MemberEntityFactory.create(name="Communauté urbaine d'Arras")
    with pytest.raises(ValidationError) as exc:
        services.mandate_create(
            person=PersonFactory.create(),
            body=body,
            role=Mandate.Role.SUPPLEANT,
            entity=foreign,
            start_date=D,
        )
    assert (
        "Communauté urbaine d'Arras n'est pas membre adhérent de cette assemblée."
        in messages_of(exc)
    )


def test_a_mandate_ending_before_it_starts_is_refused(body: Body) -> None:
    person = PersonFactory.create(first_name="Olivier", last_name="Gacquerre")
    with pytest.raises(ValidationError) as exc:
        services.mandate_create(
            person=person,
            body=body,
            role=Mandate.Role.SUPPLEANT,
            start_date=D,
            end_date=D - dt.timedelta(days=1),
        )
    assert exc.value.error_dict.keys() == {"end_date"}
    assert "La fin du mandat de Olivier Gacquerre (31/08/2024)" in messages_of(exc)


# mandate_end ---------------------------------------------------------------------------


def test_mandate_end_sets_the_last_day(body: Body) -> None:
    mandate = titulaire(body)
    ended = services.mandate_end(mandate=mandate, end_date=D)
    mandate.refresh_from_db()
    assert ended.end_date == mandate.end_date == D
    assert not mandate.is_open_on(D + dt.timedelta(days=1))


def test_mandate_end_before_the_start_is_refused_in_french(body: Body) -> None:
    mandate = titulaire(body, person=PersonFactory.create(first_name="Alain", last_name="Bavay"))
    with pytest.raises(ValidationError) as exc:
        services.mandate_end(mandate=mandate, end_date=dt.date(2020, 6, 30))
    assert messages_of(exc) == (
        "La fin du mandat de Alain Bavay (30/06/2020) ne peut précéder son début (01/07/2020)."
    )
    mandate.refresh_from_db()
    assert mandate.end_date is None


def test_mandate_end_before_a_session_where_the_member_was_on_the_roll_is_refused(
    body: Body,
) -> None:
    mandate = titulaire(
        body, person=PersonFactory.create(first_name="Laurent", last_name="Duporge")
    )
    AttendanceFactory.create(
        session=SessionFactory.create(body=body, date=dt.date(2023, 6, 13)), mandate=mandate
    )
    with pytest.raises(ValidationError) as exc:
        services.mandate_end(mandate=mandate, end_date=dt.date(2023, 6, 1))
    assert "Laurent Duporge figure à l'appel de la séance du 13/06/2023" in messages_of(exc)
    assert services.mandate_end(mandate=mandate, end_date=dt.date(2023, 6, 13)).end_date


def test_extending_an_ended_mandate_checks_the_seats_again(body: Body, call: MemberEntity) -> None:
    ended = titulaire(body, call, end_date=D - dt.timedelta(days=1))
    titulaire(body, call, start_date=D)
    titulaire(body, call, start_date=D)
    with pytest.raises(ValidationError) as exc:
        services.mandate_end(mandate=ended, end_date=D + dt.timedelta(days=30))
    assert "sont déjà tous pourvus le 01/09/2024" in messages_of(exc)


# mandate_promote -----------------------------------------------------------------------


def test_promote_ends_the_suppleant_on_the_eve_and_opens_a_titulaire_mandate(
    body: Body, call: MemberEntity
) -> None:
    titulaire(body, call)
    deputy = suppleant(
        body,
        call,
        external_id="laversin",
        person=PersonFactory.create(first_name="Corinne", last_name="Laversin"),
    )
    new = services.mandate_promote(mandate=deputy, day=D, office="Vice-présidente")
    deputy.refresh_from_db()
    assert deputy.end_date == dt.date(2024, 8, 31)
    assert (new.person, new.entity, new.body) == (deputy.person, call, body)
    assert (new.role, new.start_date, new.end_date) == (Mandate.Role.TITULAIRE, D, None)
    assert new.office == "Vice-présidente"
    assert new.external_id == "corinne-laversin"
    assert Mandate.objects.filter(entity=call, role=Mandate.Role.TITULAIRE).count() == 2


def test_promote_is_refused_when_the_entity_seats_are_all_taken_and_nothing_changes(
    body: Body, call: MemberEntity
) -> None:
    titulaire(body, call)
    titulaire(body, call)
    deputy = suppleant(
        body, call, person=PersonFactory.create(first_name="Patrick", last_name="Canivez")
    )
    with pytest.raises(ValidationError) as exc:
        services.mandate_promote(mandate=deputy, day=D)
    assert "Les 2 sièges de titulaire de" in messages_of(exc)
    assert "Patrick Canivez ne peut y être titulaire" in messages_of(exc)
    deputy.refresh_from_db()
    assert deputy.end_date is None
    assert not Mandate.objects.filter(person=deputy.person, role=Mandate.Role.TITULAIRE).exists()


def test_promote_on_a_seat_freed_the_day_before_is_accepted(body: Body, call: MemberEntity) -> None:
    titulaire(body, call)
    titulaire(body, call, end_date=D - dt.timedelta(days=1))
    deputy = suppleant(body, call)
    assert services.mandate_promote(mandate=deputy, day=D).start_date == D


def test_only_a_suppleant_can_be_promoted(body: Body) -> None:
    mandate = titulaire(body, person=PersonFactory.create(first_name="Sylvain", last_name="Robert"))
    with pytest.raises(ValidationError) as exc:
        services.mandate_promote(mandate=mandate, day=D)
    assert "Sylvain Robert n'est pas suppléant" in messages_of(exc)


def test_promote_on_the_first_day_of_the_suppleant_mandate_is_refused(body: Body) -> None:
    deputy = suppleant(body, start_date=D)
    with pytest.raises(ValidationError) as exc:
        services.mandate_promote(mandate=deputy, day=D)
    assert "ne peut devenir titulaire qu'à partir du 02/09/2024" in messages_of(exc)


def test_promote_after_the_suppleant_mandate_ended_is_refused(body: Body) -> None:
    deputy = suppleant(body, end_date=dt.date(2023, 12, 31))
    with pytest.raises(ValidationError) as exc:
        services.mandate_promote(mandate=deputy, day=D)
    assert "a pris fin le 31/12/2023" in messages_of(exc)


# entity_create / entity_update ---------------------------------------------------------


def test_entity_create_and_duplicate_short_name(body: Body) -> None:
    entity = services.entity_create(
        body=body, name="Communauté d'Agglomération d'Hénin-Carvin", short_name="CAHC", seats=5
    )
    assert (entity.body, entity.seats) == (body, 5)
    with pytest.raises(ValidationError) as exc:
        services.entity_create(body=body, name="Autre", short_name="cahc", seats=1)
    assert "Le sigle « cahc » est déjà celui de Communauté d'Agglomération d'Hénin-Carvin" in (
        messages_of(exc)
    )
    # Another body may use the same short name.
    assert services.entity_create(
        body=BodyFactory.create(), name="Autre", short_name="CAHC", seats=1
    )


def test_entity_needs_at_least_one_seat(body: Body) -> None:
    with pytest.raises(ValidationError) as exc:
        services.entity_create(
            body=body, name="Département du Pas-de-Calais", short_name="CD62", seats=0
        )
    assert "Département du Pas-de-Calais doit disposer d'au moins un siège" in messages_of(exc)


@time_machine.travel(dt.datetime(2024, 9, 1, 12, tzinfo=dt.UTC), tick=False)
def test_entity_update_cannot_drop_seats_below_the_titulaires_in_office(
    body: Body, call: MemberEntity
) -> None:
    titulaire(body, call)
    titulaire(body, call)
    with pytest.raises(ValidationError) as exc:
        services.entity_update(entity=call, name=call.name, short_name="CALL", seats=1)
    assert "compte 2 titulaires en exercice le 01/09/2024" in messages_of(exc)
    updated = services.entity_update(
        entity=call, name="CA de Lens-Liévin", short_name="CALL", seats=3
    )
    call.refresh_from_db()
    assert updated.seats == call.seats == 3
    assert call.name == "CA de Lens-Liévin"
