"""The stamped copy (« copie exécutoire ») of a signed deliberation.

CGCT L2131-1: an act is executory once published and transmitted to the prefect, which
L2131-2 (via L5211-3 for the groupings of collectivities) asks of every deliberation. Once
both the accusé de réception and the publication are recorded, the body seals a copy of
the signed PDF: an incremental revision adding a visible stamp (« Reçu en préfecture le …,
identifiant … ; publié le … », « Acte rendu exécutoire après transmission en préfecture le
… et publication le … ») as a further PAdES signature by the body's certificate, so that
the president's and the secretary's signatures stay valid in the copy. The signed original
is never touched: the copy is stored beside it (`SignedDocument` of kind `executoire`, with
its SHA-256), once, and served as is.

The prefecture and publication features call `stamped_copy_when_due` when they record the
second fact; `manage.py make_stamped_copies` makes the copies still missing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from deliberations.models import Deliberation, SignedDocument
from deliberations.selectors import published_deliberations
from deliberations.storage import StoredDocumentAltered, get_signed, signed_bytes, store_signed
from pma_governance.lib import wording
from pma_governance.lib.pades import SigningError, seal_pdf

logger = logging.getLogger(__name__)

KIND = "executoire"
# The seal's field: the deliberation template reserves its space on the first page
# (named destinations `signature-executoire` and `signature-executoire-end`).
SEAL_FIELD = "executoire"
_MM = 72 / 25.4
# Acts signed before that space was reserved: the band above the running header of the
# first page (print.css: 24 mm top margin, the header at its bottom), clear of any text.
_A4_WIDTH, _A4_HEIGHT = 595.28, 841.89
FALLBACK_BOX = (
    round(22 * _MM),
    round(_A4_HEIGHT - 17 * _MM),
    round(_A4_WIDTH - 20 * _MM),
    round(_A4_HEIGHT - 5 * _MM),
)


@dataclass(frozen=True)
class Executoire:
    """What makes an act executory: the accusé de réception and the publication."""

    received_on: dt.date
    identifier: str
    published_on: dt.date

    @property
    def stamp(self) -> tuple[str, str]:
        return wording.executoire_stamp(self.received_on, self.identifier, self.published_on)

    @property
    def label(self) -> str:
        return wording.executoire_label(self.received_on, self.published_on)


def executoire_facts(deliberation: Deliberation) -> Executoire | None:
    """The accusé de réception and the publication, once both are recorded (else None)."""
    received, identifier = deliberation.prefecture_received_on, deliberation.prefecture_identifier
    published = deliberation.published_on
    # DESIGN §6: never « reçu » without the acknowledgement's identifier.
    if received is None or not identifier.strip() or published is None:
        return None
    if deliberation.status != Deliberation.Status.PUBLISHED:
        return None
    return Executoire(received_on=received, identifier=identifier, published_on=published)


def stamped_copy(deliberation: Deliberation) -> SignedDocument | None:
    """The stored stamped copy of `deliberation`, if it was made."""
    return get_signed(KIND, deliberation=deliberation)


def copies_due() -> QuerySet[Deliberation]:
    """Published acts whose accusé de réception is recorded and whose copy is not made."""
    return (
        published_deliberations()
        .filter(prefecture_received_on__isnull=False)
        .exclude(prefecture_identifier="")
        .exclude(Exists(SignedDocument.objects.filter(kind=KIND, deliberation=OuterRef("pk"))))
        .select_related("body")
        .order_by("body__short_name", "sequence")
    )


def stamped_facts(copy: SignedDocument) -> Executoire:
    """What the stamp of a stored copy states, as recorded when it was sealed."""
    facts = facts_of_signatories(copy.signatories)
    assert facts is not None
    return facts


def copy_signatories() -> Subquery:
    """The `signatories` of a deliberation's stamped copy, as an annotation (NULL if none)."""
    copies = SignedDocument.objects.filter(kind=KIND, deliberation=OuterRef("pk"))
    return Subquery(copies.values("signatories")[:1])


