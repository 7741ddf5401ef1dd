"""Signing a procès-verbal or a deliberation: the president and the secretary of the
session each sign with a certificate in his own name, from his own account.

This module holds the parts of a signature: who signs and with which certificate (his
registered one, opened by the passphrase he types, never kept), the act being signed
(`SigningAct`: its facts, its PDF, its seal), and the seal itself. At the seal the facts
the act states (attendance, proxies, agenda, votes, texts) are snapshotted into
`frozen_facts` (as OpenSlides' BasePoll.stop snapshots its voters), the session's facts
are frozen — the database then refuses any change to them — and the signed PDF is stored
with its SHA-256, to be served as is and never rendered again. The sequence of the two
signatures is `pma_governance.documents.consents`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from pyhanko.sign.signers import Signer

from deliberations.facts import session_document
from deliberations.models import Deliberation, SignatureConsent, SignedDocument
from deliberations.storage import store_signed
from meetings.models import AgendaItem, ProcesVerbal, Session
from meetings.selectors import declared_names
from members.certificates import open_signing_key
from members.models import Mandate, SigningCertificate
from pma_governance.documents.catalog import document_pdf
from pma_governance.documents.contexts.common import PRESIDENT_FIELD, SECRETARY_FIELD
from pma_governance.lib import wording
from pma_governance.lib.db import refused_when_frozen
from pma_governance.lib.pades import Signatory, SigningError, sign_pdf

ROLE_LABELS = {"president": "président de séance", "secretary": "secrétaire de séance"}
FIELDS = {"president": PRESIDENT_FIELD, "secretary": SECRETARY_FIELD}

# --- Who signs ----------------------------------------------------------------------------


def president_signatory(mandate: Mandate) -> Signatory:
    """« Alain Bavay, Le Président »."""
    role = wording.president_signature(mandate.person.civility).rstrip(",")
    return Signatory(name=mandate.person.full_name, role=role)


def secretary_signatory(mandate: Mandate) -> Signatory:
    """« Corinne Laversin, La secrétaire de séance »."""
    role = wording.capfirst(wording.secretary_signature(mandate.person.civility).rstrip(","))
    return Signatory(name=mandate.person.full_name, role=role)


def signatory_of(role: str, mandate: Mandate) -> Signatory:
    return president_signatory(mandate) if role == "president" else secretary_signatory(mandate)


def ensure_may_sign(user: Any, mandate: Mandate, *, as_what: str) -> None:
    """Only the account linked to the mandate holder's person signs in his name: no
    permission lets another account sign for him."""
    if user is None or not getattr(user, "is_active", False):
        raise ValidationError(f"Signature du {as_what} : aucun compte actif n'est indiqué.")
    if mandate.person.user_id is not None and mandate.person.user_id == user.pk:
        return
    raise ValidationError(
        f"Le compte « {user.get_username()} » ne peut signer en qualité de {as_what} : seul "
        f"le compte de {mandate.person.full_name} signe en son nom, avec son certificat."
    )


def signing_key(mandate: Mandate, passphrase: str) -> tuple[SigningCertificate, Signer]:
    """The holder's registered certificate, opened with the passphrase he typed."""
    return open_signing_key(mandate.person, passphrase)


def signatory_record(
    consent: SignatureConsent, mandate: Mandate, certificate: SigningCertificate | None
) -> dict[str, Any]:
    """What SignedDocument.signatories keeps about one signature."""
    signatory = signatory_of(consent.role, mandate)
    record = {
        "field": FIELDS[consent.role],
        "name": signatory.name,
        "role": signatory.role,
        "mandate": mandate.external_id or str(mandate.pk),
        "user": consent.user.get_username(),
        "user_id": consent.user_id,
        "signed_at": consent.given_at.isoformat(),
    }
    if certificate is not None:
        record["certificate"] = {
            "subject": certificate.subject,
            "issuer": certificate.issuer,
            "serial": certificate.serial,
            "fingerprint": certificate.fingerprint,
        }
    return record


def facts_digest(facts: dict[str, Any]) -> str:
    """The SHA-256 of the facts an act states, as canonical JSON."""
    canonical = json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- The facts frozen with the act --------------------------------------------------------


def session_facts(session: Session, *, item: AgendaItem | None = None) -> dict[str, Any]:
    """The session's facts as the interchange states them (roll, figures, votes, texts).

    With `item`, only that item is kept: what a deliberation states besides the roll.
    """
    facts = session_document(session)
    if item is not None:
        position = list(session.items.order_by("position").values_list("pk", flat=True))
        index = position.index(item.pk)
        facts["session"]["items"] = [facts["session"]["items"][index]]
    return facts


def session_freeze(session: Session, at: dt.datetime) -> None:
    """Freeze the session's facts (once: the first signed act sets the date)."""
    if session.facts_frozen_at is None:
        session.facts_frozen_at = at
        session.save(update_fields=["facts_frozen_at"])


