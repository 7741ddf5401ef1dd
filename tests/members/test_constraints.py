"""The database itself refuses member rows that can never be true."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from members.models import Mandate
from tests.factories import BodyFactory, MandateFactory, MemberEntityFactory

pytestmark = pytest.mark.django_db


def test_mandate_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(IntegrityError, match="mandate_end_after_start"), transaction.atomic():
        MandateFactory(start_date=dt.date(2020, 7, 1), end_date=dt.date(2020, 6, 30))

    assert not Mandate.objects.exists()


def test_mandate_of_one_day_is_allowed() -> None:
    mandate = MandateFactory(start_date=dt.date(2020, 7, 1), end_date=dt.date(2020, 7, 1))

    assert mandate.is_open_on(dt.date(2020, 7, 1))
    assert not mandate.is_open_on(dt.date(2020, 7, 2))


def test_two_mandates_with_one_interchange_id_in_a_body_are_refused() -> None:
    body = BodyFactory()
    MandateFactory(body=body, external_id="bavay")

    with pytest.raises(IntegrityError, match="mandate_unique_external_id"), transaction.atomic():
        MandateFactory(body=body, external_id="bavay")

    # Another body may use the same id.
    assert MandateFactory(external_id="bavay").external_id == "bavay"


def test_two_entities_with_one_short_name_in_a_body_are_refused() -> None:
    body = BodyFactory()
    MemberEntityFactory(body=body, short_name="CALL")

    with pytest.raises(IntegrityError, match="entity_unique_short_name"), transaction.atomic():
        MemberEntityFactory(body=body, short_name="CALL")


def test_body_without_proxies_or_sequence_in_its_numbering_is_refused() -> None:
    with pytest.raises(IntegrityError, match="body_max_proxies_positive"), transaction.atomic():
        BodyFactory(max_proxies_per_holder=0)
    with pytest.raises(IntegrityError, match="body_numbering_has_seq"), transaction.atomic():
        BodyFactory(numbering_pattern="{year}/{short}")
