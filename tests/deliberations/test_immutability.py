"""A signed deliberation, its vote and its errata: what the DATABASE refuses and allows.

Acts are marked signed straight through the ORM (no PDF) so that the triggers are tested
alone; tests/meetings/test_signing_flow.py signs through the real services.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from deliberations.models import (
    Deliberation,
    DeliberationAnnex,
    Erratum,
    NamedVote,
    SignedDocument,
    Vote,
    VoteNonParticipant,
)
from deliberations.services import erratum_create, vote_record
from deliberations.storage import get_signed, store_signed
from meetings.models import ProcesVerbal, Session
from pma_governance.lib.db import frozen_refusal
from pma_governance.prefecture.services import annex_add
from tests.conftest import Council

FROZEN = "Acte signé : les faits qu'il constate ne peuvent plus être modifiés"
NUMBER = "2023/PMA00192"

pytestmark = pytest.mark.django_db


def refused(action: Callable[[], Any], *, contains: str = FROZEN) -> str:
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        action()
    message = frozen_refusal(excinfo.value)
    assert message is not None, excinfo.value
    assert contains in message
    return message


def sign(deliberation: Deliberation) -> Deliberation:
    """Mark the act signed as the service does: its session frozen first (no PDF here)."""
    assert deliberation.item is not None
    Session.objects.filter(pk=deliberation.item.session_id, facts_frozen_at__isnull=True).update(
        facts_frozen_at=timezone.now()
    )
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status="signed", signed_at=timezone.now(), frozen_facts={"number": deliberation.number}
    )
    return Deliberation.objects.select_related("item__session").get(pk=deliberation.pk)


@pytest.fixture
def aula(seed_session: Session) -> Deliberation:
    return sign(Deliberation.objects.get(number=NUMBER))


# --- The act ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Un autre objet"),
        ("number", "2023/PMA00999"),
        ("dispositif", "Article unique : autre chose."),
        ("considerants", "Autres considérants"),
        ("visas", ["le Code général des collectivités territoriales"]),
        ("matiere", "7.1"),
        ("budget_year", 2024),
        ("signed_at", dt.datetime(2023, 6, 14, tzinfo=dt.UTC)),
        ("frozen_facts", {}),
    ],
)
def test_signed_deliberation_refuses_any_change_of_what_it_states(
    aula: Deliberation, field: str, value: Any
) -> None:
    setattr(aula, field, value)
    assert f"Délibération n° {NUMBER}." in refused(aula.save)
    refused(lambda: Deliberation.objects.filter(pk=aula.pk).update(**{field: value}))


def test_signed_deliberation_lifecycle_moves_forward(aula: Deliberation) -> None:
    Deliberation.objects.filter(pk=aula.pk).update(
        status="transmitted", prefecture_sent_on=dt.date(2023, 6, 15)
    )
    Deliberation.objects.filter(pk=aula.pk).update(
        status="published", published_on=dt.date(2023, 6, 20)
    )
    aula.refresh_from_db()
    assert (aula.status, aula.published_on) == ("published", dt.date(2023, 6, 20))
    for back in ("transmitted", "signed", "voted", "draft"):

        def move_back(status: str = back) -> None:
            Deliberation.objects.filter(pk=aula.pk).update(status=status)

        assert "ne revient pas à un état antérieur" in refused(move_back)


def test_signed_deliberation_cannot_be_deleted(aula: Deliberation) -> None:
    # Raw SQL: whatever the code path, the trigger refuses (Django's PROTECT is not involved).
    def delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM deliberations_deliberation WHERE id = %s", [aula.pk])

    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        delete()
    assert "un acte signé ne peut être supprimé" in (frozen_refusal(excinfo.value) or "")


def test_an_unsigned_deliberation_is_not_frozen(seed_session: Session) -> None:
    Deliberation.objects.filter(number=NUMBER).update(budget_year=2023)
    assert Deliberation.objects.get(number=NUMBER).budget_year == 2023


# --- Its vote ----------------------------------------------------------------------------------


def test_vote_tallies_are_frozen_through_save_update_and_delete(aula: Deliberation) -> None:
    vote = Vote.objects.get(item__deliberation=aula)
    vote.not_voting_reason = "Autre motif"
    assert "Vote sur « Partenariat 2023 avec l'Agence d'urbanisme" in refused(vote.save)
    refused(lambda: Vote.objects.filter(pk=vote.pk).update(votes_for=1, voters=1, present=1))
    refused(lambda: Vote.objects.filter(pk=vote.pk).delete())


def test_not_voting_members_are_frozen(aula: Deliberation) -> None:
    vote = Vote.objects.get(item__deliberation=aula)
    laversin = vote.not_voting.get()
    assert laversin.person.last_name == "Laversin"
    refused(lambda: vote.not_voting.remove(laversin))
    refused(lambda: vote.not_voting.set([]))
    president = vote.item.session.president
    assert president is not None
    refused(lambda: vote.not_voting.add(president))
    refused(lambda: VoteNonParticipant.objects.filter(vote=vote).update(mandate=laversin))
    assert list(vote.not_voting.all()) == [laversin]


def test_named_votes_are_frozen(council: Council, seated: Callable[..., None]) -> None:
    seated("Alice", "Bernard", "Claire", "David")
    item = council.items[1]
    vote = vote_record(
        item=item,
        roll_call={
            "for": [council["Alice"], council["Bernard"], council["Claire"]],
            "against": [council["David"]],
        },
    )
    sign(Deliberation.objects.get(item=item))
    named = NamedVote.objects.get(vote=vote, mandate=council["David"])
    named.choice = NamedVote.Choice.FOR
    refused(named.save)
    refused(lambda: NamedVote.objects.filter(vote=vote).update(choice="abstain"))
    refused(lambda: NamedVote.objects.filter(vote=vote).delete())
    refused(lambda: NamedVote.objects.create(vote=vote, mandate=council["Émilie"], choice="for"))


def test_a_forgotten_vote_can_still_be_recorded_until_the_pv_is_signed(
    council: Council, seated: Callable[..., None]
) -> None:
    """Signing one act freezes the roll, not the session's other, still unrecorded votes."""
    seated("Alice", "Bernard", "Claire", "David")
    vote_record(item=council.items[1], unanimous=True)
    sign(Deliberation.objects.get(item=council.items[1]))

    vote = vote_record(
        item=council.items[2],
        roll_call={"for": [council["Alice"], council["Bernard"]], "against": [council["Claire"]]},
        not_voting=[council["David"]],
    )
    assert vote.named_votes.count() == 3

    ProcesVerbal.objects.filter(session=council.session).update(
        status="signed", signed_at=timezone.now()
    )
    # The service turns the database's refusal into the same French message.
    with pytest.raises(ValidationError) as excinfo:
        vote_record(item=council.items[0], unanimous=True)
    assert "le procès-verbal de la séance du 13/06/2023 est signé" in excinfo.value.messages[0]
    assert not Vote.objects.filter(item=council.items[0]).exists()


