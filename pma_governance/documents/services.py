"""The documents' use cases: each signatory gives (or withdraws) his signature from his own
account — the act is signed when both have — an erratum corrects a signed act, and the
PV's draft is previewed as the document lays it out."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string

from deliberations.models import (
    Deliberation,
    SignatureConsent,
    SignedDocument,
)
from meetings.models import ProcesVerbal, Session
from meetings.services import PvConflict, pv_update
from members.models import SecurityEvent
from members.security import record_event
from pma_governance.documents.contexts.session import pv_context
from pma_governance.documents.signing import (
    deliberation_sign,
    ensure_may_sign,
    pv_problems,
    pv_sign,
)

# --- Each signatory signs from their own account ------------------------------------------

ROLE_LABELS = {"president": "président de séance", "secretary": "secrétaire de séance"}


def _signing_subject(
    kind: str, session: Session | None, deliberation: Deliberation | None
) -> tuple[Session, ProcesVerbal | None, Deliberation | None]:
    if kind == "pv":
        assert session is not None
        return session, ProcesVerbal.objects.select_for_update().get(session=session), None
    assert deliberation is not None
    locked = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    if locked.item is None:
        raise ValidationError("Une délibération est signée une fois votée en séance.")
    return locked.item.session, None, locked


def signature_pending_problems(
    kind: str, session: Session, pv: ProcesVerbal | None, deliberation: Deliberation | None
) -> list[str]:
    """Why this act cannot be signed yet, in French (empty when it can)."""
    if kind == "pv":
        assert pv is not None
        if pv.is_signed:
            return [f"Le procès-verbal de la séance du {session.date:%d/%m/%Y} est déjà signé."]
        return pv_problems(session)
    assert deliberation is not None
    if deliberation.is_signed:
        return [f"La délibération n° {deliberation.number} est déjà signée."]
    if deliberation.status != Deliberation.Status.VOTED:
        return ["La délibération doit être votée avant d'être signée."]
    return []


@transaction.atomic
def signature_give(
    *,
    kind: str,
    role: str,
    user: Any,
    session: Session | None = None,
    deliberation: Deliberation | None = None,
) -> SignedDocument | None:
    """Record one signatory's signature; with both, sign the PDF and freeze the act.

    Returns the signed document once the second signatory has signed, None before.
    """

    if role not in ROLE_LABELS:
        raise ValidationError("Qualité de signataire inconnue.")
    # Lock the act: two signatories clicking at once still produce one signed PDF.
    session, pv, locked = _signing_subject(kind, session, deliberation)
    session = Session.objects.select_related("president__person", "secretary__person").get(
        pk=session.pk
    )
    problems = signature_pending_problems(kind, session, pv, locked)
    if problems:
        raise ValidationError(problems)
    mandate = session.president if role == "president" else session.secretary
    if mandate is None:
        raise ValidationError(
            f"Aucun {ROLE_LABELS[role]} n'est désigné pour la séance du {session.date:%d/%m/%Y}."
        )
    perm = "meetings.sign_procesverbal" if kind == "pv" else "deliberations.sign_deliberation"
    ensure_may_sign(user, mandate, perm=perm, as_what=ROLE_LABELS[role])
    subject = {"session": session} if kind == "pv" else {"deliberation": locked}
    consents = {c.role: c for c in SignatureConsent.objects.filter(kind=kind, **subject)}
    if role in consents:
        raise ValidationError(f"Le {ROLE_LABELS[role]} a déjà signé.")
    other = consents.get("secretary" if role == "president" else "president")
    if other is not None and other.user_id == user.pk:
        raise ValidationError(
            "Le président et le secrétaire de séance signent chacun depuis son propre compte."
        )
    SignatureConsent.objects.create(kind=kind, role=role, user=user, **subject)
    what = _signed_what(kind, session, locked)
    record_event(
        kind=SecurityEvent.Kind.SIGNATURE,
        user=user,
        detail=f"{what} : signature de {mandate.person.full_name}, {ROLE_LABELS[role]}.",
    )
    if other is None:
        return None
    users = {role: user, other.role: other.user}
    if kind == "pv":
        assert pv is not None
        signed = pv_sign(
            pv=pv, president_user=users["president"], secretary_user=users["secretary"]
        )
    else:
        assert locked is not None
        signed = deliberation_sign(
            deliberation=locked,
            president_user=users["president"],
            secretary_user=users["secretary"],
        )
    record_event(
        kind=SecurityEvent.Kind.SIGNATURE,
        user=user,
        detail=f"{what} : PDF signé et scellé (SHA-256 {signed.sha256}).",
    )
    return signed


def _signed_what(kind: str, session: Session | None, deliberation: Deliberation | None) -> str:
    """What is signed, as the security journal names it."""
    if kind == "pv":
        assert session is not None
        return f"Procès-verbal de la séance du {session.date:%d/%m/%Y}"
    assert deliberation is not None
    return f"Délibération n° {deliberation.number}"


@transaction.atomic
def signature_withdraw(*, consent: Any, user: Any) -> None:
    """A signatory takes back a signature not yet applied to the PDF."""
    if consent.user_id != user.pk:
        raise ValidationError("Seul le signataire peut retirer sa signature.")
    if SignedDocument.objects.filter(
        kind=consent.kind, session=consent.session, deliberation=consent.deliberation
    ).exists():
        raise ValidationError("Le document est signé : la signature ne peut plus être retirée.")
    consent.delete()
    record_event(
        kind=SecurityEvent.Kind.SIGNATURE,
        user=user,
        detail=f"{_signed_what(consent.kind, consent.session, consent.deliberation)} : "
        f"signature du {ROLE_LABELS.get(consent.role, consent.role)} retirée.",
    )


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
