"""The contrôle de légalité: the recorded transmission and
acknowledgement, whose identifier must be this act's (DESIGN §6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from deliberations.models import Deliberation
from pma_governance.prefecture.services import (
    expected_identifier,
    prefecture_record_ack,
    prefecture_record_sent,
)
from tests.pma_governance.prefecture.helpers import IDENTIFIER

pytestmark = pytest.mark.django_db


# --- Sent, then acknowledged -------------------------------------------------------------------


def test_sent_then_acknowledged(signed: Deliberation) -> None:
    sent = prefecture_record_sent(deliberation=signed, sent_on=dt.date(2023, 6, 15))
    assert (sent.status, sent.prefecture_sent_on) == ("transmitted", dt.date(2023, 6, 15))

    acknowledged = prefecture_record_ack(
        deliberation=signed, received_on=dt.date(2023, 6, 19), identifier=f" {IDENTIFIER} "
    )

    acknowledged.refresh_from_db()
    assert acknowledged.status == Deliberation.Status.TRANSMITTED
    assert acknowledged.prefecture_received_on == dt.date(2023, 6, 19)
    assert acknowledged.prefecture_identifier == IDENTIFIER
    assert expected_identifier(acknowledged) == IDENTIFIER


def test_a_published_act_stays_published(signed: Deliberation) -> None:
    Deliberation.objects.filter(pk=signed.pk).update(
        status="published", published_on=dt.date(2023, 6, 16)
    )
    prefecture_record_sent(deliberation=signed, sent_on=dt.date(2023, 6, 15))
    prefecture_record_ack(
        deliberation=signed, received_on=dt.date(2023, 6, 19), identifier=IDENTIFIER
    )
    assert Deliberation.objects.get(pk=signed.pk).status == Deliberation.Status.PUBLISHED


def test_an_unsigned_act_cannot_be_recorded_as_sent(voted: Deliberation) -> None:
    with pytest.raises(ValidationError, match="n'est pas signée : sa transmission"):
        prefecture_record_sent(deliberation=voted, sent_on=dt.date(2023, 6, 15))
    assert Deliberation.objects.get(pk=voted.pk).prefecture_sent_on is None


@pytest.mark.parametrize(
    ("sent_on", "message"),
    [
        (
            dt.date(2023, 6, 12),
            "La date de transmission (12/06/2023) précède la séance du 13/06/2023.",
        ),
        (dt.date(2031, 1, 1), "La date de transmission (01/01/2031) est dans le futur."),
    ],
)
def test_the_sent_date_is_checked(signed: Deliberation, sent_on: dt.date, message: str) -> None:
    with (
        time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)),
        pytest.raises(ValidationError) as excinfo,
    ):
        prefecture_record_sent(deliberation=signed, sent_on=sent_on)
    assert excinfo.value.messages == [message]


def test_no_acknowledgement_before_the_transmission(signed: Deliberation) -> None:
    with pytest.raises(ValidationError, match="Enregistrez d'abord la date de transmission"):
        prefecture_record_ack(
            deliberation=signed, received_on=dt.date(2023, 6, 19), identifier=IDENTIFIER
        )
    prefecture_record_sent(deliberation=signed, sent_on=dt.date(2023, 6, 15))
    with pytest.raises(ValidationError) as excinfo:
        prefecture_record_ack(
            deliberation=signed, received_on=dt.date(2023, 6, 14), identifier=IDENTIFIER
        )
    assert excinfo.value.messages == [
        "L'accusé de réception (14/06/2023) précède la transmission (15/06/2023)."
    ]
    assert Deliberation.objects.get(pk=signed.pk).prefecture_received_on is None


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("2023PMA00192", "n'a pas la forme attendue, par exemple 062-200060358-20230613"),
        ("062-200060358-20230613-2023/PMA00192-DE", "n'a pas la forme attendue"),
        ("062-200060358-20230613-2023_PMA00192-XX", "n'a pas la forme attendue"),
        ("059-200060358-20230613-2023_PMA00192-DE", "« 059 » où le département donne « 062 »"),
        (
            "062-200060359-20230613-2023_PMA00192-DE",
            "« 200060359 » où le SIREN de la collectivité donne « 200060358 »",
        ),
        (
            "062-200060358-20230614-2023_PMA00192-DE",
            "« 20230614 » où la date de la séance donne « 20230613 »",
        ),
        (
            "062-200060358-20230613-2023PMA00192-DE",
            "« 2023PMA00192 » où le numéro interne de l'acte (« / » devenu « _ ») donne "
            "« 2023_PMA00192 »",
        ),
        (
            "062-200060358-20230613-2023_PMA00192-AR",
            "« AR » où la nature de l'acte donne « DE »",
        ),
    ],
)
def test_the_identifier_must_be_this_acts(
    signed: Deliberation, identifier: str, expected: str
) -> None:
    prefecture_record_sent(deliberation=signed, sent_on=dt.date(2023, 6, 15))

    with pytest.raises(ValidationError) as excinfo:
        prefecture_record_ack(
            deliberation=signed, received_on=dt.date(2023, 6, 19), identifier=identifier
        )

    assert any(expected in message for message in excinfo.value.messages), excinfo.value.messages
    stored: Any = Deliberation.objects.get(pk=signed.pk)
    assert (stored.prefecture_received_on, stored.prefecture_identifier) == (None, "")
