"""An élu declares and withdraws his own déports from his space (CGCT L2131-11)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from meetings.deports import deport_declare
from meetings.models import AgendaItem, Deport
from members.models import Mandate
from tests.factories import AgendaItemFactory, MandateFactory, SessionFactory, login_as

pytestmark = pytest.mark.django_db

AULA = "présidente de l'Agence d'urbanisme de l'Artois"


def _text(response: Any) -> str:
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(page).split())


@pytest.fixture
def item() -> AgendaItem:
    return AgendaItemFactory(title="Partenariat 2023 avec l'AULA")


@pytest.fixture
def mandate(item: AgendaItem) -> Mandate:
    return MandateFactory(body=item.session.body)


@pytest.fixture
def elu(client: Client, mandate: Mandate) -> Client:
    login_as(client, "elu", mandate.body, mandate=mandate)
    return client


def _declare(client: Client, item: AgendaItem, reason: str = AULA) -> Any:
    return client.post(
        reverse("space:deport_add", args=[item.session_id, item.pk]),
        {"reason": reason},
        follow=True,
    )


def test_the_elu_declares_then_withdraws_his_deport(
    elu: Client, item: AgendaItem, mandate: Mandate
) -> None:
    page = elu.get(reverse("space:session", args=[item.session_id]))
    assert "Déclarer mon déport" in page.content.decode()

    response = _declare(elu, item)

    assert "Déport enregistré" in _text(response)
    assert f"Vous vous déportez sur ce point (ni débat ni vote) : {AULA}" in _text(response)
    deport = Deport.objects.get(item=item)
    assert (deport.mandate, deport.reason, deport.by_secretariat) == (mandate, AULA, False)

    response = elu.post(
        reverse("space:deport_remove", args=[item.session_id, deport.pk]), follow=True
    )
    assert "Déport retiré." in _text(response)
    assert not Deport.objects.exists()


def test_an_empty_reason_is_refused_in_french(elu: Client, item: AgendaItem) -> None:
    response = _declare(elu, item, "  ")

    assert "Indiquez le motif du déport" in _text(response)
    assert not Deport.objects.exists()


def test_the_elu_cannot_withdraw_another_members_deport(elu: Client, item: AgendaItem) -> None:
    other = deport_declare(
        item=item, mandate=MandateFactory(body=item.session.body), reason="gérant de la SCI"
    )

    response = elu.post(reverse("space:deport_remove", args=[item.session_id, other.pk]))

    assert response.status_code == 404
    assert Deport.objects.filter(pk=other.pk).exists()


def test_the_elu_cannot_declare_on_another_bodys_item(elu: Client) -> None:
    elsewhere = AgendaItemFactory(session=SessionFactory())

    response = elu.post(
        reverse("space:deport_add", args=[elsewhere.session_id, elsewhere.pk]), {"reason": AULA}
    )

    assert response.status_code == 404
    assert not Deport.objects.exists()


def test_the_form_declares_for_himself_only(
    elu: Client, item: AgendaItem, mandate: Mandate
) -> None:
    other = MandateFactory(body=item.session.body)

    # A forged field naming another member changes nothing: the seat is the user's own.
    elu.post(
        reverse("space:deport_add", args=[item.session_id, item.pk]),
        {"reason": AULA, "mandate": other.pk},
    )

    assert list(Deport.objects.values_list("mandate", flat=True)) == [mandate.pk]


def test_a_deport_recorded_by_the_secretariat_is_marked_so(
    elu: Client, item: AgendaItem, mandate: Mandate
) -> None:
    deport_declare(item=item, mandate=mandate, reason=AULA, by_secretariat=True)

    page = _text(elu.get(reverse("space:session", args=[item.session_id])))

    assert f"{AULA} saisi par le secrétariat" in page
    assert "Retirer mon déport" in page
