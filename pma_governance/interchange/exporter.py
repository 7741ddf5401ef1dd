"""Exporting a session as its `pma-governance.session/1` document, `computed` figures
included: the facts its acts state, read by `deliberations.facts.session_document`, so that
an export and a signed act's frozen facts never differ.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from deliberations.facts import session_document
from meetings.models import Session
from members.models import Body


def export_session(body: Body, day: dt.date) -> dict[str, Any]:
    """The session of `body` on `day` as a document, with computed figures."""
    session = Session.objects.select_related(
        "body", "president", "secretary", "reconvenes", "pv"
    ).get(body=body, date=day)
    return session_document(session)