# --- Signed documents and errata are written once ------------------------------------------------


def test_signed_document_is_insert_only(aula: Deliberation) -> None:
    pdf = b"%PDF-1.7 signed bytes"
    document = store_signed(
        kind="deliberation",
        deliberation=aula,
        pdf=pdf,
        signed_at=timezone.now(),
        signatories=[{"name": "Alain Bavay"}],
    )
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    message = refused(
        lambda: SignedDocument.objects.filter(pk=document.pk).update(pdf=b"%PDF forged"),
        contains="Document signé : il est conservé tel qu'il a été signé",
    )
    assert "ni modifié ni supprimé" in message
    refused(
        lambda: SignedDocument.objects.filter(pk=document.pk).delete(), contains="Document signé"
    )
    with pytest.raises(ValidationError, match="déjà signé"):
        store_signed(
            kind="deliberation",
            deliberation=aula,
            pdf=b"%PDF-1.7 again",
            signed_at=timezone.now(),
            signatories=[{"name": "Alain Bavay"}],
        )
    assert get_signed("deliberation", deliberation=aula) == document


def test_signed_document_belongs_to_the_right_subject(aula: Deliberation) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SignedDocument.objects.create(
            kind="pv", deliberation=aula, pdf=b"x", sha256="0" * 64, signed_at=timezone.now()
        )


