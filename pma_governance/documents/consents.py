"""Each signatory signs from his own account, with his own certificate: the sequence of the
two signatures of a PV or a deliberation.

The passphrase a signatory types is used once, to open his key, and never kept (not in
the session, the database, the logs or a message). So each signature is applied when it
is given: the first one at once on the PDF rendered from the act's facts, kept with his
consent beside the digest of those facts; the second one as an incremental revision of
that PDF. Only then is the act sealed (`SigningAct.seal`). If the facts changed between
the two, the first signature is void: it is discarded and must be given again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from deliberations.models import Deliberation, SignatureConsent, SignedDocument
from meetings.models import ProcesVerbal, Session
from members.models import SecurityEvent
from members.security import record_event
from pma_governance.documents.signing import (
    ROLE_LABELS,
    SigningAct,
    ensure_may_sign,
    facts_digest,
    signing_key,
)


@dataclass(frozen=True)
class SignatureOutcome:
    """What one signature did: `signed` once both have signed; `voided` names the other
    signature, discarded because the facts it stated changed since (French)."""

    signed: SignedDocument | None = None
    voided: str = ""


@dataclass(frozen=True)
class Hand:
    """One signatory signing: his account and the passphrase of his certificate."""

    user: Any
    passphrase: str = field(repr=False)


def _lock(kind: str, session: Session | None, deliberation: Deliberation | None) -> SigningAct:
    """The act, locked as the roll-call services lock it: the session, then the act."""
    session_id: int | None = None
    if kind == "pv":
        if session is None:
            raise ValidationError("Séance inconnue.")
        session_id = session.pk
    elif kind == "deliberation" and deliberation is not None:
        session_id = (
            Deliberation.objects.filter(pk=deliberation.pk)
            .values_list("item__session_id", flat=True)
            .first()
        )
        if session_id is None:
            raise ValidationError("Une délibération est signée une fois votée en séance.")
    else:
        raise ValidationError("Document à signer inconnu.")
    locked = (
        Session.objects.select_for_update(of=("self",))
        .select_related("body", "president__person", "secretary__person")
        .get(pk=session_id)
    )
    if kind == "pv":
        pv = ProcesVerbal.objects.select_for_update().get(session=locked)
        return SigningAct(kind="pv", session=locked, pv=pv)
    act = (
        Deliberation.objects.select_for_update(of=("self",))
        .select_related("item", "body")
        .get(pk=deliberation.pk)  # type: ignore[union-attr]
    )
    return SigningAct(kind="deliberation", session=locked, deliberation=act)


def _void_reason(first: SignatureConsent, digest: str) -> str:
    """Why the first signature no longer holds, in French (empty when it does)."""
    label = ROLE_LABELS[first.role]
    if first.partial_pdf is None or not first.facts_sha256:
        return f"La signature du {label} a été donnée sans certificat personnel"
    if first.facts_sha256 != digest:
        return f"Les faits que constate l'acte ont changé depuis la signature du {label}"
    if first.certificate is not None and first.certificate.revoked_at is not None:
        return f"Le certificat du {label} a été révoqué depuis sa signature"
    return ""


@transaction.atomic
def signature_give(
    *,
    kind: str,
    role: str,
    user: Any,
    passphrase: str,
    session: Session | None = None,
    deliberation: Deliberation | None = None,
) -> SignatureOutcome:
    """The signatory `role` signs with his own certificate, opened by `passphrase`.

    The first signature is applied at once and kept with the consent; the second one
    completes the PDF and seals the act. Nothing is written when a check fails.
    """
    if role not in ROLE_LABELS:
        raise ValidationError("Qualité de signataire inconnue.")
    act = _lock(kind, session, deliberation)
    problems = act.problems()
    if problems:
        raise ValidationError(problems)
    mandate = act.session.president if role == "president" else act.session.secretary
    if mandate is None:
        raise ValidationError(
            f"Aucun {ROLE_LABELS[role]} n'est désigné pour la séance du "
            f"{act.session.date:%d/%m/%Y}."
        )
    ensure_may_sign(user, mandate, as_what=ROLE_LABELS[role])
    consents = {
        c.role: c
        for c in SignatureConsent.objects.filter(kind=kind, **act.subject).select_related(
            "certificate", "user"
        )
    }
    if role in consents:
        raise ValidationError(f"Le {ROLE_LABELS[role]} a déjà signé.")
    first = consents.get("secretary" if role == "president" else "president")
    if first is not None and first.user_id == user.pk:
        raise ValidationError(
            "Le président et le secrétaire de séance signent chacun depuis son propre compte."
        )
    certificate, signer = signing_key(mandate, passphrase)
    facts = act.facts()
    digest = facts_digest(facts)
    voided = ""
    if first is not None:
        reason = _void_reason(first, digest)
        if reason:
            voided = (
                f"{reason} : elle est annulée et doit être donnée à nouveau. Votre signature "
                "est la première sur le document tel qu'il est maintenant."
            )
            first.delete()
            first = None
    base = act.render() if first is None else bytes(first.partial_pdf or b"")
    pdf = act.sign(base, role=role, mandate=mandate, signer=signer)
    consent = SignatureConsent.objects.create(
        kind=kind,
        role=role,
        user=user,
        certificate=certificate,
        partial_pdf=pdf if first is None else None,
        facts_sha256=digest,
        **act.subject,
    )
    what = _what(consent)
    record_event(
        kind=SecurityEvent.Kind.SIGNATURE,
        user=user,
        detail=f"{what} : signature de {mandate.person.full_name}, {ROLE_LABELS[role]} "
        f"(certificat {certificate.fingerprint[:16]}…).",
    )
    if first is None:
        return SignatureOutcome(voided=voided)
    signed = act.seal(pdf=pdf, facts=facts, consents=[first, consent])
    # The partial PDF is inside the signed one now.
    SignatureConsent.objects.filter(pk=first.pk).update(partial_pdf=None)
    record_event(
        kind=SecurityEvent.Kind.SIGNATURE,
        user=user,
        detail=f"{what} : PDF signé et scellé (SHA-256 {signed.sha256}).",
    )
    return SignatureOutcome(signed=signed)


def _what(consent: SignatureConsent) -> str:
    """« Délibération n° 2023/PMA00192 », « Procès-verbal de la séance du 13/06/2023 »."""
    if consent.deliberation is not None:
        return f"Délibération n° {consent.deliberation.number}"
    assert consent.session is not None
    return f"Procès-verbal de la séance du {consent.session.date:%d/%m/%Y}"


@transaction.atomic
def signature_withdraw(*, consent: Any, user: Any) -> None:
    """A signatory takes back a signature the act is not sealed with yet; the PDF he
    signed alone is discarded with it."""
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
        detail=f"{_what(consent)} : signature du "
        f"{ROLE_LABELS.get(consent.role, consent.role)} retirée.",
    )


def pv_sign(*, pv: ProcesVerbal, president: Hand, secretary: Hand) -> SignedDocument:
    """Both signatures of a PV in one call (demo, tests): president, then secretary."""
    return _sign_both(kind="pv", president=president, secretary=secretary, session=pv.session)


def deliberation_sign(
    *, deliberation: Deliberation, president: Hand, secretary: Hand
) -> SignedDocument:
    """Both signatures of a deliberation in one call (demo, tests)."""
    return _sign_both(
        kind="deliberation", president=president, secretary=secretary, deliberation=deliberation
    )


@transaction.atomic
def _sign_both(*, kind: str, president: Hand, secretary: Hand, **subject: Any) -> SignedDocument:
    for role, hand in (("president", president), ("secretary", secretary)):
        outcome = signature_give(
            kind=kind, role=role, user=hand.user, passphrase=hand.passphrase, **subject
        )
    assert outcome.signed is not None
    return outcome.signed