def pv_problems(session: Session) -> list[str]:
    """Why the PV of `session` cannot be signed yet (empty when it is complete)."""
    problems = []
    if session.president_id is None:
        problems.append("La séance n'a pas de président de séance.")
    if session.secretary_id is None:
        problems.append("La séance n'a pas de secrétaire de séance.")
    unvoted = session.items.filter(
        kind__in=[AgendaItem.Kind.PV_ADOPTION, AgendaItem.Kind.DELIBERATION],
        vote__isnull=True,
    ).order_by("position")
    problems += [
        f"Le vote du point {i.position} « {i.title} » n'est pas enregistré." for i in unvoted
    ]
    if declared := declared_names(session):
        # The PV states the roll as seen in the room, never lines only declared beforehand.
        problems.append(
            f"L'appel n'est pas confirmé : lignes déclarées par {', '.join(declared)} "
            "(écran de séance, « Confirmer »)."
        )
    return problems


def deliberation_facts(deliberation: Deliberation, session: Session) -> dict[str, Any]:
    """What the act states: its texts and number, its item with the vote, and the roll."""
    assert deliberation.item is not None
    facts = session_facts(session, item=deliberation.item)
    facts["deliberation"] = {
        "number": deliberation.number,
        "title": deliberation.title,
        "nature": deliberation.nature,
        "matiere": deliberation.matiere,
        "visas": list(deliberation.visas),
        "considerants": deliberation.considerants,
        "dispositif": deliberation.dispositif,
        "budget_year": deliberation.budget_year,
    }
    return facts


# --- The act being signed, and its seal ------------------------------------------------


@dataclass(frozen=True)
class SigningAct:
    """A PV or a deliberation, locked for its signature (session first, then the act)."""

    kind: str
    session: Session
    pv: ProcesVerbal | None = None
    deliberation: Deliberation | None = None

    @property
    def subject(self) -> dict[str, Any]:
        if self.kind == "pv":
            return {"session": self.session}
        return {"deliberation": self.deliberation}

    @property
    def reason(self) -> str:
        if self.deliberation is not None:
            return f"Délibération n° {self.deliberation.number}"
        return f"Procès-verbal de la séance du {self.session.date:%d/%m/%Y}"

    def problems(self) -> list[str]:
        """Why this act cannot be signed yet, in French (empty when it can)."""
        if self.pv is not None:
            if self.pv.is_signed:
                return [
                    f"Le procès-verbal de la séance du {self.session.date:%d/%m/%Y} est déjà signé."
                ]
            problems = pv_problems(self.session)
            if problems:
                return [
                    f"Le procès-verbal de la séance du {self.session.date:%d/%m/%Y} est incomplet.",
                    *problems,
                ]
            return []
        act = self.deliberation
        assert act is not None
        label = f"La délibération n° {act.number}" if act.number else "Ce projet"
        if act.is_signed:
            return [f"{label} est déjà signée."]
        if act.status != Deliberation.Status.VOTED or not hasattr(act.item, "vote"):
            return [f"{label} n'a pas été votée : elle ne peut être signée."]
        return []

    def facts(self) -> dict[str, Any]:
        if self.deliberation is not None:
            return deliberation_facts(self.deliberation, self.session)
        return session_facts(self.session)

    def render(self) -> bytes:
        """The act's PDF as it is signed, without the draft mark."""
        if self.deliberation is not None:
            return document_pdf("deliberation", deliberation=self.deliberation, for_signature=True)
        return document_pdf("pv", session=self.session, for_signature=True)

    def sign(self, pdf: bytes, *, role: str, mandate: Mandate, signer: Signer) -> bytes:
        """`pdf` with this signatory's PAdES signature, in its own revision."""
        try:
            return sign_pdf(
                pdf,
                signatory=signatory_of(role, mandate),
                field_name=FIELDS[role],
                reason=self.reason,
                location=self.session.body.seat_city,
                signer=signer,
            )
        except SigningError as exc:
            raise ValidationError(str(exc)) from None

    def seal(
        self, *, pdf: bytes, facts: dict[str, Any], consents: Sequence[SignatureConsent]
    ) -> SignedDocument:
        """Both have signed: the act signed, its facts frozen, the PDF stored."""
        now = timezone.now()
        act: ProcesVerbal | Deliberation | None = self.pv or self.deliberation
        assert act is not None
        with refused_when_frozen():
            act.status = act.Status.SIGNED
            act.signed_at = now
            act.frozen_facts = facts
            fields = ["status", "signed_at", "frozen_facts"]
            act.save(update_fields=[*fields, "updated_at"] if self.pv else fields)
            session_freeze(self.session, now)
        mandates = {"president": self.session.president, "secretary": self.session.secretary}
        records = []
        for consent in sorted(consents, key=lambda c: c.role != "president"):
            mandate = mandates[consent.role]
            assert mandate is not None
            records.append(signatory_record(consent, mandate, consent.certificate))
        return store_signed(
            kind=self.kind, pdf=pdf, signed_at=now, signatories=records, **self.subject
        )
