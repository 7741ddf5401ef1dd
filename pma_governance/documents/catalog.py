"""The official documents by kind: template, facts, file name, and the one call that makes them.

    pdf = document_pdf("pv", session=session)
    pdf = document_pdf("deliberation", deliberation=deliberation)

A signed document is never rendered again (DESIGN §2): callers that hand a document out
first ask `deliberations.storage.stored_pdf`, and render only when nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from deliberations.models import Deliberation
from meetings.models import Session
from pma_governance.documents.contexts.acts import deliberation_context
from pma_governance.documents.contexts.session import (
    convocation_context,
    emargement_context,
    liste_context,
    pv_context,
)
from pma_governance.lib.pdf import render_pdf


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its template and what gathers its facts."""

    label: str
    template: str
    per_deliberation: bool
    context: Callable[[Session | None, Deliberation | None], dict[str, Any]]


def _session_facts(
    builder: Callable[[Session], dict[str, Any]],
) -> Callable[[Session | None, Deliberation | None], dict[str, Any]]:
    def build(session: Session | None, deliberation: Deliberation | None) -> dict[str, Any]:
        if session is None:
            raise ValueError("Ce document porte sur une séance : indiquez la séance.")
        return builder(session)

    return build


def _deliberation_facts(
    session: Session | None, deliberation: Deliberation | None
) -> dict[str, Any]:
    if deliberation is None:
        raise ValueError("Ce document porte sur une délibération : indiquez la délibération.")
    return deliberation_context(deliberation)


DOCUMENTS: dict[str, DocumentKind] = {
    "pv": DocumentKind("procès-verbal", "pdf/pv.html", False, _session_facts(pv_context)),
    "liste": DocumentKind(
        "liste des délibérations",
        "pdf/liste.html",
        False,
        _session_facts(liste_context),
    ),
    "convocation": DocumentKind(
        "convocation",
        "pdf/convocation.html",
        False,
        _session_facts(convocation_context),
    ),
    "emargement": DocumentKind(
        "feuille d'émargement",
        "pdf/emargement.html",
        False,
        _session_facts(emargement_context),
    ),
    "deliberation": DocumentKind(
        "délibération", "pdf/deliberation.html", True, _deliberation_facts
    ),
}
KINDS = tuple(DOCUMENTS)


def document_kind(kind: str) -> DocumentKind:
    try:
        return DOCUMENTS[kind]
    except KeyError:
        raise ValueError(f"Document inconnu « {kind} » (attendu : {', '.join(KINDS)}).") from None


def document_context(
    kind: str, *, session: Session | None = None, deliberation: Deliberation | None = None
) -> dict[str, Any]:
    """The facts of a document, as its template receives them."""
    return document_kind(kind).context(session, deliberation)


def document_pdf(
    kind: str,
    *,
    session: Session | None = None,
    deliberation: Deliberation | None = None,
    draft_mark: bool = False,
    for_signature: bool = False,
) -> bytes:
    """Render a document now: `pv`, `liste`, `convocation`, `emargement` or `deliberation`.

    A PV or a deliberation not yet signed carries « Projet — document non signé » on every
    page whatever the caller asks (its facts say so); `draft_mark` stamps any other
    document the same way. `for_signature` renders the act as it is signed: the first
    signatory signs it before its status says signed, so without the mark.
    """
    spec = document_kind(kind)
    context = spec.context(session, deliberation)
    if draft_mark:
        context = {**context, "draft_mark": True}
    elif for_signature:
        context = {**context, "draft_mark": False}
    return render_pdf(spec.template, context)


def liste_pdf(session: Session, *, only: Collection[int] | None = None) -> bytes:
    """Render the liste des délibérations, restricted to the acts `only` names when given.

    The public copy lists the published acts only (DESIGN §1): same template, same facts,
    fewer rows.
    """
    return render_pdf(document_kind("liste").template, liste_context(session, only=only))
