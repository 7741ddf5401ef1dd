"""Signing a procès-verbal or a deliberation: one PAdES PDF signed by the president, then
the secretary.

At signature the facts the act states (attendance, proxies, agenda, votes, texts) are
snapshotted into `frozen_facts` (as OpenSlides' BasePoll.stop snapshots its voters), the
session's facts are frozen — the database then refuses any change to them — and the
signed PDF is stored with its SHA-256, to be served as is and never rendered again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deliberations.facts import session_document
from deliberations.models import Deliberation, SignedDocument
from deliberations.storage import store_signed
from meetings.models import AgendaItem, ProcesVerbal, Session
from members.models import Mandate
from pma_governance.documents.catalog import document_pdf
from pma_governance.documents.contexts.common import PRESIDENT_FIELD, SECRETARY_FIELD
from pma_governance.lib import wording
from pma_governance.lib.db import refused_when_frozen
from pma_governance.lib.pades import Signatory, SigningError, sign_pdf

# --- Who signs ----------------------------------------------------------------------------


def president_signatory(mandate: Mandate) -> Signatory:
    """« Alain Bavay, Le Président »."""
    role = wording.president_signature(mandate.person.civility).rstrip(",")
    return Signatory(name=mandate.person.full_name, role=role)


def secretary_signatory(mandate: Mandate) -> Signatory:
    """« Corinne Laversin, La secrétaire de séance »."""
    role = wording.capfirst(wording.secretary_signature(mandate.person.civility).rstrip(","))
    return Signatory(name=mandate.person.full_name, role=role)


def ensure_may_sign(user: Any, mandate: Mandate, *, perm: str, as_what: str) -> None:
    """The account signs as this mandate's holder: it is theirs, or it may sign acts."""
    if user is None or not getattr(user, "is_active", False):
        raise ValidationError(f"Signature du {as_what} : aucun compte actif n'est indiqué.")
    if mandate.person.user_id == user.pk or user.has_perm(perm):
        return
    raise ValidationError(
        f"Le compte « {user.get_username()} » ne peut signer en qualité de {as_what} : ce "
        f"n'est pas celui de {mandate.person.full_name} et il n'a pas le droit de signer."
    )


def signatory_record(
    signatory: Signatory, mandate: Mandate, user: Any, field_name: str, at: dt.datetime
) -> dict[str, Any]:
    """What SignedDocument.signatories keeps about one signature."""
    return {
        "field": field_name,
        "name": signatory.name,
        "role": signatory.role,
        "mandate": mandate.external_id or str(mandate.pk),
        "user": user.get_username(),
        "user_id": user.pk,
        "signed_at": at.isoformat(),
    }


def sign_twice(
    pdf: bytes,
    *,
    president: Signatory,
    secretary: Signatory,
    reason: str,
    location: str,
) -> bytes:
    """The president's PAdES signature, then the secretary's, each in its own revision."""
    try:
        signed = sign_pdf(
            pdf, signatory=president, field_name=PRESIDENT_FIELD, reason=reason, location=location
        )
        return sign_pdf(
            signed,
            signatory=secretary,
            field_name=SECRETARY_FIELD,
            reason=reason,
            location=location,
        )
    except SigningError as exc:
        raise ValidationError(str(exc)) from exc


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
    return problems


