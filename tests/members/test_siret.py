"""A body's SIRET: 14 digits with a right INSEE check digit (Luhn), starting with its SIREN —
the open-data file (SCDL) is refused with any other."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from members.models import Body
from pma_governance.lib.siret import siret_is_valid, siret_with_key
from tests.factories import BodyFactory

PMA_SIRET = "20006035800013"


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        (PMA_SIRET, True),
        ("21860194600013", True),  # the schema's example (Poitiers)
        ("20006035800014", False),  # one digit off: the key is wrong
        ("20006035800031", False),  # two digits swapped
        ("2000603580001", False),  # 13 digits
        ("2000603580001A", False),
        ("", False),
    ],
)
def test_the_check_digit_is_verified(siret: str, valid: bool) -> None:
    assert siret_is_valid(siret) is valid


def test_a_siret_completed_with_its_key_is_valid() -> None:
    assert siret_with_key("2000603580001") == PMA_SIRET
    assert all(siret_is_valid(siret_with_key(f"{n:09d}0001")) for n in range(0, 10**9, 7654321))


@pytest.mark.django_db
def test_a_body_with_a_wrong_key_is_refused_with_a_french_message() -> None:
    body = BodyFactory(short_name="PMA", siren="200060358")
    body.siret = "20006035800014"

    with pytest.raises(ValidationError) as error:
        body.full_clean()

    assert error.value.message_dict["siret"] == [
        "Le SIRET 20006035800014 n'est pas valide : sa clé de contrôle (algorithme de Luhn) "
        "est fausse. Vérifiez-le sur l'avis de situation SIRENE."
    ]


@pytest.mark.django_db
def test_a_body_form_refuses_a_wrong_key_and_a_siret_of_another_siren() -> None:
    body = BodyFactory(short_name="PMA", siren="200060358")
    BodyForm = modelform_factory(Body, fields=["siren", "siret"])

    wrong_key = BodyForm({"siren": "200060358", "siret": "20006035800014"}, instance=body)
    other = BodyForm({"siren": "200060358", "siret": "21860194600013"}, instance=body)
    right = BodyForm({"siren": "200060358", "siret": PMA_SIRET}, instance=body)

    assert "clé de contrôle" in wrong_key.errors["siret"][0]
    assert other.errors["siret"] == [
        "Le SIRET doit commencer par le SIREN de l'assemblée (200060358)."
    ]
    assert right.is_valid(), right.errors
    assert right.save().siret == PMA_SIRET


@pytest.mark.django_db
def test_a_body_without_siret_is_still_allowed() -> None:
    body = BodyFactory(short_name="PMA", siret="")

    body.full_clean()
