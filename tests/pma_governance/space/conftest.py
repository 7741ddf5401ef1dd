"""Fixtures shared by the members' space tests."""

from __future__ import annotations

import pytest

from members.models import Body
from tests.factories import BodyFactory


@pytest.fixture
def body() -> Body:
    return BodyFactory(short_name="PMA", name="Pôle Métropolitain de l'Artois")
