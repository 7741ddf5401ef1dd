"""The official documents by kind: template, facts, file name, and the one call that makes them.

    pdf = document_pdf("pv", session=session)
    pdf = document_pdf("deliberation", deliberation=deliberation)

A signed document is never rendered again (DESIGN §2): callers that hand a document out
first ask `stored_pdf`, and render only when nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pma_governance.lib.pdf import render_pdf

if TYPE_CHECKING:
    from deliberations.models import Deliberation
    from meetings.models import Session


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its template, what gathers its facts, how its file is named."""

    label: str
    template: str
    per_deliberation: bool
    context: Callable[[Session | None, Deliberation | None], dict[str, Any]]
    file_stem: str


def _session_facts(
    builder_name: str,
) -> Callable[[Session | None, Deliberation | None], dict[str, Any]]:
    def build(session: Session | None, deliberation: Deliberation | None) -> dict[str, Any]:
        from meetings import documents

        if session is None:
            raise ValueError("Ce document porte sur une séance : indiquez la séance.")
        builder: Callable[[Session], dict[str, Any]] = getattr(documents, builder_name)
        return builder(session)

    return build


def _deliberation_facts(
    session: Session | None, deliberation: Deliberation | None
) -> dict[str, Any]:
    from deliberations.documents import deliberation_context

    if deliberation is None:
        raise ValueError("Ce document porte sur une délibération : indiquez la délibération.")
    return deliberation_context(deliberation)


DOCUMENTS: dict[str, DocumentKind] = {
    "pv": DocumentKind(
        "procès-verbal", "pdf/pv.html", False, _session_facts("pv_context"), "proces-verbal"
    ),
    "liste": DocumentKind(
        "liste des délibérations",
        "pdf/liste.html",
        False,
        _session_facts("liste_context"),
        "liste-des-deliberations",
    ),
    "convocation": DocumentKind(
        "convocation",
        "pdf/convocation.html",
        False,
        _session_facts("convocation_context"),
        "convocation",
    ),
    "emargement": DocumentKind(
        "feuille d'émargement",
        "pdf/emargement.html",
        False,
        _session_facts("emargement_context"),
        "feuille-d-emargement",
    ),
    "deliberation": DocumentKind(
        "délibération", "pdf/deliberation.html", True, _deliberation_facts, "deliberation"
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
) -> bytes:
    """Render a document now: `pv`, `liste`, `convocation`, `emargement` or `deliberation`.

    `draft_mark` stamps every page « Projet — document non signé », for copies handed
    out before signature.
    """
    spec = document_kind(kind)
    context = spec.context(session, deliberation)
    if draft_mark:
        context = {**context, "draft_mark": True}
    return render_pdf(spec.template, context)


def liste_pdf(session: Session, *, only: Collection[int] | None = None) -> bytes:
    """Render the liste des délibérations, restricted to the acts `only` names when given.

    The public copy lists the published acts only (DESIGN §1): same template, same facts,
    fewer rows.
    """
    from meetings.documents import liste_context

    return render_pdf(document_kind("liste").template, liste_context(session, only=only))


def document_filename(
    kind: str, *, session: Session | None = None, deliberation: Deliberation | None = None
) -> str:
    """« PMA-2023-06-13-proces-verbal.pdf », « PMA-deliberation-2023-PMA00192.pdf »."""
    spec = document_kind(kind)
    if spec.per_deliberation and deliberation is not None:
        number = (deliberation.number or f"projet-{deliberation.pk}").replace("/", "-")
        return f"{deliberation.body.short_name}-{spec.file_stem}-{number}.pdf"
    if session is None:
        raise ValueError("Ce document porte sur une séance : indiquez la séance.")
    return f"{session.body.short_name}-{session.date:%Y-%m-%d}-{spec.file_stem}.pdf"


def stored_pdf(
    kind: str, session: Session | None = None, deliberation: Deliberation | None = None
) -> bytes | None:
    """The stored bytes of a signed document, or None when it must be rendered.

    Once a PV or a deliberation is signed, its PDF comes out exactly as stored (checked
    against its SHA-256), never re-rendered.
    """
    from pma_governance.documents.storage import get_signed, signed_bytes

    document_kind(kind)
    signed = get_signed(kind, session=session, deliberation=deliberation)
    return signed_bytes(signed) if signed is not None else None