def test_erratum_corrects_a_signed_act_and_is_written_once(
    aula: Deliberation, admin_user: AbstractBaseUser
) -> None:
    erratum = erratum_create(
        deliberation=aula,
        text="Lire « 40 000 euros » au lieu de « 4 000 euros » à l'article 1.",
        created_by=admin_user,
    )
    assert aula.errata.get() == erratum
    refused(
        lambda: Erratum.objects.filter(pk=erratum.pk).update(text="Autre"),
        contains="Un erratum enregistré ne peut être ni modifié ni supprimé",
    )
    refused(lambda: Erratum.objects.filter(pk=erratum.pk).delete(), contains="Un erratum")


def test_erratum_service_refuses_in_french(
    seed_session: Session, admin_user: AbstractBaseUser
) -> None:
    draft = Deliberation.objects.get(number=NUMBER)
    with pytest.raises(ValidationError, match="n'est pas signée : corrigez-la directement"):
        erratum_create(deliberation=draft, text="Correction", created_by=admin_user)
    with pytest.raises(ValidationError, match="n'est pas signé : corrigez-le directement"):
        erratum_create(pv=seed_session.pv, text="Correction", created_by=admin_user)
    signed = sign(draft)
    with pytest.raises(ValidationError, match="une délibération ou un procès-verbal, un seul"):
        erratum_create(deliberation=signed, pv=seed_session.pv, text="x", created_by=admin_user)
    with pytest.raises(ValidationError, match="vide"):
        erratum_create(deliberation=signed, text="  ", created_by=admin_user)
    with pytest.raises(ValidationError, match="d'avant la signature"):
        erratum_create(
            deliberation=signed, text="x", date=dt.date(2020, 1, 1), created_by=admin_user
        )
    assert not Erratum.objects.exists()


# --- Annexes -------------------------------------------------------------------------------------


def test_annexes_of_a_signed_act_stay_as_they_were(aula: Deliberation) -> None:
    annex = annex_add(
        deliberation=aula, title="Convention AULA 2023", filename="convention.pdf", content=b"%PDF"
    )
    refused(lambda: DeliberationAnnex.objects.filter(pk=annex.pk).update(content=b"forged"))
    refused(lambda: DeliberationAnnex.objects.filter(pk=annex.pk).delete())
    Deliberation.objects.filter(pk=aula.pk).update(status="transmitted")
    with pytest.raises(ValidationError, match="est transmise : aucune annexe"):
        annex_add(deliberation=aula, title="Trop tard", filename="tard.pdf", content=b"%PDF")
    refused(
        lambda: DeliberationAnnex.objects.create(
            deliberation=aula, title="Trop tard", filename="t.pdf", content=b"x", sha256="0" * 64
        ),
        contains="est transmise en préfecture : aucune annexe ne peut plus lui être ajoutée",
    )


# --- The explicit through model keeps the rows of the implicit many-to-many table --------------


@pytest.mark.django_db(transaction=True)
def test_the_through_model_migration_keeps_the_not_voting_rows(seed_session: Session) -> None:
    from django.db.migrations.executor import MigrationExecutor

    def rows() -> list[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT vote_id, mandate_id FROM deliberations_vote_not_voting")
            return sorted(cursor.fetchall())

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("deliberations")
    before = rows()
    assert len(before) == 1  # Corinne Laversin, on 2023/PMA00192
    try:
        MigrationExecutor(connection).migrate([("deliberations", "0001_initial")])
        assert rows() == before
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert rows() == before
    vote = Vote.objects.get(item__deliberation__number=NUMBER)
    assert [m.person.last_name for m in vote.not_voting.all()] == ["Laversin"]
