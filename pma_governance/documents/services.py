"""The documents' use cases: each signatory gives (or withdraws) his signature from his own
account, with his own certificate — the act is signed when both have — and the PV's draft
is previewed as the document lays it out."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string

from meetings.models import ProcesVerbal, Session
from meetings.services import PvConflict, pv_update
from pma_governance.documents.consents import (
    SignatureOutcome,
    signature_give,
    signature_withdraw,
)
from pma_governance.documents.contexts.session import pv_context
from pma_governance.documents.signing import ROLE_LABELS

# Each signatory signs from his own account, with his own certificate: `consents`.
__all__ = [
    "ROLE_LABELS",
    "SignatureOutcome",
    "pv_preview_html",
    "signature_give",
    "signature_withdraw",
]


# --- Previewing a PV draft ---------------------------------------------------------------


def pv_preview_html(*, session: Session, texts: dict[str, str] | None = None) -> str:
    """The PV as the document lays it out, with the secretariat's unsaved `texts` if given.

    The texts are written inside a transaction that is always rolled back: the preview
    shows them, nothing is saved. Texts the PV refuses (a conflict, an invalid text) fall
    back to the saved PV.
    """
    if texts is not None:
        try:
            with transaction.atomic():
                pv = ProcesVerbal.objects.select_for_update().get(session=session)
                pv_update(pv=pv, texts=texts, expected_version=pv.version)
                html = render_to_string("pdf/pv.html", pv_context(session) | {"preview": True})
                # Only a preview: nothing typed here is saved.
                transaction.set_rollback(True)
            return html
        except (PvConflict, ValidationError):
            pass
    return render_to_string("pdf/pv.html", pv_context(session) | {"preview": True})
