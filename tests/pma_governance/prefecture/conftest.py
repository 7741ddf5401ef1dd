"""The seed's 2023/PMA00192, voted then signed, its body set up for @ctes."""

from __future__ import annotations

import pytest

from deliberations.models import Deliberation
from meetings.models import Session
from members.models import Body
from tests.pma_governance.prefecture.helpers import NUMBER, sign


@pytest.fixture
def voted(seed_session: Session) -> Deliberation:
    """2023/PMA00192, voted, without the acknowledgement the seed already records."""
    Deliberation.objects.filter(number=NUMBER).update(
        prefecture_received_on=None, prefecture_identifier=""
    )
    Body.objects.filter(pk=seed_session.body_id).update(
        actes_arrondissement="5",
        actes_nature="25",
        actes_return_email="prefecture@pma-demo.example.org",
    )
    return Deliberation.objects.get(number=NUMBER)


@pytest.fixture
def signed(voted: Deliberation) -> Deliberation:
    return sign(voted)
