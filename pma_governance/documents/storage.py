"""Signed PDFs as stored: written once with their SHA-256, read back byte for byte.

A signed document is never rendered again (DESIGN §2): `catalog.stored_pdf` hands out
these bytes. They live in the database (`deliberations.SignedDocument`, a BinaryField) so
that the PDF, the act's « signed » status and the session's freeze commit together, and an
insert-only trigger keeps the row from ever changing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pma_governance.lib.pades import sha256_hex

if TYPE_CHECKING:
    from deliberations.models import Deliberation, SignedDocument
    from meetings.models import Session


ALREADY_SIGNED = "Ce document est déjà signé : sa version signée est conservée telle quelle."


class StoredDocumentAltered(Exception):
    """The stored bytes no longer match the SHA-256 recorded at signature."""


def _subject(
    kind: str, session: Session | None, deliberation: Deliberation | None
) -> dict[str, Any]:
    # A deliberation is signed on its own; every other document belongs to a session.
    if kind == "deliberation":
        return {"deliberation": deliberation, "session": None}
    return {"session": session, "deliberation": None}


@transaction.atomic
def store_signed(
    *,
    kind: str,
    pdf: bytes,
    signed_at: dt.datetime,
    signatories: Sequence[dict[str, Any]],
    session: Session | None = None,
    deliberation: Deliberation | None = None,
) -> SignedDocument:
    """Store a signed PDF once; a second one for the same document is refused."""
    from deliberations.models import SignedDocument

    if get_signed(kind, session=session, deliberation=deliberation) is not None:
        raise ValidationError(ALREADY_SIGNED)
    document = SignedDocument(
        kind=kind,
        pdf=bytes(pdf),
        sha256=sha256_hex(pdf),
        signed_at=signed_at,
        signatories=list(signatories),
        **_subject(kind, session, deliberation),
    )
    document.full_clean(exclude=["pdf"])
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:
        # signeddocument_one_per_subject: two signatures of one act never both land.
        raise ValidationError(ALREADY_SIGNED) from exc
    return document


def get_signed(
    kind: str, session: Session | None = None, deliberation: Deliberation | None = None
) -> SignedDocument | None:
    """The signed document of that kind for that session or deliberation, if any."""
    from deliberations.models import SignedDocument

    subject = _subject(kind, session, deliberation)
    if subject["session"] is None and subject["deliberation"] is None:
        return None
    return SignedDocument.objects.filter(kind=kind, **subject).first()


def signed_bytes(document: SignedDocument) -> bytes:
    """The PDF exactly as signed, after checking it against its recorded SHA-256."""
    pdf = bytes(document.pdf)
    if sha256_hex(pdf) != document.sha256:
        raise StoredDocumentAltered(
            f"Le PDF signé n° {document.pk} ne correspond plus à son empreinte SHA-256 "
            f"({document.sha256}) : il ne doit pas être diffusé."
        )
    return pdf
