"""Déports at the vote: the secretariat records one, the vote pre-fills it, the act states it."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from deliberations.services import vote_record
from deliberations.statements import vote_context
from meetings.deports import deport_declare, deport_withdraw
from meetings.models import AgendaItem, Deport, Session
from members.models import Mandate
from pma_governance.interchange.importer import import_document
from tests.factories import login_as
from tests.pma_governance.live.test_views import _unvoted_seed

pytestmark = pytest.mark.django_db

AULA = "présidente de l'Agence d'urbanisme de l'Artois (AULA)"


@pytest.fixture
def session() -> Session:
    return import_document(_unvoted_seed())


@pytest.fixture
def item(session: Session) -> AgendaItem:
    return AgendaItem.objects.get(
        session=session, title__startswith="Partenariat 2023 avec l'Agence"
    )


@pytest.fixture
def laversin(session: Session) -> Mandate:
    return Mandate.objects.select_related("person").get(body=session.body, external_id="laversin")


@pytest.fixture
def secretary(client: Client, session: Session) -> Client:
    login_as(client, "secretariat", session.body)
    return client


def test_the_secretariat_records_a_deport_on_the_ordre_du_jour_page(
    secretary: Client, session: Session, item: AgendaItem, laversin: Mandate
) -> None:
    response = secretary.post(
        reverse("meetings:deport_add", args=[session.pk]),
        {"item": item.pk, "mandate": laversin.pk, "reason": AULA},
        follow=True,
    )

    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    assert "Déport de Corinne Laversin enregistré" in page
    assert f"Mme Corinne Laversin : {AULA} saisi par le secrétariat" in page
    deport = Deport.objects.get(item=item)
    assert (deport.mandate, deport.by_secretariat) == (laversin, True)

    secretary.post(reverse("meetings:deport_remove", args=[session.pk, deport.pk]))
    assert not Deport.objects.exists()


def test_an_elu_cannot_record_a_deport_for_someone_else(
    client: Client, session: Session, item: AgendaItem, laversin: Mandate
) -> None:
    login_as(client, "elu", session.body)

    response = client.post(
        reverse("meetings:deport_add", args=[session.pk]),
        {"item": item.pk, "mandate": laversin.pk, "reason": AULA},
    )

    assert response.status_code == 403
    assert not Deport.objects.exists()


def test_the_live_vote_form_is_pre_filled_and_records_the_deport(
    secretary: Client, session: Session, item: AgendaItem, laversin: Mandate
) -> None:
    deport_declare(item=item, mandate=laversin, reason=AULA, by_secretariat=True)
    prefix = f"item{item.pk}"

    page = secretary.get(reverse("meetings:live", args=[session.pk])).content.decode()

    checkbox = re.search(
        rf'<input[^>]*name="{prefix}-not_voting"[^>]*value="{laversin.pk}"[^>]*>', page
    )
    assert checkbox and "checked" in checkbox.group(0)
    reason = re.search(rf'<input[^>]*name="{prefix}-not_voting_reason"[^>]*>', page)
    assert reason and f'value="{AULA}"' in html.unescape(reason.group(0))

    # The secretariat posts the form as pre-filled.
    secretary.post(
        reverse("meetings:vote_entry", args=[session.pk, item.pk]),
        {
            f"{prefix}-mode": "unanimous",
            f"{prefix}-ballot": "show_of_hands",
            f"{prefix}-not_voting": [laversin.pk],
            f"{prefix}-not_voting_reason": AULA,
        },
    )
    vote = AgendaItem.objects.get(pk=item.pk).vote  # type: ignore[attr-defined]
    assert list(vote.not_voting.all()) == [laversin]
    assert vote_context(vote)["not_voting"] == (
        f"Madame Corinne Laversin, {AULA} ne prenant pas part au vote."
    )


def test_the_vote_service_takes_the_declared_deports_by_default(
    item: AgendaItem, laversin: Mandate
) -> None:
    deport_declare(item=item, mandate=laversin, reason=AULA, by_secretariat=True)

    vote = vote_record(item=item, unanimous=True)

    assert list(vote.not_voting.all()) == [laversin]
    assert (vote.not_voting_reason, vote.withheld, vote.voters) == (AULA, 1, 16)
    # The deport can no longer be withdrawn once the item is voted.
    with pytest.raises(ValidationError, match="a déjà été voté"):
        deport_withdraw(deport=Deport.objects.get(item=item))


def test_the_secretariat_may_still_uncheck_a_declared_deport(
    secretary: Client, session: Session, item: AgendaItem, laversin: Mandate
) -> None:
    deport_declare(item=item, mandate=laversin, reason=AULA, by_secretariat=True)
    prefix = f"item{item.pk}"

    secretary.post(
        reverse("meetings:vote_entry", args=[session.pk, item.pk]),
        {f"{prefix}-mode": "unanimous", f"{prefix}-ballot": "show_of_hands"},
    )

    vote = AgendaItem.objects.get(pk=item.pk).vote  # type: ignore[attr-defined]
    assert (list(vote.not_voting.all()), vote.withheld) == ([], 0)