def stamped_copy_facts(deliberation: Deliberation) -> Executoire | None:
    """What the act's stamped copy states, or None when it has none (its bytes not read)."""
    signatories = (
        SignedDocument.objects.filter(kind=KIND, deliberation=deliberation)
        .values_list("signatories", flat=True)
        .first()
    )
    return facts_of_signatories(signatories)


def facts_of_signatories(signatories: list[dict[str, str]] | None) -> Executoire | None:
    """What a stamped copy states, from its recorded `signatories` (None: no copy)."""
    if signatories is None:
        return None
    [seal] = [s for s in signatories if s.get("field") == SEAL_FIELD]
    return Executoire(
        received_on=dt.date.fromisoformat(seal["received_on"]),
        identifier=seal["identifier"],
        published_on=dt.date.fromisoformat(seal["published_on"]),
    )


@transaction.atomic
def stamped_copy_make(*, deliberation: Deliberation) -> SignedDocument | None:
    """Seal and store the stamped copy; the one already stored, if any; None while the
    accusé de réception or the publication is missing."""
    # Lock the act: two recordings at once store one copy.
    deliberation = (
        Deliberation.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=deliberation.pk)
    )
    facts = executoire_facts(deliberation)
    if facts is None:
        return None
    existing = stamped_copy(deliberation)
    if existing is not None:
        return existing
    label = f"la délibération n° {deliberation.number}"
    original = get_signed("deliberation", deliberation=deliberation)
    if original is None:
        raise ValidationError(f"Copie exécutoire de {label} : aucun PDF signé n'est enregistré.")
    body = deliberation.body
    try:
        pdf = seal_pdf(
            signed_bytes(original),
            mention="\n".join(facts.stamp),
            name=body.name,
            field_name=SEAL_FIELD,
            reason=facts.label,
            location=body.seat_city,
            fallback_box=FALLBACK_BOX,
        )
    except (SigningError, StoredDocumentAltered) as exc:
        raise ValidationError(f"Copie exécutoire de {label} : {exc}") from exc
    now = timezone.now()
    return store_signed(
        kind=KIND,
        deliberation=deliberation,
        pdf=pdf,
        signed_at=now,
        signatories=[
            {
                "field": SEAL_FIELD,
                "name": body.name,
                "role": "Sceau de la collectivité",
                "signed_at": now.isoformat(),
                "original_sha256": original.sha256,
                "received_on": facts.received_on.isoformat(),
                "identifier": facts.identifier,
                "published_on": facts.published_on.isoformat(),
            }
        ],
    )


def stamped_copy_when_due(*, deliberation: Deliberation) -> SignedDocument | None:
    """Make the stamped copy if both facts are now recorded, without undoing them when it
    fails: the accusé and the publication are facts, the copy is derived from them and
    `manage.py make_stamped_copies` makes it later (the reason goes to the log)."""
    try:
        with transaction.atomic():  # a savepoint: a failed copy leaves nothing behind
            return stamped_copy_make(deliberation=deliberation)
    except ValidationError as exc:
        logger.warning("Copie exécutoire non produite : %s", " ".join(exc.messages))
        return None


def ack_change_problems(
    deliberation: Deliberation, *, received_on: dt.date, identifier: str
) -> list[str]:
    """Why the accusé de réception may no longer change: its stamped copy states it."""
    copy = stamped_copy(deliberation)
    if copy is None:
        return []
    stamped = stamped_facts(copy)
    if (stamped.received_on, stamped.identifier) == (received_on, identifier):
        return []
    return [
        f"La copie exécutoire tamponnée porte déjà l'accusé de réception du "
        f"{stamped.received_on:%d/%m/%Y} (identifiant {stamped.identifier}) : il ne peut plus "
        "être changé. Une correction passe par un erratum."
    ]
