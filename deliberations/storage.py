"""Signed PDFs as stored: written once with their SHA-256, read back byte for byte.

A signed document is never rendered again (DESIGN §2): `catalog.stored_pdf` hands out
these bytes. They live in the database (`deliberations.SignedDocument`, a BinaryField) so
that the PDF, the act's « signed » status and the session's freeze commit together, and an
insert-only trigger keeps the row from ever changing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deliberations.models import Deliberation, SignedDocument
from meetings.models import Session
from pma_governance.lib.pades import sha256_hex

# The file name of each kind of official document (« PMA-2023-06-13-proces-verbal.pdf »).
FILE_STEMS = {
    "pv": "proces-verbal",
    "liste": "liste-des-deliberations",
    "convocation": "convocation",
    "emargement": "feuille-d-emargement",
    "deliberation": "deliberation",
    "executoire": "deliberation",
}
# Documents about one deliberation: the signed act and its stamped copy (`executoire`).
DELIBERATION_KINDS = frozenset({"deliberation", "executoire"})


ALREADY_SIGNED = "Ce document est déjà signé : sa version signée est conservée telle quelle."


class StoredDocumentAltered(Exception):
    """The stored bytes no longer match the SHA-256 recorded at signature."""


def _subject(
    kind: str, session: Session | None, deliberation: Deliberation | None
) -> dict[str, Any]:
    # A deliberation is signed on its own; every other document belongs to a session.
    if kind in DELIBERATION_KINDS:
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


def document_filename(
    kind: str, *, session: Session | None = None, deliberation: Deliberation | None = None
) -> str:
    """« PMA-2023-06-13-proces-verbal.pdf », « PMA-deliberation-2023-PMA00192.pdf »,
    « PMA-deliberation-2023-PMA00192-executoire.pdf » (the stamped copy)."""
    if kind not in FILE_STEMS:
        raise ValueError(f"Document inconnu « {kind} » (attendu : {', '.join(FILE_STEMS)}).")
    if kind in DELIBERATION_KINDS and deliberation is not None:
        number = (deliberation.number or f"projet-{deliberation.pk}").replace("/", "-")
        suffix = "-executoire" if kind == "executoire" else ""
        return f"{deliberation.body.short_name}-{FILE_STEMS[kind]}-{number}{suffix}.pdf"
    if session is None:
        raise ValueError("Ce document porte sur une séance : indiquez la séance.")
    return f"{session.body.short_name}-{session.date:%Y-%m-%d}-{FILE_STEMS[kind]}.pdf"


def stored_pdf(
    kind: str, session: Session | None = None, deliberation: Deliberation | None = None
) -> bytes | None:
    """The stored bytes of a signed document, or None when it must be rendered.

    Once a PV or a deliberation is signed, its PDF comes out exactly as stored (checked
    against its SHA-256), never re-rendered.
    """
    signed = get_signed(kind, session=session, deliberation=deliberation)
    return signed_bytes(signed) if signed is not None else None