@transaction.atomic
def pv_sign(*, pv: ProcesVerbal, president_user: Any, secretary_user: Any) -> SignedDocument:
    """Sign a complete PV: president then secretary; facts frozen; the PDF stored as signed."""

    # Lock the session, then its PV: two clicks on « Signer » store one document, and no
    # roll-call change slips in between the snapshot of the facts and their freeze.
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("body", "president__person", "secretary__person")
        .get(pk=pv.session_id)
    )
    pv = ProcesVerbal.objects.select_for_update().get(pk=pv.pk)
    if pv.is_signed:
        raise ValidationError(
            f"Le procès-verbal de la séance du {session.date:%d/%m/%Y} est déjà signé."
        )
    problems = pv_problems(session)
    if problems:
        raise ValidationError(
            [f"Le procès-verbal de la séance du {session.date:%d/%m/%Y} est incomplet.", *problems]
        )
    assert session.president is not None and session.secretary is not None
    ensure_may_sign(
        president_user, session.president, perm="meetings.sign_procesverbal", as_what="président"
    )
    ensure_may_sign(
        secretary_user,
        session.secretary,
        perm="meetings.sign_procesverbal",
        as_what="secrétaire de séance",
    )
    now = timezone.now()
    facts = session_facts(session)
    with refused_when_frozen():
        pv.status = ProcesVerbal.Status.SIGNED
        pv.signed_at = now
        pv.frozen_facts = facts
        pv.save(update_fields=["status", "signed_at", "frozen_facts", "updated_at"])
        session_freeze(session, now)
    president = president_signatory(session.president)
    secretary = secretary_signatory(session.secretary)
    pdf = sign_twice(
        document_pdf("pv", session=session),
        president=president,
        secretary=secretary,
        reason=f"Procès-verbal de la séance du {session.date:%d/%m/%Y}",
        location=session.body.seat_city,
    )
    return store_signed(
        kind="pv",
        session=session,
        pdf=pdf,
        signed_at=now,
        signatories=[
            signatory_record(president, session.president, president_user, PRESIDENT_FIELD, now),
            signatory_record(secretary, session.secretary, secretary_user, SECRETARY_FIELD, now),
        ],
    )


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


@transaction.atomic
def deliberation_sign(
    *, deliberation: Deliberation, president_user: Any, secretary_user: Any
) -> SignedDocument:
    """Sign a voted deliberation: president then secretary; facts frozen; PDF stored."""

    item_session = (
        Deliberation.objects.filter(pk=deliberation.pk)
        .values_list("item__session_id", flat=True)
        .first()
    )
    if item_session is None:
        raise ValidationError(
            "Cette délibération n'est rattachée à aucun point d'une séance : elle ne peut être "
            "signée."
        )
    # Lock the session, then the act (the order vote_record takes): one signature stored,
    # and no roll-call change between the snapshot of the facts and their freeze.
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("body", "president__person", "secretary__person")
        .get(pk=item_session)
    )
    deliberation = (
        Deliberation.objects.select_for_update(of=("self",))
        .select_related("item", "body")
        .get(pk=deliberation.pk)
    )
    label = f"La délibération n° {deliberation.number}" if deliberation.number else "Ce projet"
    if deliberation.is_signed:
        raise ValidationError(f"{label} est déjà signée.")
    if deliberation.status != Deliberation.Status.VOTED or not hasattr(deliberation.item, "vote"):
        raise ValidationError(f"{label} n'a pas été votée : elle ne peut être signée.")
    if session.president is None or session.secretary is None:
        raise ValidationError(
            f"La séance du {session.date:%d/%m/%Y} n'a pas de président ou de secrétaire de "
            "séance : la délibération ne peut être signée."
        )
    ensure_may_sign(
        president_user,
        session.president,
        perm="deliberations.sign_deliberation",
        as_what="président",
    )
    ensure_may_sign(
        secretary_user,
        session.secretary,
        perm="deliberations.sign_deliberation",
        as_what="secrétaire de séance",
    )
    now = timezone.now()
    facts = deliberation_facts(deliberation, session)
    with refused_when_frozen():
        deliberation.status = Deliberation.Status.SIGNED
        deliberation.signed_at = now
        deliberation.frozen_facts = facts
        deliberation.save(update_fields=["status", "signed_at", "frozen_facts"])
        session_freeze(session, now)
    president = president_signatory(session.president)
    secretary = secretary_signatory(session.secretary)
    pdf = sign_twice(
        document_pdf("deliberation", deliberation=deliberation),
        president=president,
        secretary=secretary,
        reason=f"Délibération n° {deliberation.number}",
        location=session.body.seat_city,
    )
    return store_signed(
        kind="deliberation",
        deliberation=deliberation,
        pdf=pdf,
        signed_at=now,
        signatories=[
            signatory_record(president, session.president, president_user, PRESIDENT_FIELD, now),
            signatory_record(secretary, session.secretary, secretary_user, SECRETARY_FIELD, now),
        ],
    )


# --- Errata: the way to correct a signed act -----------------------------------------------
